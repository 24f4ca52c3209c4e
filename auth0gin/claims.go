package auth0gin

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"

	"github.com/auth0/go-jwt-middleware/v2/validator"
	jose "gopkg.in/go-jose/go-jose.v2"
	josejson "gopkg.in/go-jose/go-jose.v2/json"
	"gopkg.in/go-jose/go-jose.v2/jwt"
)

// fixedClaims are the claims every Auth0 access token may carry that the
// Auth0User needs. They are decoded with go-jose's JSON package, which, unlike
// encoding/json, matches names case-sensitively: "SCOPE" is not "scope".
type fixedClaims struct {
	Sub         string   `json:"sub"`
	Exp         *float64 `json:"exp"`
	Scope       string   `json:"scope"`
	Permissions []string `json:"permissions"`
	Gty         string   `json:"gty"`
	Azp         string   `json:"azp"`
	ClientID    string   `json:"client_id"`
	OrgID       string   `json:"org_id"`
	Email       *string  `json:"email"`
}

// claimsLayout is the Go type the payload decodes into: fixedClaims plus a
// field for each configured namespaced claim, built once in New so that each
// token's payload is decoded in a single pass.
type claimsLayout struct {
	typ      reflect.Type
	emailIdx int // field index of the namespaced email claim, or -1
	rolesIdx int // field index of the roles claim, or -1
}

func newClaimsLayout(emailClaim, rolesClaim string) (*claimsLayout, error) {
	fields := []reflect.StructField{{Name: "Fixed", Type: reflect.TypeFor[fixedClaims](), Anonymous: true}}
	l := &claimsLayout{emailIdx: -1, rolesIdx: -1}
	add := func(name string, t reflect.Type, goName string) (int, error) {
		if !usableClaimName(name) {
			return -1, fmt.Errorf("claim name %q is not usable: it is a registered claim or has characters JSON tags cannot hold", name)
		}
		fields = append(fields, reflect.StructField{Name: goName, Type: t, Tag: reflect.StructTag(`json:"` + name + `"`)})
		return len(fields) - 1, nil
	}
	var err error
	if emailClaim != "" && emailClaim != "email" {
		if l.emailIdx, err = add(emailClaim, reflect.TypeFor[*string](), "NsEmail"); err != nil {
			return nil, err
		}
	}
	if rolesClaim != "" {
		if rolesClaim == emailClaim {
			return nil, errors.New("the roles claim and the email claim must differ")
		}
		if l.rolesIdx, err = add(rolesClaim, reflect.TypeFor[[]string](), "Roles"); err != nil {
			return nil, err
		}
	}
	l.typ = reflect.StructOf(fields)
	return l, nil
}

// usableClaimName accepts a name the JSON decoder will match exactly: the
// characters of a valid struct tag name (any other makes go-jose's decoder
// silently fall back to the Go field name), and not a claim the core reads
// itself.
func usableClaimName(name string) bool {
	switch name {
	case "", "-", "sub", "exp", "iss", "aud", "iat", "nbf", "scope", "permissions", "gty", "azp", "client_id", "org_id":
		return false
	}
	for _, c := range name {
		if !strings.ContainsRune("!#$%&()*+-./:<=>?@[]^_{|}~", c) && !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			return false
		}
	}
	return true
}

var errMissingExp = errors.New("token has no exp")
var errMissingSub = errors.New("token has no sub")

// tokenClaims is the validator's custom-claims value: it decodes what the
// Auth0User needs from the verified payload.
type tokenClaims struct {
	layout *claimsLayout
	v      reflect.Value // *layout.typ
}

// UnmarshalJSON decodes the verified payload.
func (t *tokenClaims) UnmarshalJSON(b []byte) error {
	t.v = reflect.New(t.layout.typ)
	return josejson.Unmarshal(b, t.v.Interface())
}

func (t *tokenClaims) fixed() *fixedClaims {
	return t.v.Elem().Field(0).Addr().Interface().(*fixedClaims)
}

// Validate implements validator.CustomClaims. The validator accepts a token
// with no exp; RFC 9068 §2.2 makes exp required in access tokens, and a token
// that never expires would be trusted forever.
func (t *tokenClaims) Validate(context.Context) error {
	if !t.v.IsValid() {
		return errors.New("no claims")
	}
	f := t.fixed()
	if f.Exp == nil {
		return errMissingExp
	}
	if f.Sub == "" {
		return errMissingSub
	}
	return nil
}

func (t *tokenClaims) user(rc validator.RegisteredClaims, h header, token string) *Auth0User {
	lo, hi, _ := payloadSpan(token) // a verified JWS has one
	f := t.fixed()
	u := &Auth0User{
		ID:          rc.Subject,
		Permissions: f.Permissions,
		Email:       f.Email,
		Scopes:      strings.Fields(f.Scope),
		ClientID:    f.Azp,
		GrantType:   f.Gty,
		OrgID:       f.OrgID,
		Audience:    rc.Audience,
		ExpiresAt:   time.Unix(rc.Expiry, 0),
		Issuer:      rc.Issuer,
		KeyID:       h.Kid,
		Algorithm:   h.Alg,
		payload:     token[lo:hi],
	}
	if u.Permissions == nil {
		u.Permissions = []string{}
	}
	if u.ClientID == "" {
		u.ClientID = f.ClientID
	}
	if i := t.layout.emailIdx; i >= 0 {
		if e := t.v.Elem().Field(i).Interface().(*string); e != nil {
			u.Email = e
		}
	}
	if i := t.layout.rolesIdx; i >= 0 {
		u.Roles = t.v.Elem().Field(i).Interface().([]string)
	}
	return u
}

// header is the part of the JOSE header checked before any key is looked up.
type header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ"`
}

// parseHeader reads a compact JWS's header without trusting it: only to choose
// the validator for its alg and the key for its kid (RFC 8725 §3.1).
func parseHeader(token string) (header, error) {
	var h header
	if strings.Count(token, ".") != 2 {
		return h, errors.New("a JWS has three dot-separated parts")
	}
	seg := token[:strings.IndexByte(token, '.')]
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return h, fmt.Errorf("header: %w", err)
	}
	if err := josejson.Unmarshal(b, &h); err != nil {
		return h, fmt.Errorf("header: %w", err)
	}
	return h, nil
}

// allowedTyp accepts Auth0's "JWT", RFC 9068's "at+jwt" and no typ at all.
func allowedTyp(typ string) bool {
	switch strings.ToLower(typ) {
	case "", "jwt", "at+jwt", "application/at+jwt":
		return true
	}
	return false
}

// classify maps the validator's and go-jose's errors to the package's.
func classify(err error) *AuthError {
	switch {
	case errors.Is(err, jwt.ErrExpired):
		return unauthorized(ErrExpired, "token expired", err)
	case errors.Is(err, jwt.ErrNotValidYet), errors.Is(err, jwt.ErrIssuedInTheFuture):
		return unauthorized(ErrNotYetValid, "token not valid yet", err)
	case errors.Is(err, jwt.ErrInvalidIssuer):
		return unauthorized(ErrIssuer, "wrong issuer", err)
	case errors.Is(err, jwt.ErrInvalidAudience):
		return unauthorized(ErrAudience, "wrong audience", err)
	case errors.Is(err, errMissingExp):
		return unauthorized(ErrMissingExpiry, "token has no exp", err)
	case errors.Is(err, jose.ErrCryptoFailure):
		return unauthorized(ErrInvalidSignature, "invalid signature", err)
	case strings.Contains(err.Error(), "invalid token format"), strings.Contains(err.Error(), "could not parse the token"):
		return unauthorized(ErrMalformedToken, "malformed token", err)
	}
	return unauthorized(ErrInvalidClaims, "invalid claims", err)
}

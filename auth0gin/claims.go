package auth0gin

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/auth0/go-jwt-middleware/v2/validator"
	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jose "gopkg.in/go-jose/go-jose.v2"
	"gopkg.in/go-jose/go-jose.v2/jwt"
)

// The validator checks the registered claims (iss, aud, exp, nbf, iat) and the
// signature; tokenClaims are the rest of what an Auth0User needs. They are
// decoded from the verified payload in one pass with encoding/json/v2's
// reference implementation (github.com/go-json-experiment/json): names match
// exactly ("SCOPE" is not "scope"), a name that appears twice or invalid UTF-8
// is an error, and no reflection over a per-tenant struct is needed, so a
// configured claim name may hold any character.
type tokenClaims struct {
	Scope       string
	Permissions []string
	Gty         string
	Azp         string
	ClientID    string
	OrgID       string
	Email       *string // the plain `email` claim
	NsEmail     *string // Config.EmailClaim, which wins over `email`
	Roles       []string
	OrgName     string   // Config.OrgNameClaim
	AuthTime    float64  // Config.AuthTimeClaim (a NumericDate); 0 when absent
	ACR         string   // Config.ACRClaim
	AMR         []string // Config.AMRClaim
	Cnf         *struct {
		JKT *string `json:"jkt"`
	} // cnf (RFC 7800); jkt binds a DPoP token to a key (RFC 9449 §6.1)
	// Iss is the payload's iss, read in the same pass: before the signature
	// is checked it only chooses the issuer whose keys may verify it (the
	// validator checks it again); nil when absent.
	Iss *string
}

// hasNUL reports whether a claim the core reads holds a NUL byte.
func (c *tokenClaims) hasNUL() bool {
	nul := func(s string) bool { return strings.IndexByte(s, 0) >= 0 }
	for _, s := range []string{c.Scope, c.Gty, c.Azp, c.ClientID, c.OrgID, c.OrgName, c.ACR} {
		if nul(s) {
			return true
		}
	}
	for _, e := range []*string{c.Email, c.NsEmail} {
		if e != nil && nul(*e) {
			return true
		}
	}
	return slices.ContainsFunc(c.Permissions, nul) || slices.ContainsFunc(c.Roles, nul) || slices.ContainsFunc(c.AMR, nul)
}

// claimNames are the configured claim names; "" when there is none.
type claimNames struct {
	email string // "" also when Config.EmailClaim is plain "email"
	roles string
	// The login and organization claims: "" when Config says "-".
	authTime, acr, amr, orgName string
}

// defaultLoginClaims are the names the login and organization claims have
// unless configured, in claimNames order.
var defaultLoginClaims = [4]string{"auth_time", "acr", "amr", "org_name"}

// coreClaims are the claims the core reads itself, or registered claims:
// configured names may not shadow them.
var coreClaims = []string{"sub", "exp", "iss", "aud", "iat", "nbf", "jti",
	"scope", "permissions", "gty", "azp", "client_id", "org_id", "cnf"}

// tag names the claims a user's Email and Roles were read from; "" for the
// plain `email` claim and no roles claim.
func (n claimNames) tag() string {
	login := [4]string{n.authTime, n.acr, n.amr, n.orgName}
	switch {
	case login != defaultLoginClaims:
		return n.email + "\x00" + n.roles + "\x00" + strings.Join(login[:], "\x00")
	case n.email == "" && n.roles == "":
		return ""
	}
	return n.email + "\x00" + n.roles
}

// newClaimNames checks the claim names of c (resolved: the login claims
// have their defaults, or "-").
func newClaimNames(c Config) (claimNames, error) {
	n, err := newIdentityNames(c.EmailClaim, c.RolesClaim)
	if err != nil {
		return n, err
	}
	taken := []string{"email", n.email, n.roles}
	for i, f := range []struct {
		dst  *string
		name string
	}{{&n.authTime, c.AuthTimeClaim}, {&n.acr, c.ACRClaim}, {&n.amr, c.AMRClaim}, {&n.orgName, c.OrgNameClaim}} {
		if f.name == "-" {
			continue
		}
		if f.name != defaultLoginClaims[i] {
			if err := usableClaimName(f.name); err != nil {
				return n, err
			}
		}
		if slices.Contains(taken, f.name) {
			return n, fmt.Errorf("claim name %q is configured for two claims", f.name)
		}
		taken = append(taken, f.name)
		*f.dst = f.name
	}
	return n, nil
}

// usableClaimName checks a configured claim name: valid JSON text, and not a
// claim the core reads itself.
func usableClaimName(name string) error {
	if name == "" || !utf8.ValidString(name) || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 }) {
		return fmt.Errorf("claim name %q is not valid JSON text", name)
	}
	if slices.Contains(coreClaims, name) {
		return fmt.Errorf("claim name %q is a claim the core reads itself", name)
	}
	return nil
}

func newIdentityNames(emailClaim, rolesClaim string) (claimNames, error) {
	usable := usableClaimName
	var n claimNames
	if emailClaim != "" && emailClaim != "email" {
		if err := usable(emailClaim); err != nil {
			return n, err
		}
		n.email = emailClaim
	}
	if rolesClaim != "" {
		if rolesClaim == emailClaim || rolesClaim == "email" {
			return n, errors.New("the roles claim must differ from the email claims")
		}
		if err := usable(rolesClaim); err != nil {
			return n, err
		}
		n.roles = rolesClaim
	}
	return n, nil
}

// claimsDecoder decodes a payload into c, reading only the members it needs
// and skipping the rest without building them.
type claimsDecoder struct {
	names claimNames
	c     *tokenClaims
}

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (d *claimsDecoder) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != '{' {
		return errors.New("the payload is not a JSON object")
	}
	for dec.PeekKind() != '}' {
		// The name is read raw, as the decoder holds it, and compared in
		// place: it is needed only for the switch below. One with an escape
		// (the decoder has checked it) is unquoted into a string of its own.
		raw, err := dec.ReadValue() // an error here also ends a truncated object
		if err != nil {
			return err
		}
		var n string
		if bytes.IndexByte(raw, '\\') < 0 {
			n = unsafe.String(unsafe.SliceData(raw[1:]), len(raw)-2) // valid until the next read
		} else if u, err := jsontext.AppendUnquote(nil, raw); err == nil {
			n = string(u)
		} else {
			return err
		}
		// The claims' values are read token by token, with the type each
		// must have (json.UnmarshalDecode per member costs a reflective
		// lookup each, a good part of a verification's own time). null
		// leaves a member at its zero value, as json.Unmarshal does.
		c := d.c
		switch {
		case n == "scope":
			err = readString(dec, "scope", &c.Scope)
		case n == "permissions":
			err = readStrings(dec, "permissions", &c.Permissions)
		case n == "gty":
			err = readString(dec, "gty", &c.Gty)
		case n == "azp":
			err = readString(dec, "azp", &c.Azp)
		case n == "client_id":
			err = readString(dec, "client_id", &c.ClientID)
		case n == "org_id":
			err = readString(dec, "org_id", &c.OrgID)
		case n == "cnf": // rare: the generic decoder will do
			err = json.UnmarshalDecode(dec, &c.Cnf)
		case n == "iss":
			err = readStringPtr(dec, "iss", &c.Iss)
		case n == "email":
			err = readStringPtr(dec, "email", &c.Email)
		case n == d.names.email && n != "":
			err = readStringPtr(dec, d.names.email, &c.NsEmail)
		case n == d.names.roles && n != "":
			err = readStrings(dec, d.names.roles, &c.Roles)
		case n == d.names.authTime && n != "":
			err = readNumber(dec, d.names.authTime, &c.AuthTime)
		case n == d.names.acr && n != "":
			err = readString(dec, d.names.acr, &c.ACR)
		case n == d.names.amr && n != "":
			err = readStrings(dec, d.names.amr, &c.AMR)
		case n == d.names.orgName && n != "":
			err = readString(dec, d.names.orgName, &c.OrgName)
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
	_, err = dec.ReadToken() // the closing brace
	return err
}

// next reads a claim's value: a token of kind want (what names it for the
// error), or null.
func next(dec *jsontext.Decoder, name string, want jsontext.Kind, what string) (tok jsontext.Token, null bool, err error) {
	tok, err = dec.ReadToken()
	switch {
	case err != nil:
		return tok, false, err
	case tok.Kind() == 'n':
		return tok, true, nil
	case tok.Kind() != want:
		return tok, false, wrongType(name, what, tok.Kind())
	}
	return tok, false, nil
}

// readString reads a JSON string (or null, leaving dst as it is) into dst.
func readString(dec *jsontext.Decoder, name string, dst *string) error {
	tok, null, err := next(dec, name, '"', "a string")
	if err == nil && !null {
		*dst = tok.String()
	}
	return err
}

// readStringPtr is readString into a new string, nil for null.
func readStringPtr(dec *jsontext.Decoder, name string, dst **string) error {
	tok, null, err := next(dec, name, '"', "a string")
	switch {
	case err != nil:
		return err
	case null:
		*dst = nil
	default:
		v := tok.String()
		*dst = &v
	}
	return nil
}

// readStrings reads a JSON array of strings (or null, nil) into dst; a
// null element is "".
func readStrings(dec *jsontext.Decoder, name string, dst *[]string) error {
	const what = "an array of strings"
	if _, null, err := next(dec, name, '[', what); err != nil || null {
		*dst = nil
		return err
	}
	out := []string{}
	for dec.PeekKind() != ']' {
		el, null, err := next(dec, name, '"', what) // an error here also ends a truncated array
		switch {
		case err != nil:
			return err
		case null:
			out = append(out, "")
		default:
			out = append(out, el.String())
		}
	}
	if _, err := dec.ReadToken(); err != nil { // the closing bracket
		return err
	}
	*dst = out
	return nil
}

// readNumber reads a JSON number (or null, leaving dst as it is) into dst.
func readNumber(dec *jsontext.Decoder, name string, dst *float64) error {
	tok, null, err := next(dec, name, '0', "a number")
	if err != nil || null {
		return err
	}
	f, err := strconv.ParseFloat(tok.String(), 64)
	if err != nil {
		return fmt.Errorf("claim %q: %w", name, err)
	}
	*dst = f
	return nil
}

func wrongType(name, want string, got jsontext.Kind) error {
	return fmt.Errorf("claim %q: want %s, got %v", name, want, got)
}

// decodeTokenClaims decodes the claims of a token's payload segment. Verify
// decodes them once, before the signature check, and uses them only once it
// holds (until then, only Iss, to choose the issuer); an error is reported
// after the signature check too.
func decodeTokenClaims(segment string, names claimNames) (tokenClaims, error) {
	var c tokenClaims
	raw, err := base64.RawURLEncoding.DecodeString(segment)
	if err != nil {
		return c, fmt.Errorf("payload: %w", err)
	}
	if err := json.Unmarshal(raw, &claimsDecoder{names: names, c: &c}); err != nil {
		return c, fmt.Errorf("payload: %w", err)
	}
	// A cnf binds the token to a key its holder proves on each request; one
	// without a jkt (an mTLS binding, RFC 8705) names a proof the guards
	// cannot check, so the token is refused rather than taken as bearer.
	if c.Cnf != nil && (c.Cnf.JKT == nil || *c.Cnf.JKT == "" || strings.IndexByte(*c.Cnf.JKT, 0) >= 0) {
		return c, errors.New("payload: cnf holds no DPoP key thumbprint (jkt)")
	}
	return c, nil
}

// user builds the Auth0User of a verified token: rc are the registered claims
// the validator checked, h its header, payload its payload segment, and tag
// the claimNames.tag of the names c was decoded with.
func (c *tokenClaims) user(rc validator.RegisteredClaims, h header, payload, tag string) *Auth0User {
	u := &Auth0User{
		ID:          rc.Subject,
		Permissions: c.Permissions,
		Email:       c.Email,
		Scopes:      strings.Fields(c.Scope),
		Roles:       c.Roles,
		ClientID:    c.Azp,
		GrantType:   c.Gty,
		OrgID:       c.OrgID,
		OrgName:     c.OrgName,
		ACR:         c.ACR,
		AMR:         c.AMR,
		Audience:    rc.Audience,
		ExpiresAt:   time.Unix(rc.Expiry, 0),
		Issuer:      rc.Issuer,
		KeyID:       h.Kid,
		Algorithm:   h.Alg,
		payload:     payload,
		derivedBy:   tag,
		verifiedAt:  time.Now().UnixNano(),
	}
	if u.Permissions == nil {
		u.Permissions = []string{}
	}
	if u.ClientID == "" {
		u.ClientID = c.ClientID
	}
	if c.NsEmail != nil {
		u.Email = c.NsEmail
	}
	// A NumericDate; one that is not a plausible time (negative, zero, or
	// past the year 36812) counts as absent: no login happened then.
	if c.AuthTime >= 1 && c.AuthTime < 1<<40 {
		u.AuthTime = time.Unix(int64(c.AuthTime), 0)
	}
	if c.Cnf != nil && c.Cnf.JKT != nil {
		u.jkt = *c.Cnf.JKT
	}
	return u
}

// header is the part of the JOSE header checked before any key is looked up.
type header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ"`
	// Crit is the raw `crit` member, nil when absent. We understand no
	// extension, so any crit (even an empty list, which RFC 7515 §4.1.11
	// forbids producers to send) makes the token invalid.
	Crit jsontext.Value `json:"crit"`
}

// parseHeader reads a compact JWS's header without trusting it: only to choose
// the validator for its alg and the key for its kid (RFC 8725 §3.1).
func parseHeader(token string) (header, error) {
	var h header
	if strings.Count(token, ".") != 2 {
		return h, errors.New("a JWS has three dot-separated parts")
	}
	seg, _, _ := strings.Cut(token, ".")
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return h, fmt.Errorf("header: %w", err)
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return h, fmt.Errorf("header: %w", err)
	}
	return h, nil
}

// peekIssuer reads the `iss` of a compact JWS's payload without trusting it,
// only to choose the issuer whose keys may verify it; ok is false when the
// payload holds no string iss. It is lenient (a name twice, invalid UTF-8):
// the validator checks iss again once the signature holds, and the claims
// are then decoded strictly.
func peekIssuer(token string) (iss string, ok bool) {
	lo, hi, ok := payloadSpan(token)
	if !ok {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(token[lo:hi])
	if err != nil {
		return "", false
	}
	var p struct {
		Iss *string `json:"iss"`
	}
	if json.Unmarshal(b, &p, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)) != nil || p.Iss == nil {
		return "", false
	}
	return *p.Iss, true
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
		return unauthorized(errNotYetValid, "token not valid yet", err)
	case errors.Is(err, jwt.ErrInvalidIssuer):
		return unauthorized(errIssuer, "wrong issuer", err)
	case errors.Is(err, jwt.ErrInvalidAudience):
		return unauthorized(errAudience, "wrong audience", err)
	case errors.Is(err, jose.ErrCryptoFailure):
		return unauthorized(errInvalidSignature, "invalid signature", err)
	case strings.Contains(err.Error(), "invalid token format"), strings.Contains(err.Error(), "could not parse the token"):
		return unauthorized(errMalformedToken, "malformed token", err)
	}
	return unauthorized(errInvalidClaims, "invalid claims", err)
}

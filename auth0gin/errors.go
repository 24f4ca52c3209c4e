package auth0gin

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors, to test with errors.Is. Every refusal the middleware
// answers with is an *AuthError (Status, Code, Description); these name the
// reasons an app acts on, and every other bad token is a 401 invalid_token
// whose message says why. ClaimsFrom, when
// the context carries no user, returns an error matching ErrMissingToken.
var (
	// ErrMissingToken: the request carries no bearer token.
	ErrMissingToken = errors.New("auth0gin: no bearer token")
	// errMalformedToken: the Authorization header or the token is not well formed.
	errMalformedToken = errors.New("auth0gin: malformed token")
	// errTokenTooLarge: the token exceeds Config.MaxTokenBytes.
	errTokenTooLarge = errors.New("auth0gin: token too large")
	// errAlgorithm: the token's `alg` is not one of Config.Algorithms.
	errAlgorithm = errors.New("auth0gin: signing algorithm not allowed")
	// errUnknownKey: no usable key of the token's issuer has the token's `kid`.
	errUnknownKey = errors.New("auth0gin: unknown signing key")
	// errKeysUnavailable: no usable key of the token's issuer could be had
	// (the tenant unreachable or not answering since start-up, or keys older
	// than KeyMaxStale). It is answered 503 with Retry-After, and the error
	// matches ErrUnavailable too: the token may be fine.
	errKeysUnavailable = errors.New("auth0gin: signing keys unavailable")
	// errInvalidSignature: the signature does not verify.
	errInvalidSignature = errors.New("auth0gin: invalid signature")
	// ErrExpired: `exp` has passed.
	ErrExpired = errors.New("auth0gin: token expired")
	// errNotYetValid: `nbf` or `iat` lies in the future.
	errNotYetValid = errors.New("auth0gin: token not valid yet")
	// errMissingExpiry: the token has no `exp`.
	errMissingExpiry = errors.New("auth0gin: token has no exp")
	// errIssuer: `iss` is not one of Config.Issuers.
	errIssuer = errors.New("auth0gin: wrong issuer")
	// errAudience: `aud` holds none of the configured audiences.
	errAudience = errors.New("auth0gin: wrong audience")
	// errInvalidClaims: a claim has the wrong shape, or custom claims failed validation.
	errInvalidClaims = errors.New("auth0gin: invalid claims")
	// ErrInsufficientScope: the token is valid but lacks a required scope or role.
	ErrInsufficientScope = errors.New("auth0gin: insufficient scope")
	// errInsufficientUserAuth: the login behind the token is too old or too
	// weak for a MaxAge or AuthContext requirement (RFC 9470).
	errInsufficientUserAuth = errors.New("auth0gin: insufficient user authentication")
	// errOrganization: the token was not issued for the organization an
	// Organization requirement names.
	errOrganization = errors.New("auth0gin: wrong organization")
)

// Error codes the middleware answers with: RFC 6750 §3.1's, RFC 9470's
// step-up code, and the organization refusal.
const (
	codeInvalidToken          = "invalid_token"
	codeInsufficientScope     = "insufficient_scope"
	codeInsufficientUserAuth  = "insufficient_user_authentication"
	codeInvalidOrganization   = "invalid_organization"
	maxChallengedOrganization = 256 // longer names are left out of the challenge
)

// AuthError is what a failed authentication or authorization produces: the
// HTTP status, the RFC 6750 error code and a short description safe to show
// the caller. It wraps ErrMissingToken, ErrExpired, ErrInsufficientScope or
// ErrUnavailable where one of them applies.
type AuthError struct {
	// Status is 401 for authentication failures (a step-up challenge
	// included), 403 for missing scopes or roles or the wrong organization,
	// and 503 when something the check depends on is down.
	Status int
	// Code is the RFC 6750 error code (insufficient_user_authentication for
	// a step-up challenge, invalid_organization for the wrong organization);
	// empty when no token was presented.
	Code string
	// Description is a short human-readable reason, safe to return to the caller.
	Description string
	// Scope lists the scopes that would have been sufficient (403 only).
	Scope []string
	// ACRValues and MaxAge are what a 401 insufficient_user_authentication
	// asks the next login for (RFC 9470): the acr_values and max_age
	// parameters of the challenge and the body, and of the client's next
	// /authorize.
	ACRValues []string
	MaxAge    time.Duration
	// Organization is the organization a 403 invalid_organization wanted,
	// when the route names one: the `organization` to log in through.
	Organization string
	// RetryAfter is how long a 503's caller should wait before trying again,
	// sent as the Retry-After header; zero otherwise.
	RetryAfter time.Duration
	// Err is the underlying cause.
	Err error

	// dpop, when set, adds the DPoP challenge (RFC 9449 §7.1) and maybe a
	// DPoP-Nonce; nil is the Bearer challenge alone.
	dpop *dpopChallenge
}

// Error implements error.
func (e *AuthError) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return "auth0gin: " + e.Description
}

// Unwrap lets errors.Is find the sentinel and the cause.
func (e *AuthError) Unwrap() error { return e.Err }

// setChallenges sets the WWW-Authenticate challenges of a 401 or 403: the
// Bearer one (RFC 6750 §3) and, when the route accepts DPoP, the DPoP one
// with its algs (RFC 9449 §7.1), the error parameters on the scheme the
// request used; and DPoP-Nonce when the refusal hands one out.
func (e *AuthError) setChallenges(h http.Header, realm string) {
	d := e.dpop
	if d == nil {
		h.Set("WWW-Authenticate", e.challenge(realm))
		return
	}
	h.Del("WWW-Authenticate")
	if d.bearer {
		if d.onDPoP {
			h.Add("WWW-Authenticate", `Bearer realm="`+quote(realm)+`"`)
		} else {
			h.Add("WWW-Authenticate", e.challenge(realm))
		}
	}
	if d.algs != "" {
		var c string
		if d.onDPoP {
			c = "DPoP" + strings.TrimPrefix(e.challenge(realm), "Bearer")
		} else {
			c = `DPoP realm="` + quote(realm) + `"`
		}
		h.Add("WWW-Authenticate", c+`, algs="`+d.algs+`"`)
	}
	if d.nonce != "" {
		h.Set("DPoP-Nonce", d.nonce)
	}
}

// challenge returns the Bearer WWW-Authenticate value for the error (RFC 6750 §3).
func (e *AuthError) challenge(realm string) string {
	var b strings.Builder
	b.WriteString(`Bearer realm="`)
	b.WriteString(quote(realm))
	b.WriteByte('"')
	if e.Code != "" {
		fmt.Fprintf(&b, `, error="%s"`, e.Code)
		if e.Description != "" {
			fmt.Fprintf(&b, `, error_description="%s"`, quote(e.Description))
		}
	}
	if len(e.Scope) > 0 {
		fmt.Fprintf(&b, `, scope="%s"`, quote(strings.Join(e.Scope, " ")))
	}
	if len(e.ACRValues) > 0 {
		fmt.Fprintf(&b, `, acr_values="%s"`, quote(strings.Join(e.ACRValues, " ")))
	}
	if e.MaxAge > 0 {
		fmt.Fprintf(&b, `, max_age=%d`, int64(e.MaxAge/time.Second))
	}
	if o := challengedOrganization(e.Organization); o != "" {
		fmt.Fprintf(&b, `, organization="%s"`, o)
	}
	return b.String()
}

// challengedOrganization is org as a challenge and a body may carry it, or
// "" when it cannot be carried unchanged (it comes from the request's path).
func challengedOrganization(org string) string {
	if len(org) > maxChallengedOrganization || quote(org) != org || !utf8.ValidString(org) {
		return ""
	}
	return org
}

// body returns the JSON body mirroring the challenge.
func (e *AuthError) body() ErrorBody {
	body := ErrorBody{Error: e.Code, Description: e.Description, Scope: strings.Join(e.Scope, " "),
		ACRValues: strings.Join(e.ACRValues, " "), MaxAge: int64(e.MaxAge / time.Second),
		Organization: challengedOrganization(e.Organization)}
	if body.Error == "" {
		body.Error = "unauthorized"
	}
	return body
}

// ErrorBody is the JSON body of a 401 or 403 answer.
type ErrorBody struct {
	Error       string `json:"error"`                       // the RFC 6750 code, or "unauthorized" when no token was sent
	Description string `json:"error_description,omitempty"` // AuthError.Description
	Scope       string `json:"scope,omitempty"`             // the sufficient scopes of a 403, space-separated
	// ACRValues and MaxAge mirror a step-up challenge's acr_values (space-
	// separated) and max_age (seconds), RFC 9470.
	ACRValues string `json:"acr_values,omitempty"`
	MaxAge    int64  `json:"max_age,omitempty"`
	// Organization is the organization a 403 invalid_organization wanted.
	Organization string `json:"organization,omitempty"`
}

// quote keeps a value inside a quoted-string of a challenge: RFC 6750 forbids
// '"' and '\' in these values, and control characters would split headers.
func quote(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

func unauthorized(sentinel error, desc string, cause error) *AuthError {
	err := sentinel
	if cause != nil {
		err = fmt.Errorf("%w: %w", sentinel, cause)
	}
	code := codeInvalidToken
	if sentinel == ErrMissingToken {
		code = ""
	}
	return &AuthError{Status: http.StatusUnauthorized, Code: code, Description: desc, Err: err}
}

// orgRefusal is the 403 of an Organization requirement; want is the
// organization the route wanted ("" any).
func orgRefusal(desc, want string) *AuthError {
	return &AuthError{Status: http.StatusForbidden, Code: codeInvalidOrganization, Description: desc, Organization: want, Err: errOrganization}
}

func forbidden(desc string, scope []string) *AuthError {
	return &AuthError{Status: http.StatusForbidden, Code: codeInsufficientScope, Description: desc, Scope: scope, Err: ErrInsufficientScope}
}

// asAuthError turns any error into the *AuthError the middleware answers with;
// anything unexpected becomes a plain 401 invalid_token, never a 500.
func asAuthError(err error) *AuthError {
	var ae *AuthError
	if errors.As(err, &ae) {
		return ae
	}
	return unauthorized(errInvalidClaims, "invalid token", err)
}

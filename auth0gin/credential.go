package auth0gin

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// A CredentialSource authenticates requests that carry no bearer token, such
// as a session cookie (package session does this). Attach one to an Auth0;
// the guards (Require, RequireScopes, ..., RequireClaims, Middleware) then
// consult it whenever a request has no `Authorization: Bearer` header, and
// check the user it returns exactly as they check a token's. A request that
// carries both is judged by its bearer token alone.
type CredentialSource interface {
	// Authenticate returns the request's user, or (nil, nil) when the request
	// carries no credential of this source's kind. A refusal is an *AuthError:
	// 401 for an unknown or expired credential, 403 for a refused one, or 503
	// (see Unavailable) when the source's store cannot answer, so that an
	// outage never logs anybody out. Any other error is answered 401.
	Authenticate(r *http.Request) (*Auth0User, error)
}

// credentials holds the attached sources. They are attached at start-up, but
// a lock keeps a late Attach from racing with requests.
type credentials struct {
	mu   sync.RWMutex
	list []CredentialSource
}

// Attach adds a credential source, consulted in the order attached. Call it
// at start-up, before the server takes requests.
func (a *Auth0) Attach(src CredentialSource) {
	if src == nil {
		panic("auth0gin: Attach(nil)")
	}
	a.creds.mu.Lock()
	defer a.creds.mu.Unlock()
	a.creds.list = append(a.creds.list, src)
}

// fromSources asks the attached sources for the user of a request without a
// bearer token. It returns (nil, nil) when none of them recognises one.
func (a *Auth0) fromSources(r *http.Request) (*Auth0User, *AuthError) {
	a.creds.mu.RLock()
	list := a.creds.list
	a.creds.mu.RUnlock()
	for _, src := range list {
		u, err := src.Authenticate(r)
		if err != nil {
			return nil, asAuthError(err)
		}
		if u != nil {
			return u, nil
		}
	}
	return nil, nil
}

// codeUnavailable is the error code of a 503 answer (RFC 6749 §4.1.2.1's
// temporarily_unavailable).
const codeUnavailable = "temporarily_unavailable"

// ErrUnavailable: something the check depends on (the tenant's keys, a
// session store) cannot answer now. The caller's credential may well be
// valid, so the answer is 503 with Retry-After, never a 401 that would make a
// client throw the credential away.
var ErrUnavailable = errors.New("auth0gin: temporarily unavailable")

// Unavailable returns the 503 error for an outage of something the check
// depends on: desc is safe to show the caller (it must not carry cause's
// text, which may name hosts), retryAfter becomes the Retry-After header
// (at least one second), and cause is kept for errors.Is and logs.
func Unavailable(desc string, retryAfter time.Duration, cause error) *AuthError {
	err := ErrUnavailable
	if cause != nil {
		err = fmt.Errorf("%w: %w", ErrUnavailable, cause)
	}
	return &AuthError{Status: http.StatusServiceUnavailable, Code: codeUnavailable, Description: desc, RetryAfter: retryAfter, Err: err}
}

// retryAfterSeconds is the Retry-After value for d: whole seconds, rounded
// up, and at least 1.
func retryAfterSeconds(d time.Duration) int64 {
	s := int64((d + time.Second - 1) / time.Second)
	return max(s, 1)
}

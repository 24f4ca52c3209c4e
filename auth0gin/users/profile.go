package users

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// Profile is what the resolver knows of a new user: from the token's claims
// when they carry it, otherwise from a ProfileSource.
type Profile struct {
	// Auth0ID is the Auth0 user id (`sub`).
	Auth0ID string `json:"user_id"`
	// Email is the email address; empty when unknown.
	Email string `json:"email"`
	// EmailVerified reports whether the identity provider verified Email.
	// Only a verified email links an existing row.
	EmailVerified bool `json:"email_verified"`
	// Name is the full name; empty when unknown.
	Name string `json:"name"`
	// Picture is the URL of the user's picture; empty when unknown.
	Picture string `json:"picture"`
}

// ProfileSource fetches a user's profile from Auth0: the Management API
// (ManagementSource) or /userinfo with the caller's own token
// (UserinfoSource).
type ProfileSource interface {
	// Profile returns the profile of the Auth0 user. An error wrapping
	// ErrProfileUnavailable is an outage (5xx, timeout, 429 past the
	// retries); any other error is final for this request.
	Profile(ctx context.Context, auth0ID string) (Profile, error)
}

// ErrProfileUnavailable: Auth0 could not give the profile now (a 5xx, a
// timeout, a 429 past the retries). The resolver answers per
// Config.OnOutage, and persists nothing.
var ErrProfileUnavailable = errors.New("users: profile unavailable")

// UnavailableError is an outage of the profile source, with how long to
// wait before asking again when the source knows (Retry-After,
// X-RateLimit-Reset). It matches ErrProfileUnavailable with errors.Is.
type UnavailableError struct {
	// RetryAfter is how long the source asked to wait; zero when unknown.
	RetryAfter time.Duration
	// Err is the cause.
	Err error
}

// Error implements error.
func (e *UnavailableError) Error() string {
	return fmt.Sprintf("users: profile unavailable: %v", e.Err)
}

// Unwrap returns ErrProfileUnavailable and the cause.
func (e *UnavailableError) Unwrap() []error { return []error{ErrProfileUnavailable, e.Err} }

// ClaimNames names the token claims a profile is read from. Empty names
// take the defaults; "-" means the tokens never carry that claim.
type ClaimNames struct {
	// Email: default the core's email (Config.EmailClaim, else `email`),
	// which Auth0User.Email already holds.
	Email string
	// EmailVerified: default `email_verified`. An email counts as verified
	// only when this claim is true.
	EmailVerified string
	// Name: default `name`.
	Name string
	// Picture: default `picture`.
	Picture string
}

func (n ClaimNames) withDefaults() ClaimNames {
	def := func(s *string, d string) {
		if *s == "" {
			*s = d
		}
	}
	def(&n.EmailVerified, "email_verified")
	def(&n.Name, "name")
	def(&n.Picture, "picture")
	return n
}

// fromClaims reads what the token says of the user. complete reports
// whether that is enough to create a row without asking Auth0: an email
// with its verification flag and a name.
func (n ClaimNames) fromClaims(u *auth0gin.Auth0User) (p Profile, complete bool) {
	p.Auth0ID = u.ID
	var claims map[string]any
	_ = u.Claims(&claims) // a verified token; a payload that is not an object gives no claims
	str := func(name string) (string, bool) {
		if name == "-" {
			return "", false
		}
		s, ok := claims[name].(string)
		return s, ok && s != ""
	}
	hasEmail := false
	switch {
	case n.Email != "":
		p.Email, hasEmail = str(n.Email)
	case u.Email != nil && *u.Email != "":
		p.Email, hasEmail = *u.Email, true
	}
	verified, hasVerified := claims[n.EmailVerified].(bool)
	p.EmailVerified = hasEmail && hasVerified && verified
	var hasName bool
	p.Name, hasName = str(n.Name)
	p.Picture, _ = str(n.Picture)
	return p, hasEmail && hasVerified && hasName
}

// merge fills what the claims lacked from a fetched profile; the fetched
// profile wins on email verification, which only Auth0 knows for sure.
func merge(claims, fetched Profile) Profile {
	out := fetched
	out.Auth0ID = claims.Auth0ID
	if out.Email == "" {
		out.Email, out.EmailVerified = claims.Email, claims.EmailVerified
	}
	if out.Name == "" {
		out.Name = claims.Name
	}
	if out.Picture == "" {
		out.Picture = claims.Picture
	}
	return out
}

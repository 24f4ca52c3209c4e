package users

import (
	"context"
	"strings"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// Profile is what the resolver knows of a new user: from the token's claims
// when they carry it, otherwise from a ProfileSource.
type Profile struct {
	// Auth0ID is the Auth0 user id (`sub`).
	Auth0ID string `json:"user_id"`
	// UserBase is the user base Auth0ID belongs to (auth0gin.Auth0User.UserBase).
	UserBase string `json:"-"`
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

// ProfileSource fetches a user's profile when the token's claims do not
// carry it. The library's own sources are the Management API
// (Config.Management) and /userinfo with the caller's token (the default
// when New is given the Auth0); set Config.Profiles for a source of your
// own.
type ProfileSource interface {
	// Profile returns the profile of the Auth0 user; a zero Profile when the
	// source has nothing to give for this request (the claims then make the
	// row). An error means the source cannot answer now: the resolver
	// answers 503 (or, with Config.Transient, lets the request through), and
	// persists nothing. An *auth0gin.AuthError's RetryAfter (made by
	// auth0gin.Unavailable) sets the 503's Retry-After. A source that
	// serves one tenant answers a zero Profile for a user of another
	// userBase: the same auth0ID there may be someone else.
	Profile(ctx context.Context, userBase, auth0ID string) (Profile, error)
}

// claimNames names the token claims a profile is read from (the Config's
// *Claim fields, with their defaults).
type claimNames struct {
	email, emailVerified, name, picture string
}

func claimsOf[U any](cfg Config[U]) claimNames {
	def := func(s, d string) string {
		if s == "" {
			return d
		}
		return s
	}
	return claimNames{
		email:         cfg.EmailClaim,
		emailVerified: def(cfg.EmailVerifiedClaim, "email_verified"),
		name:          def(cfg.NameClaim, "name"),
		picture:       def(cfg.PictureClaim, "picture"),
	}
}

// fromClaims reads what the token says of the user. complete reports
// whether that is enough to create a row without asking Auth0: an email
// with its verification flag and a name.
func (n claimNames) fromClaims(u *auth0gin.Auth0User) (p Profile, complete bool) {
	p.Auth0ID, p.UserBase = u.ID, u.UserBase
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
	case n.email != "":
		p.Email, hasEmail = str(n.email)
	case u.Email != nil && *u.Email != "":
		p.Email, hasEmail = *u.Email, true
	}
	verified, hasVerified := claims[n.emailVerified].(bool)
	p.EmailVerified = hasEmail && hasVerified && verified
	var hasName bool
	p.Name, hasName = str(n.name)
	p.Picture, _ = str(n.picture)
	return p, hasEmail && hasVerified && hasName
}

// merge fills what the claims lacked from a fetched profile; the fetched
// profile wins on email verification, which only Auth0 knows for sure.
func merge(claims, fetched Profile) Profile {
	out := fetched
	out.Auth0ID, out.UserBase = claims.Auth0ID, claims.UserBase
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

// clean drops what no column can hold: a NUL byte (PostgreSQL refuses it in
// text). The core refuses tokens whose claims hold one; a profile source
// may still answer one. An email with one is no email; a name or picture
// loses the NULs.
func clean(p Profile) Profile {
	if strings.IndexByte(p.Email, 0) >= 0 {
		p.Email, p.EmailVerified = "", false
	}
	p.Name = strings.ReplaceAll(p.Name, "\x00", "")
	p.Picture = strings.ReplaceAll(p.Picture, "\x00", "")
	return p
}

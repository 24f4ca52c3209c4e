package auth0gin

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"time"

	"github.com/gin-gonic/gin"
	json "github.com/go-json-experiment/json"
)

// Auth0User is the caller a validated access token describes.
//
// It is read-only. Every request carrying a cached token receives the very
// same *Auth0User, so a handler must not change it: not its fields, nor an
// element of its slices, nor *Email. Its slices are capped at their length,
// so append copies them; to change a user, change a copy (u2 := *u, then
// give u2 new slices). Handing each request a copy would cost two
// allocations and the unpacking of every claim on each cache hit.
type Auth0User struct {
	// ID is the `sub` claim: "auth0|…", "google-oauth2|…", or "<client>@clients" for M2M tokens.
	ID string `json:"id"`
	// Permissions is the `permissions` claim (Auth0 RBAC); empty, never null, when absent.
	Permissions []string `json:"permissions"`
	// Email is the namespaced email claim (Config.EmailClaim) or `email`; null when absent.
	Email *string `json:"email"`
	// Scopes is the `scope` claim split on spaces.
	Scopes []string `json:"scopes,omitempty"`
	// Roles is the claim named by Config.RolesClaim.
	Roles []string `json:"roles,omitempty"`
	// ClientID is `azp`, or `client_id` in the RFC 9068 profile.
	ClientID string `json:"client_id,omitempty"`
	// GrantType is `gty` ("password", "client-credentials", ...), when present.
	GrantType string `json:"grant_type,omitempty"`
	// OrgID is `org_id` (Auth0 Organizations), when present.
	OrgID string `json:"org_id,omitempty"`
	// OrgName is the organization's name (Config.OrgNameClaim, `org_name`
	// by default; Auth0 writes it in lower case), when present.
	OrgName string `json:"org_name,omitempty"`
	// AuthTime is when the user last logged in (Config.AuthTimeClaim,
	// `auth_time` by default); zero when the token does not say.
	AuthTime time.Time `json:"auth_time,omitzero"`
	// ACR is the authentication context class of that login
	// (Config.ACRClaim, `acr` by default), when present.
	ACR string `json:"acr,omitempty"`
	// AMR lists the authentication methods of that login, such as "pwd" or
	// "mfa" (Config.AMRClaim, `amr` by default), when present.
	AMR []string `json:"amr,omitempty"`
	// Audience is the `aud` claim.
	Audience []string `json:"-"`
	// ExpiresAt is `exp`.
	ExpiresAt time.Time `json:"-"`
	// Issuer is `iss`.
	Issuer string `json:"-"`
	// UserBase names the user base the token's issuer belongs to: the issuer
	// itself, or the first issuer of its Config.SharedUserBases group. A user
	// is identified by (UserBase, ID), never by ID alone: two tenants may
	// issue the same `sub` to two different people. Set at verification.
	UserBase string `json:"-"`
	// KeyID is the `kid` of the key that signed the token.
	KeyID string `json:"-"`
	// Algorithm is the `alg` the token was signed with.
	Algorithm string `json:"-"`

	// payload is the verified token's payload segment (base64url), a substring
	// sharing the token's memory, for Claims. It is no credential: the
	// signature is not kept, so printing a user cannot leak a usable token.
	payload string
	// derivedBy names the claims Email and Roles were read from
	// (claimNames.tag), so that a cache shared with an API that reads other
	// claims never lends it this user.
	derivedBy string
	// verifiedAt is when the token was last verified in full (unix
	// nanoseconds), for CacheMaxTTL.
	verifiedAt int64
	// keyThumb is the RFC 7638 SHA-256 thumbprint (raw bytes) of the key
	// that verified the token: a cached verdict counts only while that very
	// key, not merely its kid, is published by the token's issuer.
	keyThumb string
	// jkt is the token's cnf.jkt (RFC 9449 §6.1): the thumbprint of the key
	// a DPoP-bound token is bound to; "" for a bearer token.
	jkt string
	// proof is the DPoP proof a guard accepted for the token, and proofReq
	// the identity of that request's header map (no reference to it), so
	// that a second guard on the same request does not count the proof
	// again as a replay, and a user from another request never passes for
	// it. Never cached or encoded.
	proof    string
	proofReq uintptr
}

// IsM2M reports whether the token was issued to a machine through the client
// credentials grant rather than to a person: its `gty` is
// "client-credentials", or, for a token without `gty`, its `sub` is exactly
// its client id (`azp`) followed by "@clients", as Auth0 issues M2M tokens.
// A `sub` merely ending in "@clients" is not enough: a person whose user id
// is "mallory@clients" gets the `sub` "auth0|mallory@clients".
func (u *Auth0User) IsM2M() bool {
	switch u.GrantType {
	case "client-credentials":
		return true
	case "":
		return u.ClientID != "" && u.ID == u.ClientID+"@clients"
	}
	return false
}

// HasScope reports whether the `scope` claim holds s.
func (u *Auth0User) HasScope(s string) bool { return slices.Contains(u.Scopes, s) }

// HasPermission reports whether the `permissions` claim holds p.
func (u *Auth0User) HasPermission(p string) bool { return slices.Contains(u.Permissions, p) }

// HasRole reports whether the roles claim holds r.
func (u *Auth0User) HasRole(r string) bool { return slices.Contains(u.Roles, r) }

// Claims decodes the whole verified token payload into v, for claims the
// Auth0User has no field for. See also ClaimsFrom. It decodes as the core
// does, with encoding/json/v2 semantics (github.com/go-json-experiment/json):
// names match exactly, so `json:"org_id"` never reads "ORG_ID", and a name
// that appears twice or invalid UTF-8 is an error rather than a guess.
func (u *Auth0User) Claims(v any) error {
	// The token was verified; its payload is decoded again only on demand, so
	// neither requests nor the cache carry a second copy of it.
	raw, err := base64.RawURLEncoding.DecodeString(u.payload)
	if err != nil {
		return fmt.Errorf("%w: no verified payload: %w", errInvalidClaims, err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%w: %w", errInvalidClaims, err)
	}
	return nil
}

type userKey struct{}

// userContext is a context carrying a user: what context.WithValue would
// build, in a type that requestWithUser can allocate with the request.
type userContext struct {
	context.Context
	u *Auth0User
}

func (c *userContext) Value(key any) any {
	if _, mine := key.(userKey); mine {
		return c.u
	}
	return c.Context.Value(key)
}

// String names the context as the context package names its own: the
// parent's String when it has one, else its type, never its fields (a
// *gin.Context's would print the request's keys).
func (c *userContext) String() string {
	if s, ok := c.Context.(fmt.Stringer); ok {
		return s.String() + ".WithUser"
	}
	return reflect.TypeOf(c.Context).String() + ".WithUser"
}

// WithUser returns a copy of ctx carrying u; the middleware does this for the
// request's context, and tests of code below the handler can do it too.
func WithUser(ctx context.Context, u *Auth0User) context.Context {
	if ctx == nil {
		panic("auth0gin: WithUser on a nil context")
	}
	return &userContext{ctx, u}
}

// requestWithUser is r.WithContext(WithUser(r.Context(), u)) in one
// allocation instead of two: the request's copy and its context share one
// object, which lives as long as either is reachable. The guards run it on
// every admitted request. So a context derived from the request's and kept
// past the request (context.WithoutCancel for background work) keeps the
// request's copy in memory too, its headers included, until it is dropped;
// nothing reads them through it.
func requestWithUser(r *http.Request, u *Auth0User) *http.Request {
	ur := &struct {
		r   http.Request
		ctx userContext
	}{ctx: userContext{r.Context(), u}}
	ur.r = *r.WithContext(&ur.ctx) // WithContext inlines: its copy stays on the stack
	return &ur.r
}

// UserFrom returns the authenticated user (read-only: see Auth0User), from a *gin.Context or from any
// context.Context derived from the request's (c.Request.Context()), so
// services and resolvers below the handler can read it. ok is false on a
// route without auth, or in guest mode when no token was sent.
func UserFrom(ctx context.Context) (u *Auth0User, ok bool) {
	if c, isGin := ctx.(*gin.Context); isGin {
		if c.Request == nil {
			return nil, false
		}
		ctx = c.Request.Context()
	}
	u, ok = ctx.Value(userKey{}).(*Auth0User)
	return u, ok && u != nil
}

// MustUser is UserFrom for handlers behind RequireScopes, where a user is
// always present; it panics when there is none, which is a wiring bug.
func MustUser(ctx context.Context) *Auth0User {
	u, ok := UserFrom(ctx)
	if !ok {
		panic("auth0gin: MustUser on a route without auth0gin middleware")
	}
	return u
}

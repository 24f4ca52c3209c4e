// Package auth0gin protects Gin (and net/http) APIs with Auth0 access tokens,
// the way FastAPI dependencies do: a route declares what it needs and the
// handler receives a typed user, or the caller gets the right 401 or 403.
//
//	import "github.com/auth0gin/auth0gin/auth0gin"
//
// The module is github.com/auth0gin/auth0gin; this package, the core, lives
// one directory down, beside its companions auth0gin/swagger,
// auth0gin/auth0test and auth0gin/devtenant.
//
//	auth := auth0gin.MustNew(auth0gin.FromEnv()) // AUTH0_DOMAIN, AUTH0_API_AUDIENCE, ... (.env is read)
//
//	r := gin.Default()
//	r.GET("/api/private", auth.RequireScopes(), private)                     // any valid token
//	r.GET("/api/private-scoped", auth.RequireScopes("read:messages"), scoped) // 403 without the scope
//
//	func scoped(c *gin.Context) {
//		user := auth0gin.MustUser(c) // *auth0gin.Auth0User{ID, Permissions, Email, ...}
//		c.JSON(200, gin.H{"user": user})
//	}
//
// Tokens are checked by go-jwt-middleware's validator (RFC 8725: asymmetric
// algorithms only, exact issuer, audience required, exp required, bounded
// size), against keys fetched from the tenant's JWKS with go-jwt-middleware's
// jwks provider, wrapped so that key rotation and tenant outages do not fail
// requests. Validated tokens are cached until they expire.
//
// Failures follow RFC 6750 §3: 401 with `WWW-Authenticate: Bearer realm=...`
// when no token is sent, 401 with error="invalid_token" when it is invalid, and
// 403 with error="insufficient_scope" when a scope is missing, 503 with
// Retry-After when the tenant's keys cannot be had. Each is an *AuthError;
// errors.Is tells ErrMissingToken, ErrExpired, ErrInsufficientScope and
// ErrUnavailable apart, and every other bad token is a 401 whose
// Description says why.
//
// For tests, package auth0gin/auth0test starts a local Auth0-compatible
// tenant. docs/auth0-compat.md in the repository describes the Auth0
// behaviour this package and that tenant rely on.
package auth0gin

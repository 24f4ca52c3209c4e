// Package baseline is the comparison every performance figure of auth0gin is
// measured against: a Gin route protected with go-jwt-middleware/v2 wired by
// hand, the way its README and Auth0's Gin quickstart show. The benchmark in
// auth0gin and the load harness in tests/load share it, so both compare
// against the same thing.
package baseline

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	jwtmiddleware "github.com/auth0/go-jwt-middleware/v2"
	"github.com/auth0/go-jwt-middleware/v2/jwks"
	"github.com/auth0/go-jwt-middleware/v2/validator"
	"github.com/gin-gonic/gin"
)

// scopeClaims is the custom-claims type of go-jwt-middleware's README.
type scopeClaims struct {
	Scope string `json:"scope"`
}

// Validate implements validator.CustomClaims.
func (c *scopeClaims) Validate(context.Context) error { return nil }

// HandWired returns Gin handlers that require a valid RS256 token of issuer
// for audience with scope in its `scope` claim: a caching JWKS provider
// (5-minute TTL), the validator, jwtmiddleware's CheckJWT adapted to Gin, and
// the scope checked from the custom claims, as a handler would.
func HandWired(issuer, audience, scope string) ([]gin.HandlerFunc, error) {
	u, err := url.Parse(issuer)
	if err != nil {
		return nil, fmt.Errorf("issuer URL: %w", err)
	}
	provider := jwks.NewCachingProvider(u, 5*time.Minute)
	v, err := validator.New(provider.KeyFunc, validator.RS256, issuer, []string{audience},
		validator.WithCustomClaims(func() validator.CustomClaims { return &scopeClaims{} }))
	if err != nil {
		return nil, fmt.Errorf("validator.New: %w", err)
	}
	m := jwtmiddleware.New(v.ValidateToken)
	check := func(c *gin.Context) {
		failed := true
		next := http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			failed = false
			c.Request = r
		})
		m.CheckJWT(next).ServeHTTP(c.Writer, c.Request)
		if failed {
			c.Abort()
		}
	}
	requireScope := func(c *gin.Context) {
		claims, ok := c.Request.Context().Value(jwtmiddleware.ContextKey{}).(*validator.ValidatedClaims)
		if !ok || !slices.Contains(strings.Fields(claims.CustomClaims.(*scopeClaims).Scope), scope) {
			c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"message": "Insufficient scope."})
		}
	}
	return []gin.HandlerFunc{check, requireScope}, nil
}

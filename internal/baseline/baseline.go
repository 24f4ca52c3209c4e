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
	"sync"
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

// floorKey is the context key of Floor's verdict.
type floorKey struct{}

// floorVerdict is what Floor caches per token: when it stops counting and
// the token's scopes.
type floorVerdict struct {
	expires int64 // unix nanoseconds
	scopes  []string
}

// Floor returns a Gin handler that requires scope and admits only token,
// which holds the space-separated scopes granted, as a cache of verified
// tokens that already holds it would: the `Authorization: Bearer` header
// read, one lookup in a map under a read lock, one clock read for the
// verdict's expiry, the scope check, and the verdict handed to the handler
// in the request's context (context.WithValue and Request.WithContext, as
// net/http requires to change a request's context). It is the least any
// cached guard does for a hot token, and the benchmarks' measure of how
// close auth0gin comes to it. It checks nothing else: no bound on the map,
// no issuer, audience, algorithm or key, no header shapes.
func Floor(token, granted, scope string) gin.HandlerFunc {
	var mu sync.RWMutex
	verdicts := map[string]*floorVerdict{token: {
		expires: time.Now().Add(time.Hour).UnixNano(),
		scopes:  strings.Fields(granted),
	}}
	return func(c *gin.Context) {
		h := c.Request.Header["Authorization"]
		if len(h) != 1 || !strings.HasPrefix(h[0], "Bearer ") {
			c.AbortWithStatus(http.StatusUnauthorized)
			return
		}
		mu.RLock()
		v := verdicts[h[0][len("Bearer "):]]
		mu.RUnlock()
		if v == nil || time.Now().UnixNano() >= v.expires {
			c.AbortWithStatus(http.StatusUnauthorized)
			return
		}
		if !slices.Contains(v.scopes, scope) {
			c.AbortWithStatus(http.StatusForbidden)
			return
		}
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), floorKey{}, v))
	}
}

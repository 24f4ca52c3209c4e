package auth0gin_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	jwtmiddleware "github.com/auth0/go-jwt-middleware/v2"
	"github.com/auth0/go-jwt-middleware/v2/jwks"
	"github.com/auth0/go-jwt-middleware/v2/validator"
	"github.com/gin-gonic/gin"
)

// scopeClaims is the custom-claims type go-jwt-middleware's README uses.
type scopeClaims struct {
	Scope string `json:"scope"`
}

func (c *scopeClaims) Validate(context.Context) error { return nil }

// handWired is the same route protected the way go-jwt-middleware's README
// and Auth0's Gin quickstart show: a caching JWKS provider, the validator, the
// middleware adapted to Gin, and the scope checked in the handler.
func handWired(b *testing.B, ti *testIssuer) *gin.Engine {
	issuer, _ := url.Parse(ti.iss())
	provider := jwks.NewCachingProvider(issuer, 5*time.Minute)
	v, err := validator.New(provider.KeyFunc, validator.RS256, ti.iss(), []string{testAudience},
		validator.WithCustomClaims(func() validator.CustomClaims { return &scopeClaims{} }))
	if err != nil {
		b.Fatal(err)
	}
	m := jwtmiddleware.New(v.ValidateToken)
	check := func(c *gin.Context) {
		failed := true
		next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			failed = false
			c.Request = r
		})
		m.CheckJWT(next).ServeHTTP(c.Writer, c.Request)
		if failed {
			c.Abort()
		}
	}
	r := gin.New()
	r.GET("/scoped", check, func(c *gin.Context) {
		claims := c.Request.Context().Value(jwtmiddleware.ContextKey{}).(*validator.ValidatedClaims)
		if !slices.Contains(strings.Fields(claims.CustomClaims.(*scopeClaims).Scope), "read:messages") {
			c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"message": "Insufficient scope."})
			return
		}
		c.JSON(http.StatusOK, gin.H{"message": "ok"})
	})
	return r
}

func ok(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"message": "ok"}) }

// BenchmarkRoute serves one scoped route through a Gin engine with one hot
// token. Compare the sub-benchmarks of one run (benchstat, or the ratios the
// performance guide reports).
func BenchmarkRoute(b *testing.B) {
	ti := newTestIssuer(b)
	tok := ti.token(b, nil)
	bare := gin.New()
	bare.GET("/scoped", ok)
	cached := gin.New()
	cached.GET("/scoped", mustNew(b, ti.config()).RequireScopes("read:messages"), ok)
	uncached := gin.New()
	uncached.GET("/scoped", mustNew(b, noCache(ti.config())).RequireScopes("read:messages"), ok)
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{
		{"bare-gin", bare},
		{"auth0gin-cached", cached},
		{"auth0gin-nocache", uncached},
		{"go-jwt-middleware-by-hand", handWired(b, ti)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/scoped", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				bc.h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

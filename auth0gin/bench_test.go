package auth0gin_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/internal/baseline"
)

// handWired is the same route protected by go-jwt-middleware wired by hand.
func handWired(b *testing.B, ti *testIssuer) *gin.Engine {
	mw, err := baseline.HandWired(ti.iss(), testAudience, "read:messages")
	if err != nil {
		b.Fatal(err)
	}
	r := gin.New()
	r.GET("/scoped", append(mw, ok)...)
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

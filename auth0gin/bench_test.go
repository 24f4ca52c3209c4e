package auth0gin_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
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
		b.Run(bc.name, func(b *testing.B) { serveEach(b, bc.h, []string{tok}) })
	}
}

// BenchmarkRouteNewToken serves the same route when every request carries a
// token the server has not seen: the cache misses (its LRU holds fewer
// entries than the tokens cycle through, so each insert also evicts), and
// each request pays for the full verification. It is the in-process view of
// the load harness's every-request-a-new-token workload.
func BenchmarkRouteNewToken(b *testing.B) {
	ti := newTestIssuer(b)
	tokens := make([]string, 1024)
	for i := range tokens {
		tokens[i] = ti.token(b, map[string]any{"jti": fmt.Sprint(i)})
	}
	small := ti.config()
	small.Cache = auth0gin.NewMemoryCache(len(tokens)/4, 0)
	cached := gin.New()
	cached.GET("/scoped", mustNew(b, small).RequireScopes("read:messages"), ok)
	uncached := gin.New()
	uncached.GET("/scoped", mustNew(b, noCache(ti.config())).RequireScopes("read:messages"), ok)
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{
		{"auth0gin-cached", cached},
		{"auth0gin-nocache", uncached},
		{"go-jwt-middleware-by-hand", handWired(b, ti)},
	} {
		b.Run(bc.name, func(b *testing.B) { serveEach(b, bc.h, tokens) })
	}
}

// serveEach serves GET /scoped through h once per iteration, with the tokens
// in turn as bearer tokens, and fails on any answer but 200.
func serveEach(b *testing.B, h http.Handler, tokens []string) {
	reqs := make([]*http.Request, len(tokens))
	for i, tok := range tokens {
		reqs[i] = httptest.NewRequest(http.MethodGet, "/scoped", nil)
		reqs[i].Header.Set("Authorization", "Bearer "+tok)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, reqs[i%len(reqs)])
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

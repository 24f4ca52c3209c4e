package auth0gin_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/internal/baseline"
	"github.com/auth0gin/auth0gin/internal/benchpair"
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
	floor := gin.New()
	floor.GET("/scoped", baseline.Floor(tok, "read:messages", "read:messages"), ok)
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{
		{"bare-gin", bare},
		{"floor", floor},
		{"auth0gin-cached", cached},
		{"auth0gin-nocache", uncached},
		{"go-jwt-middleware-by-hand", handWired(b, ti)},
	} {
		b.Run(bc.name, func(b *testing.B) { serveEach(b, bc.h, []string{tok}) })
	}
}

// BenchmarkRouteNewToken serves the same route when every request carries a
// token the server has not seen: the cache misses (it holds fewer
// entries than the tokens cycle through, so each insert also evicts), and
// each request pays for the full verification. It is the in-process view of
// the load harness's every-request-a-new-token workload.
func BenchmarkRouteNewToken(b *testing.B) {
	ti := newTestIssuer(b)
	tokens := make([]string, 1024)
	for i := range tokens {
		tokens[i] = ti.token(b, map[string]any{"jti": fmt.Sprint(i)})
	}
	cached, uncached := missingAndUncached(b, ti, len(tokens))
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
	a := arm("", h, tokens)
	b.ReportAllocs()
	for b.Loop() {
		a.Call(b, 0)
	}
}

// BenchmarkStepUpRoute compares a hot token on a step-up route (scope, a
// login within 5 minutes and MFA, and the organization in the path) with
// the same token on the plain scoped route, interleaved in batches so that
// both see the same machine: each iteration serves a batch of each, in
// alternating order. It reports the ns per request of each and their ratio
// (stepup/scoped; the target is at most 1.05).
func BenchmarkStepUpRoute(b *testing.B) {
	ti := newTestIssuer(b)
	tok := ti.token(b, map[string]any{"auth_time": time.Now().Unix(), "amr": []string{"pwd", "mfa"}, "org_id": "org_A"})
	a := mustNew(b, ti.config())
	r := gin.New()
	r.GET("/scoped", a.RequireScopes("read:messages"), ok)
	r.GET("/orgs/:org/stepup", a.Require(auth0gin.Scopes("read:messages"), auth0gin.Organization(":org"),
		auth0gin.MaxAge(5*time.Minute), auth0gin.AuthContext("mfa")), ok)
	scoped := httptest.NewRequest(http.MethodGet, "/scoped", nil)
	scoped.Header.Set("Authorization", "Bearer "+tok)
	stepup := httptest.NewRequest(http.MethodGet, "/orgs/org_A/stepup", nil)
	stepup.Header.Set("Authorization", "Bearer "+tok)
	const batch = 64
	run := func(req *http.Request) time.Duration {
		start := time.Now()
		for range batch {
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("%s: %d %s", req.URL.Path, rec.Code, rec.Body)
			}
		}
		return time.Since(start)
	}
	run(scoped) // verify once: both then hit the cache
	var tScoped, tStep time.Duration
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		if n%2 == 0 {
			tScoped += run(scoped)
			tStep += run(stepup)
		} else {
			tStep += run(stepup)
			tScoped += run(scoped)
		}
		n++
	}
	b.ReportMetric(float64(tScoped.Nanoseconds())/float64(n*batch), "ns/scoped")
	b.ReportMetric(float64(tStep.Nanoseconds())/float64(n*batch), "ns/stepup")
	b.ReportMetric(float64(tStep)/float64(tScoped), "stepup/scoped")
}

// BenchmarkPaired runs each variant against its reference in the same
// process, in interleaved rounds (see internal/benchpair), and reports each
// variant's ratio (reference ns / variant ns) with its spread:
//
//   - hot: one hot token through the cached guard, against bare Gin, beside
//     the floor of any cached guard (baseline.Floor: a map lookup, one clock
//     read, the scope check and the user in the request's context);
//
//   - distinct: 1,024 distinct cached tokens in turn, against bare Gin;
//
//   - new: every token unseen (cached with a cache too small to hit, and
//     uncached), against go-jwt-middleware wired by hand.
//
//     go test -run '^$' -bench Paired -benchtime 20x ./auth0gin/
//
// CI runs it with -benchtime 1x as a smoke test: every arm answers 200.
func BenchmarkPaired(b *testing.B) {
	ti := newTestIssuer(b)
	hot := ti.token(b, nil)
	n := 1024
	if testing.Short() {
		n = 64
	}
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = ti.token(b, map[string]any{"jti": fmt.Sprint(i)})
	}
	bare := gin.New()
	bare.GET("/scoped", ok)
	cached := gin.New()
	cached.GET("/scoped", mustNew(b, ti.config()).RequireScopes("read:messages"), ok)
	floor := gin.New()
	floor.GET("/scoped", baseline.Floor(hot, "read:messages", "read:messages"), ok)
	missing, uncached := missingAndUncached(b, ti, len(tokens))
	hand := handWired(b, ti)
	b.Run("hot", func(b *testing.B) {
		benchpair.Run(b, 0, arm("bare-gin", bare, []string{hot}),
			arm("floor", floor, []string{hot}), arm("auth0gin", cached, []string{hot}))
	})
	b.Run("distinct", func(b *testing.B) {
		warm := arm("warm-up", cached, tokens)
		for i := range tokens { // every token verified and hit once before timing
			warm.Call(b, i)
			warm.Call(b, i)
		}
		benchpair.Run(b, 0, arm("bare-gin", bare, tokens), arm("auth0gin", cached, tokens))
	})
	b.Run("new", func(b *testing.B) {
		benchpair.Run(b, 200, arm("go-jwt-middleware-by-hand", hand, tokens),
			arm("auth0gin", missing, tokens), arm("auth0gin-nocache", uncached, tokens))
	})
}

// missingAndUncached serves the scoped route with a cache too small for n
// tokens cycling through it (each request misses, each insert evicts), and
// with no cache.
func missingAndUncached(b *testing.B, ti *testIssuer, n int) (missing, uncached *gin.Engine) {
	small := ti.config()
	small.Cache = auth0gin.NewMemoryCache(n/4, 0)
	missing = gin.New()
	missing.GET("/scoped", mustNew(b, small).RequireScopes("read:messages"), ok)
	uncached = gin.New()
	uncached.GET("/scoped", mustNew(b, noCache(ti.config())).RequireScopes("read:messages"), ok)
	return missing, uncached
}

// arm serves GET /scoped through h with the tokens in turn, and fails on any
// answer but 200.
func arm(name string, h http.Handler, tokens []string) benchpair.Arm {
	reqs := make([]*http.Request, len(tokens))
	for i, tok := range tokens {
		reqs[i] = httptest.NewRequest(http.MethodGet, "/scoped", nil)
		reqs[i].Header.Set("Authorization", "Bearer "+tok)
	}
	next := 0
	return benchpair.Arm{Name: name, Call: func(b *testing.B, _ int) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, reqs[next%len(reqs)])
		next++
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: status %d: %s", name, rec.Code, rec.Body)
		}
	}}
}

package auth0gin_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/internal/dpop"
)

// The hot path of a bound token: the token's verdict is cached, and each
// request brings a fresh proof (one proof verification, one replay cache
// Add, a map lookup). Beside it, a hot Bearer token and the proof check
// alone. Proofs are minted before the timer starts.
func BenchmarkDPoPHot(b *testing.B) {
	e := newDPoPEnv(b, nil)
	bearer := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+e.plain) }
	b.Run("bearer", func(b *testing.B) { serveHot(b, e, func(int) func(*http.Request) { return bearer }) })
	b.Run("dpop", func(b *testing.B) {
		proofs := mintProofs(b, e, b.N+1)
		serveHot(b, e, func(i int) func(*http.Request) {
			return func(r *http.Request) {
				r.Header.Set("Authorization", "DPoP "+e.bound)
				r.Header.Set("DPoP", proofs[i])
			}
		})
	})
	b.Run("check-only", func(b *testing.B) {
		proofs := mintProofs(b, e, b.N)
		p := dpop.Params{Method: "GET", URL: dpopURL, AccessToken: e.bound, Window: time.Minute}
		b.ResetTimer()
		for i := range b.N {
			p.Now = time.Now()
			if _, err := dpop.Check(proofs[i], p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func mintProofs(b *testing.B, e *dpopEnv, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = proof(b, e.key, "GET", dpopURL, e.bound, nil)
	}
	return out
}

// serveHot serves one warm-up request, then b.N timed ones, each set up by
// with(i) (i = 0 for the warm-up, 1..b.N after).
func serveHot(b *testing.B, e *dpopEnv, with func(int) func(*http.Request)) {
	do := func(i int) {
		r := httptest.NewRequest("GET", dpopPath, nil)
		with(i)(r)
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
	do(0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		do(i)
	}
}

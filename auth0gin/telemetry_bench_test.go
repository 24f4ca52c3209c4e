package auth0gin_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
)

// otelArms are the two arms of the overhead measurement, both behind
// otelgin: the library with no provider configured (OpenTelemetry's global
// no-op ones), and the library stripped of its instruments.
func otelArms(tb testing.TB) (token string, arms map[string]http.Handler) {
	tenant := auth0test.NewTenant(tb)
	token = tenant.Token(tb)
	gin.SetMode(gin.ReleaseMode)
	arms = map[string]http.Handler{}
	for name, strip := range map[string]bool{"instrumented": false, "baseline": true} {
		a := mustNew(tb, tenant.Config())
		if strip {
			auth0gin.WithoutTelemetry(a)
		}
		r := gin.New()
		r.Use(otelgin.Middleware("bench"))
		r.GET("/api/private", a.Require(), func(c *gin.Context) { c.Status(http.StatusNoContent) })
		arms[name] = r
	}
	return token, arms
}

// sink is a ResponseWriter that keeps nothing but the status, reused
// across requests so that it allocates nothing itself.
type sink struct {
	h    http.Header
	code int
}

func (s *sink) Header() http.Header         { return s.h }
func (s *sink) Write(b []byte) (int, error) { return len(b), nil }
func (s *sink) WriteHeader(code int)        { s.code = code }

// serve sends one hot-token request to h.
func serve(tb testing.TB, h http.Handler, req *http.Request, w *sink) {
	clear(w.h)
	w.code = http.StatusOK
	h.ServeHTTP(w, req)
	if w.code != http.StatusNoContent {
		tb.Fatalf("status %d", w.code)
	}
}

// With no provider configured, a hot-token request allocates exactly what
// it allocates without the instruments.
func TestTelemetryNoProviderAllocatesNothing(t *testing.T) {
	token, arms := otelArms(t)
	allocs := map[string]float64{}
	for name, h := range arms {
		req := httptest.NewRequest(http.MethodGet, "/api/private", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		w := &sink{h: http.Header{}}
		serve(t, h, req, w) // the key fetch and the cache entry
		allocs[name] = testing.AllocsPerRun(200, func() { serve(t, h, req, w) })
	}
	if allocs["instrumented"] != allocs["baseline"] {
		t.Errorf("allocations per hot request: %v instrumented, %v baseline", allocs["instrumented"], allocs["baseline"])
	}
}

// BenchmarkOtelOverhead compares the arms, interleaved under -count: run
//
//	go test -run '^$' -bench OtelOverhead -benchmem -count 10 ./auth0gin/
//
// and compare the two sub-benchmarks with benchstat.
func BenchmarkOtelOverhead(b *testing.B) {
	token, arms := otelArms(b)
	for _, name := range []string{"baseline", "instrumented"} {
		h := arms[name]
		b.Run(name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/api/private", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			w := &sink{h: http.Header{}}
			serve(b, h, req, w)
			b.ReportAllocs()
			for b.Loop() {
				serve(b, h, req, w)
			}
		})
	}
}

// BenchmarkOtelOverheadPaired measures the two arms in interleaved rounds
// (their order alternating), so that a noisy machine slows both alike, and
// reports the per-round ratio instrumented/baseline (median and quartiles):
//
//	go test -run '^$' -bench OtelOverheadPaired -benchtime 1x ./auth0gin/
func BenchmarkOtelOverheadPaired(b *testing.B) {
	token, arms := otelArms(b)
	req := httptest.NewRequest(http.MethodGet, "/api/private", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	w := &sink{h: http.Header{}}
	timeArm := func(h http.Handler, n int) float64 {
		start := time.Now()
		for range n {
			serve(b, h, req, w)
		}
		return float64(time.Since(start).Nanoseconds()) / float64(n)
	}
	for _, h := range arms { // warm: the key fetch and the cache entry
		timeArm(h, 1000)
	}
	const rounds, n = 201, 2_000
	var ratios, base, inst []float64
	for b.Loop() {
		for i := range rounds {
			var tb, ti float64
			if i%2 == 0 {
				tb, ti = timeArm(arms["baseline"], n), timeArm(arms["instrumented"], n)
			} else {
				ti, tb = timeArm(arms["instrumented"], n), timeArm(arms["baseline"], n)
			}
			base, inst, ratios = append(base, tb), append(inst, ti), append(ratios, ti/tb)
		}
	}
	q := func(v []float64, f float64) float64 {
		s := slices.Clone(v)
		slices.Sort(s)
		return s[int(f*float64(len(s)-1))]
	}
	b.ReportMetric(q(base, 0.5), "baseline-ns/req")
	b.ReportMetric(q(inst, 0.5), "instrumented-ns/req")
	b.ReportMetric(q(ratios, 0.5), "ratio-median")
	b.ReportMetric(q(ratios, 0.25), "ratio-p25")
	b.ReportMetric(q(ratios, 0.75), "ratio-p75")
}

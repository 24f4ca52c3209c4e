package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// otelArms are the hot-token arms: withOtel and cached (no provider).
func otelArms(tb testing.TB) (token string, on, off http.Handler) {
	tb.Helper()
	k, err := newSigningKey("k1")
	if err != nil {
		tb.Fatal(err)
	}
	is, err := newIssuer(k)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(is.close)
	if token, err = is.sign(k, 0); err != nil {
		tb.Fatal(err)
	}
	onEngine, _, err := otelEngine(is.url(), nil)
	if err != nil {
		tb.Fatal(err)
	}
	offEngine, _, err := engine(cached, is.url(), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return token, onEngine, offEngine
}

// The otel variant serves the route and its metrics name the cache's hits
// and the keys' age, as a new user's scrape finds them.
func TestOtelVariant(t *testing.T) {
	token, on, _ := otelArms(t)
	for range 3 {
		req := httptest.NewRequest(http.MethodGet, route, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		on.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	rec := httptest.NewRecorder()
	on.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, otelMetricsPath, nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{"auth0gin_token_cache_hits_total", "auth0gin_token_cache_misses_total", "auth0gin_keys_age_seconds",
		`outcome="ok"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// BenchmarkOtelHotToken measures the two arms in-process, in interleaved
// rounds, and reports the median ratio of requests per second (on/off):
//
//	go test -run '^$' -bench OtelHotToken -benchtime 1x ./tests/load/
func BenchmarkOtelHotToken(b *testing.B) {
	token, on, off := otelArms(b)
	req := httptest.NewRequest(http.MethodGet, route, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	timeArm := func(h http.Handler, n int) float64 {
		start := time.Now()
		for range n {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
		return float64(time.Since(start).Nanoseconds()) / float64(n)
	}
	timeArm(on, 100)
	timeArm(off, 100)
	const rounds, n = 21, 10_000
	var ratios []float64
	for b.Loop() {
		for i := range rounds {
			var tOn, tOff float64
			if i%2 == 0 {
				tOn, tOff = timeArm(on, n), timeArm(off, n)
			} else {
				tOff, tOn = timeArm(off, n), timeArm(on, n)
			}
			ratios = append(ratios, tOff/tOn) // rps on / rps off
		}
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "rps-ratio-median")
	b.ReportMetric(ratios[0], "rps-ratio-min")
	b.ReportMetric(ratios[len(ratios)-1], "rps-ratio-max")
}

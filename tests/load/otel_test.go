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

// otelArms are the hot-token arms: full (otelgin and auth0gin on the SDK),
// lib (withOtel: auth0gin alone on the SDK) and off (cached: no provider, no
// otelgin).
func otelArms(tb testing.TB) (token string, on, lib, off http.Handler) {
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
	onEngine, _, err := otelEngineWith(is.url(), nil, true)
	if err != nil {
		tb.Fatal(err)
	}
	libEngine, _, err := otelEngine(is.url(), nil)
	if err != nil {
		tb.Fatal(err)
	}
	offEngine, _, err := engine(cached, is.url(), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return token, onEngine, libEngine, offEngine
}

// The otel variant serves the route and its metrics name the cache's hits
// and the keys' age, as a new user's scrape finds them.
func TestOtelVariant(t *testing.T) {
	token, on, _, _ := otelArms(t)
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

// TestOtelSection runs the otel section small, in-process, in 2 rounds of
// 2 interleaved slices, and checks correctness only: every request answered
// 2xx and a row per arm. It never asserts on throughput, so the ratio's
// target is not checked.
func TestOtelSection(t *testing.T) {
	p := plan{concurrency: 4, rounds: 2, duration: 200 * time.Millisecond, slices: 2, hotWarm: 50 * time.Millisecond}
	md, problems, err := otelReport(t.Context(), p, quiet())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range problems {
		if !strings.Contains(s, "(target ≥ 0.95)") {
			t.Error(s)
		}
	}
	for _, v := range []variant{cached, withOtel} {
		if !strings.Contains(md, "| "+string(v)+" |") {
			t.Errorf("no row for %s:\n%s", v, md)
		}
	}
	t.Log(md)
}

// BenchmarkOtelHotToken measures the arms in-process, in interleaved rounds
// (the order rotating), and reports the ratios of requests per second to
// the arm without instrumentation (median and quartiles): full
// (otelgin and auth0gin on the SDK) and lib (auth0gin alone on the SDK).
// In-process, a request costs a few microseconds, so otelgin's own span and
// metrics weigh far more than over the network the load harness measures:
//
//	go test -run '^$' -bench OtelHotToken -benchtime 1x ./tests/load/
func BenchmarkOtelHotToken(b *testing.B) {
	token, on, lib, off := otelArms(b)
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
	arms := []http.Handler{off, lib, on}
	for _, h := range arms {
		timeArm(h, 100)
	}
	const rounds, n = 101, 2_000
	var full, own []float64
	for b.Loop() {
		for i := range rounds {
			var t [3]float64
			for j := range arms {
				k := (i + j) % len(arms)
				t[k] = timeArm(arms[k], n)
			}
			own, full = append(own, t[0]/t[1]), append(full, t[0]/t[2]) // rps(arm) / rps(off)
		}
	}
	slices.Sort(full)
	slices.Sort(own)
	q := func(s []float64, f float64) float64 { return s[int(f*float64(len(s)-1))] }
	b.ReportMetric(q(own, 0.5), "lib-rps-ratio-median")
	b.ReportMetric(q(own, 0.25), "lib-rps-ratio-p25")
	b.ReportMetric(q(own, 0.75), "lib-rps-ratio-p75")
	b.ReportMetric(q(full, 0.5), "full-rps-ratio-median")
	b.ReportMetric(q(full, 0.25), "full-rps-ratio-p25")
	b.ReportMetric(q(full, 0.75), "full-rps-ratio-p75")
}

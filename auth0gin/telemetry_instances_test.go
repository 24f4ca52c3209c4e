package auth0gin_test

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"weak"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry/telemetrytest"
)

// An Auth0 the app drops (a config reload, a test, a per-tenant instance)
// is collected, with its token cache and key sets, whether it reports to
// an SDK or to the global (no-op until set) providers: its metric callback
// does not hold it.
func TestTelemetryDroppedAuth0IsCollected(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	for _, withSDK := range []bool{false, true} {
		sdk := telemetrytest.New(t)
		var wp weak.Pointer[auth0gin.Auth0]
		func() {
			cfg := tenant.Config()
			if withSDK {
				cfg.MeterProvider, cfg.TracerProvider = sdk.Meters, sdk.Traces
			}
			wp = weak.Make(mustNew(t, cfg))
		}()
		for range 5 {
			runtime.GC()
		}
		if wp.Value() != nil {
			t.Errorf("withSDK=%v: the dropped Auth0 is still reachable", withSDK)
		}
		if withSDK {
			// A dropped instance reports nothing more (the series may be
			// gone already: the last member's cleanup unregisters).
			if v, _ := telemetrytest.Value(sdk.Collect(t), "auth0gin.token.cache.entries"); v != 0 {
				t.Errorf("a dropped instance still reports %v cache entries", v)
			}
		}
	}
}

// Two Auth0 (two APIs) reporting to one MeterProvider: the cache counters
// and gauges, which carry no instance attribute, are the sums over both.
func TestTelemetryTwoInstancesOneProviderAreSummed(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	sdk := telemetrytest.New(t)
	gin.SetMode(gin.TestMode)
	r := gin.New()
	for _, path := range []string{"/a", "/b"} {
		cfg := tenant.Config()
		cfg.MeterProvider, cfg.TracerProvider = sdk.Meters, sdk.Traces
		a := mustNew(t, cfg)
		r.GET(path, a.Require(), func(c *gin.Context) { c.Status(http.StatusNoContent) })
	}
	tok := tenant.Token(t)
	// /a: 1 miss + 3 hits; /b: 1 miss + 0 hits.
	for _, p := range []string{"/a", "/a", "/a", "/a", "/b"} {
		req := httptest.NewRequest(http.MethodGet, p, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != http.StatusNoContent {
			t.Fatalf("%s: %d", p, rec.Code)
		}
	}
	pts := sdk.Collect(t)
	telemetrytest.Want(t, pts, 3, "auth0gin.token.cache.hits")
	telemetrytest.Want(t, pts, 2, "auth0gin.token.cache.misses")
	telemetrytest.Want(t, pts, 2, "auth0gin.token.cache.entries")
	iss := tenant.URL
	if v, ok := telemetrytest.Value(pts, "auth0gin.keys.stale", "issuer", iss); !ok || v != 0 {
		t.Errorf("keys.stale %v (found %v), want 0", v, ok)
	}
}

// A cache miss is a token the cache could have answered: one that
// verified. Forged tokens (a flood of them during an attack) are counted by
// token.checks and verification.duration{result=error}, not as misses, so
// the hit ratio keeps measuring the cache on real traffic.
func TestTelemetryForgedTokensAreNotCacheMisses(t *testing.T) {
	e := newOtelEnv(t)
	tok := e.tenant.Token(t)
	if code, _ := e.get(t, tok); code != http.StatusNoContent {
		t.Fatalf("token: %d", code)
	}
	forged := tok[:strings.LastIndexByte(tok, '.')+1] + "AAAA" + tok[strings.LastIndexByte(tok, '.')+5:]
	for range 3 {
		if code, _ := e.get(t, forged); code != http.StatusUnauthorized {
			t.Fatalf("forged: %d", code)
		}
	}
	p := e.sdk.Collect(t)
	telemetrytest.Want(t, p, 3, "auth0gin.token.checks", "reason", "bad_signature")
	telemetrytest.Want(t, p, 3, "auth0gin.token.verification.duration", "result", "error")
	telemetrytest.Want(t, p, 1, "auth0gin.token.cache.misses")
}

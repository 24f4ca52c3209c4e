package auth0gin_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry/telemetrytest"
)

// A key fetch is the child of the request that started it, and of no
// other: a request that misses a kid while no fetch may start (within
// KeyMinRefetch) must not become the parent of a later background refresh,
// which is a root span.
func TestTelemetryKeyRefreshParentIsNotAnEarlierRequest(t *testing.T) {
	ti := newTestIssuer(t)
	synctest.Test(t, func(t *testing.T) {
		sdk := telemetrytest.New(t)
		cfg := ti.inBubble(ti.config())
		cfg.MeterProvider, cfg.TracerProvider = sdk.Meters, sdk.Traces
		cfg.KeyMinRefetch = 300 * time.Millisecond
		cfg.KeyRefreshInterval = 400 * time.Millisecond
		a := mustNew(t, cfg)
		h := a.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		get := func(tok string) (int, trace.SpanContext) {
			ctx, span := sdk.Request(t.Context())
			req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			span.End()
			return rec.Code, span.SpanContext()
		}
		tok := ti.token(t, nil)
		code, first := get(tok) // the first fetch, this request's child
		if code != http.StatusOK {
			t.Fatalf("first: %d", code)
		}
		time.Sleep(100 * time.Millisecond)
		// An unknown kid within KeyMinRefetch: no fetch starts.
		if code, _ = get(fakeToken(ti.iss(), "nope")); code != http.StatusUnauthorized {
			t.Fatalf("unknown kid: %d", code)
		}
		synctest.Wait()
		if n := len(sdk.Ended("auth0gin.keys.fetch")); n != 1 {
			t.Fatalf("%d fetches after the unknown kid, want 1", n)
		}
		time.Sleep(500 * time.Millisecond)             // past KeyRefreshInterval
		if code, _ = get(tok); code != http.StatusOK { // a cache hit starts the background refresh
			t.Fatalf("hit: %d", code)
		}
		synctest.Wait()
		fetches := sdk.Ended("auth0gin.keys.fetch")
		if len(fetches) != 2 {
			t.Fatalf("%d fetch spans, want 2", len(fetches))
		}
		if p := fetches[0].Parent(); p.SpanID() != first.SpanID() {
			t.Errorf("the first fetch's parent is %v, want the request that started it (%v)", p.SpanID(), first.SpanID())
		}
		if p := fetches[1].Parent(); p.IsValid() {
			t.Errorf("the background refresh is the child of an earlier, unrelated request (%v); want a root span", p.SpanID())
		}
	})
}

package auth0gin_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gin-gonic/gin"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry/telemetrytest"
	"github.com/auth0gin/auth0gin/internal/testutil"
)

// otelEnv is the dev tenant, an Auth0 reporting to an in-memory SDK, and a
// guarded route.
type otelEnv struct {
	tenant *auth0test.Tenant
	sdk    *telemetrytest.SDK
	auth   *auth0gin.Auth0
	router *gin.Engine
}

func newOtelEnv(t *testing.T) *otelEnv {
	t.Helper()
	e := &otelEnv{tenant: auth0test.NewTenant(t), sdk: telemetrytest.New(t)}
	cfg := e.tenant.Config()
	cfg.MeterProvider, cfg.TracerProvider = e.sdk.Meters, e.sdk.Traces
	cfg.KeyMinRefetch = time.Nanosecond // an unknown kid refetches at once
	e.auth = mustNew(t, cfg)
	gin.SetMode(gin.TestMode)
	e.router = gin.New()
	e.router.GET("/private", e.auth.Require(), func(c *gin.Context) { c.Status(http.StatusNoContent) })
	return e
}

// get calls the route with token under a recording request span, and
// returns the status and the span once ended.
func (e *otelEnv) get(t *testing.T, token string) (int, trace.SpanContext) {
	t.Helper()
	ctx, span := e.sdk.Request(t.Context())
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/private", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, req)
	span.End()
	return rec.Code, span.SpanContext()
}

// requestSpan returns the ended request span with sc.
func (e *otelEnv) requestSpan(t *testing.T, sc trace.SpanContext) sdktrace.ReadOnlySpan {
	t.Helper()
	for _, s := range e.sdk.Ended("request") {
		if s.SpanContext().SpanID() == sc.SpanID() {
			return s
		}
	}
	t.Fatalf("no request span %v", sc.SpanID())
	return nil
}

// childrenOf returns the names of the ended spans whose parent is sc.
func (e *otelEnv) childrenOf(sc trace.SpanContext) []string {
	var out []string
	for _, s := range e.sdk.Spans.Ended() {
		if s.Parent().SpanID() == sc.SpanID() {
			out = append(out, s.Name())
		}
	}
	return out
}

// A new token is verified in full (a cache miss, a key fetch whose spans are
// children of the request's), then hot (a cache hit); each decision is one
// event on the request span; the gauges tell the cache's entries and the
// keys held, their age, and that they are fresh.
func TestTelemetryNewThenHotToken(t *testing.T) {
	e := newOtelEnv(t)
	tok := e.tenant.Token(t)
	iss := e.tenant.URL

	code, first := e.get(t, tok)
	if code != http.StatusNoContent {
		t.Fatalf("new token: %d", code)
	}
	if got := e.childrenOf(first); !strings.Contains(strings.Join(got, ","), "auth0gin.keys.fetch") {
		t.Errorf("children of the first request: %v, want the key fetch", got)
	}
	fetch := e.sdk.Ended("auth0gin.keys.fetch")
	if len(fetch) != 1 {
		t.Fatalf("%d key fetch spans", len(fetch))
	}
	var http2 []string
	for _, s := range e.sdk.Spans.Ended() {
		if s.Parent().SpanID() == fetch[0].SpanContext().SpanID() {
			http2 = append(http2, s.Name())
			if s.SpanKind() != trace.SpanKindClient {
				t.Errorf("%s is a %v span", s.Name(), s.SpanKind())
			}
		}
	}
	if strings.Join(http2, ",") != "auth0gin.discovery,auth0gin.jwks" {
		t.Errorf("the fetch's HTTP spans: %v", http2)
	}

	code, second := e.get(t, tok)
	if code != http.StatusNoContent {
		t.Fatalf("hot token: %d", code)
	}
	for i, sc := range []trace.SpanContext{first, second} {
		ev := telemetrytest.Events(e.requestSpan(t, sc), "auth0gin.auth")
		want := fmt.Sprint(i == 1)
		if len(ev) != 1 || ev[0]["outcome"] != "ok" || ev[0]["cached"] != want {
			t.Errorf("request %d: decision events %v, want one ok with cached=%s", i, ev, want)
		}
	}

	p := e.sdk.Collect(t)
	telemetrytest.Want(t, p, 2, "auth0gin.token.checks", "outcome", "ok", "reason", "none", "issuer", iss, "source", "bearer")
	telemetrytest.Want(t, p, 1, "auth0gin.token.cache.misses")
	telemetrytest.Want(t, p, 1, "auth0gin.token.cache.hits")
	telemetrytest.Want(t, p, 1, "auth0gin.token.verification.duration", "result", "ok")
	telemetrytest.Want(t, p, 1, "auth0gin.token.cache.entries")
	telemetrytest.Want(t, p, 1, "auth0gin.keys.fetches", "issuer", iss, "result", "ok")
	telemetrytest.Want(t, p, 1, "auth0gin.keys.fetch.duration", "issuer", iss, "result", "ok")
	telemetrytest.Want(t, p, 0, "auth0gin.keys.stale", "issuer", iss)
	if held, _ := telemetrytest.Value(p, "auth0gin.keys.held", "issuer", iss); held < 1 {
		t.Errorf("keys held: %v", held)
	}
	if age, ok := telemetrytest.Value(p, "auth0gin.keys.age", "issuer", iss); !ok || age < 0 || age > 60 {
		t.Errorf("key age: %v (%v)", age, ok)
	}
}

// A token signed with a key published since the last fetch: its unknown kid
// refetches the set, under that request's span; an expired token is counted
// as expired, which an RFC 6750 code alone cannot tell from a forgery.
func TestTelemetryUnknownKidAndExpired(t *testing.T) {
	e := newOtelEnv(t)
	iss := e.tenant.URL
	if code, _ := e.get(t, e.tenant.Token(t)); code != http.StatusNoContent {
		t.Fatalf("first token: %d", code)
	}
	e.tenant.RotateKeys()
	e.tenant.RotateKeys() // the tenant publishes the next key ahead: this one is generated after the fetch
	code, sc := e.get(t, e.tenant.Token(t))
	if code != http.StatusNoContent {
		t.Fatalf("token of the new key: %d", code)
	}
	if got := e.childrenOf(sc); len(got) != 1 || got[0] != "auth0gin.keys.fetch" {
		t.Errorf("children of the unknown kid's request: %v", got)
	}
	code, sc = e.get(t, e.tenant.Token(t, auth0test.Expired()))
	if code != http.StatusUnauthorized {
		t.Fatalf("expired token: %d", code)
	}
	ev := telemetrytest.Events(e.requestSpan(t, sc), "auth0gin.auth")
	if len(ev) != 1 || ev[0]["outcome"] != "invalid_token" || ev[0]["code"] != "invalid_token" || ev[0]["reason"] != "expired" {
		t.Errorf("expired token's event: %v", ev)
	}
	forged := e.tenant.Token(t)
	forged = forged[:len(forged)-4] + "AAAA"
	if code, _ := e.get(t, forged); code != http.StatusUnauthorized {
		t.Fatalf("forged token: %d", code)
	}
	if code, _ := e.get(t, ""); code != http.StatusUnauthorized {
		t.Fatalf("no token: %d", code)
	}

	p := e.sdk.Collect(t)
	telemetrytest.Want(t, p, 2, "auth0gin.keys.fetches", "issuer", iss, "result", "ok")
	telemetrytest.Want(t, p, 2, "auth0gin.token.checks", "outcome", "ok", "issuer", iss)
	telemetrytest.Want(t, p, 1, "auth0gin.token.checks", "outcome", "invalid_token", "reason", "expired", "issuer", iss, "source", "bearer")
	telemetrytest.Want(t, p, 1, "auth0gin.token.checks", "outcome", "invalid_token", "reason", "bad_signature", "issuer", iss)
	telemetrytest.Want(t, p, 1, "auth0gin.token.checks", "outcome", "missing", "reason", "missing_token", "issuer", "none", "source", "none")
	telemetrytest.Want(t, p, 2, "auth0gin.token.verification.duration", "result", "error")
}

// A tenant that never answers: the request is a 503 counted unavailable
// for keys_unavailable, the fetch failed, and the keys are stale.
func TestTelemetryBlackHoleTenant(t *testing.T) {
	ti := newTestIssuer(t)
	tok := ti.token(t, map[string]any{"iss": "http://127.0.0.1:9/"})
	synctest.Test(t, func(t *testing.T) {
		sdk := telemetrytest.New(t)
		var hole blackHole
		var logs testutil.SyncBuffer
		cfg := bubbleConfig(&hole, &logs)
		cfg.MeterProvider, cfg.TracerProvider = sdk.Meters, sdk.Traces
		a := mustNew(t, cfg)
		h := a.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		ctx, span := sdk.Request(t.Context())
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		span.End()
		if rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("status %d", rec.Code)
		}
		time.Sleep(tenantTimeout) // the fetch times out
		synctest.Wait()
		p := sdk.Collect(t)
		iss := "http://127.0.0.1:9/"
		telemetrytest.Want(t, p, 1, "auth0gin.token.checks", "outcome", "unavailable", "reason", "keys_unavailable", "issuer", iss, "source", "bearer")
		telemetrytest.Want(t, p, 1, "auth0gin.keys.fetches", "issuer", iss, "result", "error")
		telemetrytest.Want(t, p, 1, "auth0gin.keys.stale", "issuer", iss)
		telemetrytest.Want(t, p, 0, "auth0gin.keys.held", "issuer", iss)
		if _, ok := telemetrytest.Value(p, "auth0gin.keys.age", "issuer", iss); ok {
			t.Error("a key age without any key fetched")
		}
		fetch := sdk.Ended("auth0gin.keys.fetch")
		if len(fetch) != 1 || fetch[0].Status().Code.String() != "Error" || fetch[0].Parent().SpanID() != span.SpanContext().SpanID() {
			t.Errorf("fetch spans: %v", sdk.Names())
		}
	})
}

// Attributes are bounded: after 10,000 distinct users, tokens, forged
// issuers, unknown kids and garbage, the series are those after 10.
func TestTelemetryCardinality(t *testing.T) {
	e := newOtelEnv(t)
	run := func(from, to int) {
		for i := from; i < to; i++ {
			tok := e.tenant.Token(t, auth0test.Subject(fmt.Sprintf("auth0|user%d", i)), auth0test.Email(fmt.Sprintf("u%d@example.com", i)))
			if code, _ := e.get(t, tok); code != http.StatusNoContent {
				t.Fatalf("user %d: %d", i, code)
			}
			e.get(t, fakeToken(fmt.Sprintf("https://evil%d.example/", i), fmt.Sprintf("kid%d", i)))
			e.get(t, fakeToken(e.tenant.URL, fmt.Sprintf("kid%d", i)))
			e.get(t, fmt.Sprintf("garbage%d", i))
		}
	}
	run(0, 10)
	before := telemetrytest.Keys(e.sdk.Collect(t))
	n := 10_000
	if testing.Short() {
		n = 1000
	}
	run(10, n)
	after := telemetrytest.Keys(e.sdk.Collect(t))
	if strings.Join(before, "\n") != strings.Join(after, "\n") {
		t.Errorf("series after 10 users: %d, after %d: %d\nbefore:\n%s\nafter:\n%s", len(before), n, len(after),
			strings.Join(before, "\n"), strings.Join(after, "\n"))
	}
	for _, k := range after {
		if strings.Contains(k, "otel.metric.overflow") || strings.Contains(k, "user") || strings.Contains(k, "evil") {
			t.Errorf("series %s", k)
		}
	}
}

// fakeToken is an unsigned RS256 token naming iss and kid.
func fakeToken(iss, kid string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT","kid":"`+kid+`"}`)) + "." +
		enc([]byte(`{"iss":"`+iss+`","sub":"x","aud":"`+testAudience+`","exp":4102444800}`)) + "." + enc([]byte("sig"))
}

// The library's records carry the request's trace.
func TestTelemetryLogsCarryTrace(t *testing.T) {
	var logs testutil.SyncBuffer
	tenant := auth0test.NewTenant(t)
	sdk := telemetrytest.New(t)
	cfg := tenant.Config()
	cfg.TracerProvider = sdk.Traces
	cfg.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a := mustNew(t, cfg)
	h := a.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	ctx, span := sdk.Request(context.Background())
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/x", nil)
	h.ServeHTTP(httptest.NewRecorder(), req) // refused: logged at debug
	span.End()
	want := `"trace_id":"` + span.SpanContext().TraceID().String() + `","span_id":"` + span.SpanContext().SpanID().String() + `"`
	if !strings.Contains(logs.String(), want) {
		t.Errorf("logs %s lack %s", logs.String(), want)
	}
}

// A refusal under the DPoP scheme is counted by its token's issuer, as
// under Bearer: the issuer is read from whichever scheme carried it.
func TestTelemetryDPoPRefusalKeepsItsIssuer(t *testing.T) {
	e := newOtelEnv(t)
	req := httptest.NewRequest(http.MethodGet, "/private", nil)
	req.Header.Set("Authorization", "DPoP "+e.tenant.Token(t, auth0test.Expired()))
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("an expired token under the DPoP scheme: %d", rec.Code)
	}
	p := e.sdk.Collect(t)
	telemetrytest.Want(t, p, 1, "auth0gin.token.checks", "outcome", "invalid_token", "reason", "expired", "issuer", e.tenant.URL, "source", "bearer")
}

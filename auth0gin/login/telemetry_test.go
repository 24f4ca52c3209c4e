package login_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/trace"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry/telemetrytest"
	"github.com/auth0gin/auth0gin/auth0gin/login"
	"github.com/auth0gin/auth0gin/internal/testenv/pgtest"
)

// A password login, a refresh, a concurrent client's refresh of the same
// token (the grace answer) and a login over the rate limit, on PostgreSQL:
// outcomes by flow and code, the tenant's /oauth/token timed and traced
// under the request's span, the store's round trips timed.
func TestTelemetryLoginRefresh(t *testing.T) {
	sdk := telemetrytest.New(t)
	tenant := newTenant(t)
	ac := tenant.Config()
	ac.MeterProvider, ac.TracerProvider = sdk.Meters, sdk.Traces
	auth := auth0gin.MustNew(ac)
	keys, err := login.ParseKeys(keyA)
	if err != nil {
		t.Fatal(err)
	}
	m := mustNew(auth, pgtest.Open(t), login.Config{ClientID: regularClientID, ClientSecret: regularClientSecret,
		Keys: keys, KeyPrefix: "login-tel:", LoginsPerMinute: 1})
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.POST("/auth/login", m.Login)
	r.POST("/auth/refresh", m.Refresh)
	do := func(path, bearer string, body []byte) (int, []byte, trace.SpanContext) {
		ctx, span := sdk.Request(t.Context())
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		span.End()
		return rec.Code, rec.Body.Bytes(), span.SpanContext()
	}
	creds, _ := json.Marshal(map[string]string{"username": devtenant.Alice.Email, "password": devtenant.Alice.Password})
	code, body, sc := do("/auth/login", "", creds)
	if code != http.StatusOK {
		t.Fatalf("login: %d %s", code, body)
	}
	var ans login.Answer
	if err := json.Unmarshal(body, &ans); err != nil {
		t.Fatal(err)
	}
	var tokenSpans int
	for _, s := range sdk.Ended("POST /oauth/token") {
		if s.Parent().SpanID() == sc.SpanID() && s.SpanKind() == trace.SpanKindClient {
			tokenSpans++
		}
	}
	if tokenSpans != 1 {
		t.Errorf("%d /oauth/token spans under the login's; spans: %v", tokenSpans, sdk.Names())
	}
	if code, body, _ := do("/auth/refresh", ans.AccessToken, nil); code != http.StatusOK {
		t.Fatalf("refresh: %d %s", code, body)
	}
	if code, body, _ := do("/auth/refresh", ans.AccessToken, nil); code != http.StatusOK {
		t.Fatalf("the same token again, within the grace window: %d %s", code, body)
	}
	if code, body, _ := do("/auth/login", "", creds); code != http.StatusTooManyRequests {
		t.Fatalf("a second login in the minute: %d %s", code, body)
	}

	p := sdk.Collect(t)
	telemetrytest.Want(t, p, 1, "auth0gin.login.outcomes", "flow", "password", "outcome", "ok")
	telemetrytest.Want(t, p, 1, "auth0gin.login.outcomes", "flow", "password", "outcome", "too_many_requests")
	telemetrytest.Want(t, p, 2, "auth0gin.login.outcomes", "flow", "refresh", "outcome", "ok")
	telemetrytest.Want(t, p, 1, "auth0gin.login.refresh.grace")
	telemetrytest.Want(t, p, 1, "auth0gin.login.rate_limited", "flow", "password")
	telemetrytest.Want(t, p, 2, "auth0gin.login.tenant.duration", "endpoint", "/oauth/token", "result", "ok")
	if n, _ := telemetrytest.Value(p, "db.client.operation.duration", "db.system.name", "postgresql"); n < 2 {
		t.Errorf("store round trips timed:\n%s", telemetrytest.Dump(p, "db.client.operation.duration"))
	}
}

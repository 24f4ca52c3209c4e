package management

import (
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry/telemetrytest"
)

// A Management call drawing a 429 waits for the reset and retries: the
// calls are counted by route template (never the user id) and status, the
// 429 with the wait taken, the token fetch by result, and each exchange is
// a client span under the caller's.
func TestTelemetryManagement429(t *testing.T) {
	sdk := telemetrytest.New(t)
	f, ck := newClockFixture(t, resetAhead(), func(c *Config) { c.MeterProvider, c.TracerProvider = sdk.Meters, sdk.Traces })
	ctx, span := sdk.Request(t.Context())
	if _, err := f.client.GetUser(ctx, devtenant.Alice.ID); err != nil { // the token, then the user
		t.Fatal(err)
	}
	f.tenant.FailNext(1)
	if _, err := f.client.GetUser(ctx, devtenant.Alice.ID); err != nil {
		t.Fatal(err)
	}
	span.End()
	if w := ck.Waits(); len(w) != 1 {
		t.Fatalf("waits %v", w)
	}
	p := sdk.Collect(t)
	telemetrytest.Want(t, p, 2, "auth0gin.management.calls", "route", "/api/v2/users/{id}", "status", "200")
	telemetrytest.Want(t, p, 1, "auth0gin.management.calls", "route", "/api/v2/users/{id}", "status", "429")
	telemetrytest.Want(t, p, 1, "auth0gin.management.calls", "route", "/oauth/token", "status", "200")
	telemetrytest.Want(t, p, 1, "auth0gin.management.rate_limited", "route", "/api/v2/users/{id}", "retried", "true")
	telemetrytest.Want(t, p, 1, "auth0gin.management.rate_limit.wait", "route", "/api/v2/users/{id}")
	telemetrytest.Want(t, p, 1, "auth0gin.management.token.fetches", "result", "ok")
	gets := sdk.Ended("GET /api/v2/users/{id}")
	if len(gets) != 3 {
		t.Fatalf("%d GET spans: %v", len(gets), sdk.Names())
	}
	for _, s := range gets {
		if s.Parent().SpanID() != span.SpanContext().SpanID() {
			t.Errorf("span %s is not the caller's child", s.Name())
		}
	}
	for _, k := range telemetrytest.Keys(p) {
		if strings.Contains(k, devtenant.Alice.ID) || strings.Contains(k, "alice") {
			t.Errorf("a series names the user: %s", k)
		}
	}
}

func TestRouteTemplate(t *testing.T) {
	for in, want := range map[string]string{
		"/api/v2/users/auth0%7Cabc":                  "/api/v2/users/{id}",
		"/api/v2/users":                              "/api/v2/users",
		"/api/v2/users-by-email":                     "/api/v2/users-by-email",
		"/api/v2/users/auth0%7Cabc/roles":            "/api/v2/users/{id}/roles",
		"/api/v2/Alice@Example.com":                  "/api/v2/{id}",
		"/oauth/token":                               "/oauth/token",
		"/elsewhere":                                 "other",
		"/api/v2/a/b/c/d/e/f/g/h":                    "other",
		"/tenant/api/v2/organizations/org_1/members": "/api/v2/organizations/{id}/members",
	} {
		if got := routeTemplate(in); got != want {
			t.Errorf("routeTemplate(%q) = %q, want %q", in, got, want)
		}
	}
}

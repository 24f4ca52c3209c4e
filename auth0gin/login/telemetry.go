package login

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/metric"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry"
	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry/tstore"
)

// loginTel holds the login package's instruments, made by New from the
// Auth0's providers (auth0gin.Config.MeterProvider and TracerProvider).
type loginTel struct {
	outcomes, grace, limited metric.Int64Counter
	tenant                   metric.Float64Histogram
	byOutcome                map[[2]string]telemetry.Opts // flow, outcome
	limitedBy                map[string]telemetry.Opts    // flow
	tenantBy                 map[[2]string]telemetry.Opts // endpoint, result
	none                     telemetry.Opts
	st                       *tstore.StoreTel
}

// Flows, and the outcomes of their answers: ok or the error code the
// answer carries, from this fixed list (another is "other").
const (
	flowPassword = "password"
	flowRefresh  = "refresh"
)

var outcomeCodes = []string{telemetry.OK, "invalid_grant", "invalid_request", "invalid_token", "mfa_required",
	"server_error", "temporarily_unavailable", "too_many_attempts", "too_many_requests", "csrf_rejected", "unauthorized", telemetry.Other}

// errorCodeKey is the gin context key answerError leaves the code under.
const errorCodeKey = "auth0gin.login.error_code"

func newLoginTel(auth *auth0gin.Auth0) *loginTel {
	c := auth.Config()
	mp, tp := telemetry.Providers(c.MeterProvider, c.TracerProvider)
	m := mp.Meter(telemetry.ScopeName + "/login")
	t := &loginTel{byOutcome: map[[2]string]telemetry.Opts{}, limitedBy: map[string]telemetry.Opts{},
		tenantBy: map[[2]string]telemetry.Opts{}, none: telemetry.NewOpts()}
	t.outcomes = telemetry.Must(m.Int64Counter(telemetry.LoginOutcomes, metric.WithUnit("{attempt}"),
		metric.WithDescription("Password logins and refreshes, by flow and outcome (ok or the error code answered).")))
	t.grace = telemetry.Must(m.Int64Counter(telemetry.LoginGrace, metric.WithUnit("{answer}"),
		metric.WithDescription("Refreshes answered from the grace window (a concurrent refresh's answer).")))
	t.limited = telemetry.Must(m.Int64Counter(telemetry.LoginRateLimited, metric.WithUnit("{refusal}"),
		metric.WithDescription("Logins and refreshes refused 429 by the rate limits, by flow.")))
	t.tenant = telemetry.Must(m.Float64Histogram(telemetry.LoginTenantCall, metric.WithUnit("s"),
		metric.WithDescription("Duration of a call to the tenant's /oauth/token or /oauth/revoke, by endpoint and result."),
		metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)))
	for _, f := range []string{flowPassword, flowRefresh} {
		for _, o := range outcomeCodes {
			t.byOutcome[[2]string{f, o}] = telemetry.NewOpts(telemetry.KeyFlow.String(f), telemetry.KeyOutcome.String(o))
		}
		t.limitedBy[f] = telemetry.NewOpts(telemetry.KeyFlow.String(f))
	}
	for _, e := range []string{"/oauth/token", "/oauth/revoke", telemetry.Other} {
		for _, r := range []string{telemetry.OK, telemetry.Error} {
			t.tenantBy[[2]string{e, r}] = telemetry.NewOpts(telemetry.KeyEndpoint.String(e), telemetry.KeyResult.String(r))
		}
	}
	t.st = tstore.NewStoreTel(m, tp.Tracer(telemetry.ScopeName+"/login"))
	return t
}

// client wraps hc so that each call to the tenant is a span and is timed.
func (t *loginTel) client(auth *auth0gin.Auth0, hc *http.Client, timeout time.Duration) *http.Client {
	c := auth.Config()
	_, tp := telemetry.Providers(c.MeterProvider, c.TracerProvider)
	return telemetry.Client(hc, timeout, tp.Tracer(telemetry.ScopeName+"/login"), endpointName, t.called)
}

// endpointName names a tenant call by its endpoint.
func endpointName(r *http.Request) (string, string) {
	e := telemetry.Other
	switch {
	case strings.HasSuffix(r.URL.Path, "/oauth/token"):
		e = "/oauth/token"
	case strings.HasSuffix(r.URL.Path, "/oauth/revoke"):
		e = "/oauth/revoke"
	}
	return "POST " + e, e
}

// called records a tenant call.
func (t *loginTel) called(ctx context.Context, tmpl string, status int, start time.Time, err error) {
	r := telemetry.OK
	if err != nil || status >= 500 || status == http.StatusTooManyRequests {
		r = telemetry.Error
	}
	o, ok := t.tenantBy[[2]string{tmpl, r}]
	if !ok {
		o = t.tenantBy[[2]string{telemetry.Other, r}]
	}
	t.tenant.Record(ctx, time.Since(start).Seconds(), o.Rec...)
}

// answered counts a login or refresh answered on c (deferred by the handlers).
func (t *loginTel) answered(c *gin.Context, flow string) {
	o := telemetry.OK
	if s := c.Writer.Status(); s != http.StatusOK {
		o = c.GetString(errorCodeKey)
		if s == http.StatusUnauthorized && o == "" {
			o = "unauthorized"
		}
		if s == http.StatusTooManyRequests {
			t.limited.Add(c.Request.Context(), 1, t.limitedBy[flow].Add...)
		}
	}
	opts, ok := t.byOutcome[[2]string{flow, o}]
	if !ok {
		opts = t.byOutcome[[2]string{flow, telemetry.Other}]
	}
	t.outcomes.Add(c.Request.Context(), 1, opts.Add...)
}

// graced counts a refresh answered from the grace window.
func (t *loginTel) graced(ctx context.Context) { t.grace.Add(ctx, 1, t.none.Add...) }

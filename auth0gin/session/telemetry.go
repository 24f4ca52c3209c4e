package session

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry"
	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry/tstore"
)

// sessTel holds the session package's instruments, made by New from the
// Auth0's providers (auth0gin.Config.MeterProvider and TracerProvider).
type sessTel struct {
	logins, logouts, everywhere, localHits, messages metric.Int64Counter
	checks                                           metric.Int64Counter
	starts, polls, approvals                         metric.Int64Counter
	loginOpts                                        map[[2]string]telemetry.Opts // by source, result
	checkOpts                                        map[string]telemetry.Opts    // opaque checks by outcome
	pollOpts                                         map[string]telemetry.Opts    // by answer
	none                                             telemetry.Opts
	st                                               *tstore.StoreTel
	tracer                                           trace.Tracer
}

// loginResults are the results of a session login, by the answer's status.
var loginResults = map[int]string{
	http.StatusOK: telemetry.OK, http.StatusUnauthorized: "refused", http.StatusForbidden: "refused",
	http.StatusTooManyRequests: "rate_limited", http.StatusServiceUnavailable: "unavailable",
}

// pollAnswers are the answers a device poll counts by; another is "other".
var pollAnswers = []string{"approved", devicePending, deviceSlowDown, deviceExpired, deviceUnknown,
	"access_denied", "invalid_request", "rate_limited", "unavailable", "refused", telemetry.Other}

// pollAnswerKey is the gin context key pollError leaves its code under.
const pollAnswerKey = "auth0gin.session.poll_answer"

func newSessTel(auth *auth0gin.Auth0) *sessTel {
	c := auth.Config()
	mp, tp := telemetry.Providers(c.MeterProvider, c.TracerProvider)
	m := mp.Meter(telemetry.ScopeName + "/session")
	t := &sessTel{loginOpts: map[[2]string]telemetry.Opts{}, checkOpts: map[string]telemetry.Opts{}, pollOpts: map[string]telemetry.Opts{}, none: telemetry.NewOpts()}
	counter := func(name, unit, desc string) metric.Int64Counter {
		return telemetry.Must(m.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(desc)))
	}
	t.logins = counter(telemetry.SessionLogins, "{login}", "Session logins, by source (bearer, opaque, flow) and result.")
	t.logouts = counter(telemetry.SessionLogouts, "{logout}", "POST /auth/logout answered 204.")
	t.everywhere = counter(telemetry.SessionLogoutEverywhere, "{logout}", "Log-outs everywhere (every session of a user ended).")
	t.localHits = counter(telemetry.SessionLocalHits, "{hit}", "Session lookups answered from this instance's local cache.")
	t.messages = counter(telemetry.PubSubMessages, "{message}", "Invalidation messages received from the store's pub/sub.")
	t.checks = counter(telemetry.TokenChecks, "{check}", "Token checks by outcome, reason, issuer and source (here: opaque tokens checked at /userinfo).")
	t.starts = counter(telemetry.DeviceStarts, "{start}", "Device logins started.")
	t.polls = counter(telemetry.DevicePolls, "{poll}", "Device login polls, by answer.")
	t.approvals = counter(telemetry.DeviceApprovals, "{approval}", "Device logins approved and turned into sessions.")
	for _, src := range []string{telemetry.SourceBearer, telemetry.SourceOpaque, "flow"} {
		for _, res := range []string{telemetry.OK, "refused", "rate_limited", "unavailable", telemetry.Error} {
			t.loginOpts[[2]string{src, res}] = telemetry.NewOpts(telemetry.KeySource.String(src), telemetry.KeyResult.String(res))
		}
	}
	for _, o := range []string{telemetry.OK, "invalid_token", "unavailable", "rate_limited"} {
		reason := telemetry.None
		if o != telemetry.OK {
			reason = telemetry.Other
		}
		t.checkOpts[o] = telemetry.NewOpts(telemetry.KeyOutcome.String(o), telemetry.KeyReason.String(reason),
			telemetry.KeyIssuer.String(c.Issuers[0]), telemetry.KeySource.String(telemetry.SourceOpaque))
	}
	for _, a := range pollAnswers {
		t.pollOpts[a] = telemetry.NewOpts(telemetry.KeyAnswer.String(a))
	}
	t.tracer = tp.Tracer(telemetry.ScopeName + "/session")
	t.st = tstore.NewStoreTel(m, t.tracer)
	return t
}

// client returns a copy of hc whose calls to the tenant (/userinfo for
// opaque tokens, the device flow's /oauth/device/code and /oauth/token) are
// client spans under the request's.
func (t *sessTel) client(hc *http.Client) *http.Client {
	return telemetry.Client(hc, 10*time.Second, t.tracer, tenantEndpoint, nil)
}

// tenantEndpoint names a call to the tenant by its endpoint.
func tenantEndpoint(r *http.Request) (string, string) {
	for _, e := range []string{"/userinfo", "/oauth/device/code", "/oauth/token"} {
		if strings.HasSuffix(r.URL.Path, e) {
			return r.Method + " " + e, e
		}
	}
	return r.Method + " " + telemetry.Other, telemetry.Other
}

// result is the result of an answer of status.
func result(status int) string {
	if r, ok := loginResults[status]; ok {
		return r
	}
	return telemetry.Error
}

// login counts a login answered on c (deferred by Login): bearer for a JWT,
// opaque for another token.
func (t *sessTel) login(c *gin.Context) {
	src := telemetry.SourceBearer
	if tok, _, ok := bearerToken(c.Request); ok && strings.Count(tok, ".") != 2 {
		src = telemetry.SourceOpaque
		t.opaqueCheck(c.Request.Context(), c.Writer.Status())
	}
	t.logins.Add(c.Request.Context(), 1, t.loginOpts[[2]string{src, result(c.Writer.Status())}].Add...)
}

// opaqueCheck counts an opaque token's check at /userinfo by the login's answer.
func (t *sessTel) opaqueCheck(ctx context.Context, status int) {
	o := "invalid_token"
	switch status {
	case http.StatusOK, http.StatusForbidden: // 403: OnLogin refused a valid token
		o = telemetry.OK
	case http.StatusServiceUnavailable:
		o = "unavailable"
	case http.StatusTooManyRequests:
		o = "rate_limited"
	}
	t.checks.Add(ctx, 1, t.checkOpts[o].Add...)
}

// started counts a session made by another flow (StartSession) with err.
func (t *sessTel) started(ctx context.Context, err error) {
	res := telemetry.OK
	var ae *auth0gin.AuthError
	if errors.As(err, &ae) {
		res = result(ae.Status)
	} else if err != nil {
		res = telemetry.Error
	}
	t.logins.Add(ctx, 1, t.loginOpts[[2]string{"flow", res}].Add...)
}

// loggedOut counts a logout answered on c (deferred by the logout handlers).
func (t *sessTel) loggedOut(c *gin.Context) {
	if c.Writer.Status() == http.StatusNoContent {
		t.logouts.Add(c.Request.Context(), 1, t.none.Add...)
	}
}

// everywhereDone counts a log-out everywhere that ended the sessions.
func (t *sessTel) everywhereDone(ctx context.Context, err error) {
	if err == nil {
		t.everywhere.Add(ctx, 1, t.none.Add...)
	}
}

// message counts an invalidation message received.
func (t *sessTel) message(ctx context.Context) { t.messages.Add(ctx, 1, t.none.Add...) }

// localHit counts a session found in the local cache (e not nil).
func (t *sessTel) localHit(ctx context.Context, e *entry) {
	if e != nil {
		t.localHits.Add(ctx, 1, t.none.Add...)
	}
}

// deviceStarted counts a device login started.
func (t *sessTel) deviceStarted(ctx context.Context) { t.starts.Add(ctx, 1, t.none.Add...) }

// deviceApproved counts a device login turned into a session.
func (t *sessTel) deviceApproved(ctx context.Context) { t.approvals.Add(ctx, 1, t.none.Add...) }

// polled counts a device poll by its answer (deferred by Poll).
func (t *sessTel) polled(c *gin.Context) {
	a := telemetry.Other
	switch s := c.Writer.Status(); s {
	case http.StatusOK:
		a = "approved"
	case http.StatusBadRequest:
		if v := c.GetString(pollAnswerKey); v != "" {
			a = v
		}
	case http.StatusTooManyRequests:
		a = "rate_limited"
	case http.StatusServiceUnavailable:
		a = "unavailable"
	case http.StatusUnauthorized, http.StatusForbidden:
		a = "refused"
	}
	o, ok := t.pollOpts[a]
	if !ok {
		o = t.pollOpts[telemetry.Other]
	}
	t.polls.Add(c.Request.Context(), 1, o.Add...)
}

package session_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/trace"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry/telemetrytest"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/internal/testenv"
	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
)

// telEnv is an app whose session store is the shared Redis reached through a
// proxy the test can cut, reporting to an in-memory SDK.
type telEnv struct {
	sdk    *telemetrytest.SDK
	tenant *auth0test.Tenant
	auth   *auth0gin.Auth0
	sess   *session.Manager
	proxy  *testenv.Proxy
	router *gin.Engine
	clk    twoClocks
}

func newTelEnv(t *testing.T) *telEnv {
	t.Helper()
	e := &telEnv{sdk: telemetrytest.New(t), clk: newClocks()}
	e.tenant = auth0test.NewTenant(t, auth0test.WithClock(e.clk.tenant.Now))
	prefix := redistest.Prefix(t)
	u, err := url.Parse(redistest.WithPrefix(redistest.TestURL(), prefix))
	if err != nil {
		t.Fatal(err)
	}
	e.proxy = testenv.NewProxy(t, u.Host)
	u.Host = e.proxy.Addr()
	st, err := store.Open(t.Context(), u.String())
	if err != nil {
		testenv.Unavailable(t, "redis: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ac := e.tenant.Config()
	ac.MeterProvider, ac.TracerProvider = e.sdk.Meters, e.sdk.Traces
	e.auth = auth0gin.MustNew(ac)
	e.sess, err = session.New(t.Context(), e.auth, st, session.Config{Now: e.clk.Now, LoginsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.sess.Close() })
	e.auth.Attach(e.sess)
	dev, err := e.sess.Device(session.DeviceConfig{Scopes: []string{"openid", "email"}})
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.TestMode)
	e.router = gin.New()
	e.router.POST("/auth/session", e.sess.Login)
	e.router.POST("/auth/logout", e.sess.Logout)
	e.router.POST("/auth/logout-everywhere", e.auth.Require(), e.sess.LogoutEverywhere)
	e.router.POST("/auth/device", dev.Start)
	e.router.POST("/auth/device/poll", dev.Poll)
	e.router.GET("/api/private", e.auth.Require(), func(c *gin.Context) { c.Status(http.StatusNoContent) })
	return e
}

// do serves one request under a recording request span; it returns the
// answer and the span's context.
func (e *telEnv) do(t *testing.T, method, path string, h map[string]string, body string) (*httptest.ResponseRecorder, context.Context) {
	t.Helper()
	ctx, span := e.sdk.Request(t.Context())
	req := httptest.NewRequestWithContext(ctx, method, "http://localhost"+path, strings.NewReader(body))
	for k, v := range h {
		req.Header.Set(k, v)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, req)
	span.End()
	return rec, ctx
}

// storeChildren counts the store spans under the request span of ctx.
func (e *telEnv) storeChildren(ctx context.Context) int {
	n := 0
	for _, s := range e.sdk.Spans.Ended() {
		if s.Parent().SpanID() == trace.SpanContextFromContext(ctx).SpanID() && strings.HasSuffix(s.Name(), " redis") {
			n++
		}
	}
	return n
}

func cookieOf(t *testing.T, rec *httptest.ResponseRecorder) map[string]string {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if strings.HasSuffix(c.Name, "auth0gin_session") {
			return map[string]string{"Cookie": c.Name + "=" + c.Value}
		}
	}
	t.Fatalf("no session cookie: %d %s", rec.Code, rec.Body)
	return nil
}

// A session login, two requests on its cookie (from the local cache the
// login filled), a logout and a log-out everywhere (each heard back on the
// invalidation channel); then the store is cut: a request on an unseen cookie
// is a 503 counted as the store's, and the failed round trip an error.
func TestTelemetrySessionLoginLogoutOutage(t *testing.T) {
	e := newTelEnv(t)
	bearer := map[string]string{"Authorization": "Bearer " + e.tenant.Token(t)}
	rec, ctx := e.do(t, "POST", "/auth/session", bearer, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	if e.storeChildren(ctx) == 0 {
		t.Errorf("the login's store round trips are not children of its span: %v", e.sdk.Names())
	}
	ck := cookieOf(t, rec)
	for range 2 {
		if rec, _ := e.do(t, "GET", "/api/private", ck, ""); rec.Code != http.StatusNoContent {
			t.Fatalf("cookie: %d", rec.Code)
		}
	}
	if rec, _ := e.do(t, "POST", "/auth/logout", ck, ""); rec.Code != http.StatusNoContent {
		t.Fatalf("logout: %d %s", rec.Code, rec.Body)
	}
	if rec, _ := e.do(t, "POST", "/auth/logout-everywhere", bearer, ""); rec.Code != http.StatusNoContent {
		t.Fatalf("logout everywhere: %d %s", rec.Code, rec.Body)
	}
	rec, _ = e.do(t, "POST", "/auth/session", bearer, "")
	unseen := cookieOf(t, rec)

	e.clk.Advance(time.Minute) // past LocalCacheTTL: the store decides
	e.proxy.Cut()
	if rec, _ := e.do(t, "GET", "/api/private", unseen, ""); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("store down: %d %s", rec.Code, rec.Body)
	}

	p := e.sdk.Collect(t)
	telemetrytest.Want(t, p, 2, "auth0gin.session.logins", "source", "bearer", "result", "ok")
	telemetrytest.Want(t, p, 1, "auth0gin.session.logouts")
	telemetrytest.Want(t, p, 1, "auth0gin.session.logouts_everywhere")
	if err := testenv.Eventually(t.Context(), 10*time.Second, func() error { // delivery is asynchronous
		if n, _ := telemetrytest.Value(e.sdk.Collect(t), "auth0gin.session.pubsub.messages"); n < 2 {
			return fmt.Errorf("%v invalidation messages heard, want 2", n)
		}
		return nil
	}); err != nil {
		t.Error(err)
	}
	telemetrytest.Want(t, p, 2, "auth0gin.session.local_cache.hits") // the login filled it
	telemetrytest.Want(t, p, 2, "auth0gin.token.checks", "outcome", "ok", "source", "session", "issuer", e.tenant.URL)
	telemetrytest.Want(t, p, 1, "auth0gin.token.checks", "outcome", "unavailable", "reason", "store_unavailable", "source", "session")
	if n, _ := telemetrytest.Value(p, "db.client.operation.duration", "db.system.name", "redis", "db.operation.name", "delete"); n < 1 {
		t.Errorf("no timed delete:\n%s", telemetrytest.Dump(p, "db.client.operation.duration"))
	}
	if n, _ := telemetrytest.Value(p, "auth0gin.store.errors", "db.system.name", "redis", "db.operation.name", "get"); n < 1 {
		t.Errorf("no get error:\n%s", telemetrytest.Dump(p, "auth0gin.store.errors"))
	}
	if _, ok := telemetrytest.Value(p, "db.client.operation.duration", "error.type", "error"); !ok {
		t.Errorf("no failed round trip timed:\n%s", telemetrytest.Dump(p, "db.client.operation.duration"))
	}
}

// A device login: started (its call to the tenant a client span), polled
// while pending, approved.
func TestTelemetryDeviceApproval(t *testing.T) {
	e := newTelEnv(t)
	rec, _ := e.do(t, "POST", "/auth/device", nil, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("start: %d %s", rec.Code, rec.Body)
	}
	// x/oauth2 sends it without the request's context: a span of its own.
	if sp := e.sdk.Ended("POST /oauth/device/code"); len(sp) != 1 || sp[0].SpanKind() != trace.SpanKindClient {
		t.Errorf("the device code request's span: %v", e.sdk.Names())
	}
	var start struct {
		PollID   string `json:"poll_id"`
		Complete string `json:"verification_uri_complete"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &start); err != nil {
		t.Fatal(err)
	}
	poll := `{"poll_id":"` + start.PollID + `"}`
	if rec, _ := e.do(t, "POST", "/auth/device/poll", nil, poll); rec.Code != http.StatusBadRequest {
		t.Fatalf("pending poll: %d %s", rec.Code, rec.Body)
	}
	e.tenant.AnswerDevice(t, start.Complete, devtenant.Alice.Email, devtenant.Alice.Password, true)
	e.clk.Advance(5 * time.Second)
	if rec, _ := e.do(t, "POST", "/auth/device/poll", nil, poll); rec.Code != http.StatusOK {
		t.Fatalf("approved poll: %d %s", rec.Code, rec.Body)
	}
	p := e.sdk.Collect(t)
	telemetrytest.Want(t, p, 1, "auth0gin.device.starts")
	telemetrytest.Want(t, p, 1, "auth0gin.device.polls", "answer", "authorization_pending")
	telemetrytest.Want(t, p, 1, "auth0gin.device.polls", "answer", "approved")
	telemetrytest.Want(t, p, 1, "auth0gin.device.approvals")
}

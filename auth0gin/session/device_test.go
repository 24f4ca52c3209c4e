package session_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/internal/testenv"
	"github.com/auth0gin/auth0gin/internal/testenv/pgtest"
	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
	"github.com/auth0gin/auth0gin/internal/testutil"
)

// tapped records every secret the tenant hands the app (device codes and
// tokens), for the leak checks.
type tapped struct {
	mu       sync.Mutex
	secrets  []string
	polls    int
	userinfo int
}

func (tp *tapped) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(r)
	if r.URL.Path == "/userinfo" {
		tp.mu.Lock()
		tp.userinfo++
		tp.mu.Unlock()
	}
	if err != nil || !strings.Contains(r.URL.Path, "oauth/") {
		return res, err
	}
	b, _ := io.ReadAll(res.Body)
	res.Body = io.NopCloser(bytes.NewReader(b))
	var body map[string]any
	_ = json.Unmarshal(b, &body)
	tp.mu.Lock()
	defer tp.mu.Unlock()
	if r.URL.Path == "/oauth/token" {
		tp.polls++
	}
	for _, k := range []string{"device_code", "access_token", "refresh_token", "id_token"} {
		if s, ok := body[k].(string); ok {
			tp.secrets = append(tp.secrets, s)
		}
	}
	return res, nil
}

func (tp *tapped) userinfoCalls() int {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return tp.userinfo
}

func (tp *tapped) tenantPolls() int {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return tp.polls
}

// devEnv is an app with device login: a manager on st (shared by instances
// given the same st and prefix) and its device handlers, whose calls to the
// tenant are tapped.
type devEnv struct {
	*env
	dev *session.Device
	tap *tapped
}

func newDevEnv(t *testing.T, st store.Store, tenant *auth0test.Tenant, clk func() time.Time, cfg session.Config) *devEnv {
	return newDevEnvOpaque(t, st, tenant, clk, cfg, nil)
}

// newDevEnvOpaque is newDevEnv with opaque tokens accepted when oc is not nil.
func newDevEnvOpaque(t *testing.T, st store.Store, tenant *auth0test.Tenant, clk func() time.Time, cfg session.Config, oc *session.OpaqueConfig) *devEnv {
	t.Helper()
	gin.SetMode(gin.TestMode)
	e := &env{t: t, tenant: tenant, st: &faulty{Store: st}, clock: &clock{now: time.Now()}, logs: &testutil.SyncBuffer{}, seen: &seenLog{}}
	tap := &tapped{}
	ac := tenant.Config()
	ac.Logger = slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ac.HTTPClient = &http.Client{Transport: tap}
	e.auth = auth0gin.MustNew(ac)
	if oc != nil {
		oc.Now = clk
		cfg.OpaqueTokens = oc
	}
	cfg.Now = clk
	cfg.KeyPrefix = "test:" + strings.ReplaceAll(t.Name(), "/", "_") + ":"
	cfg.LoginsPerMinute = -1
	sess, err := session.New(t.Context(), e.auth, e.st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sess.Close() })
	e.auth.Attach(sess)
	e.sess = sess
	dev, err := sess.Device(session.DeviceConfig{Scopes: []string{"openid", "email", "read:messages"}})
	if err != nil {
		t.Fatal(err)
	}
	r := e.router()
	r.POST("/auth/device", dev.Start)
	r.POST("/auth/device/poll", dev.Poll)
	e.srv = httptest.NewServer(r)
	t.Cleanup(e.srv.Close)
	return &devEnv{env: e, dev: dev, tap: tap}
}

// post sends a JSON body.
func (e *devEnv) post(path, body string) *resp {
	e.t.Helper()
	res, err := http.Post(e.srv.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := &resp{code: res.StatusCode, h: res.Header, raw: string(b)}
	_ = json.Unmarshal(b, &r.body)
	e.seen.add(r)
	return r
}

func (e *devEnv) start() (pollID, complete string) {
	e.t.Helper()
	r := e.post("/auth/device", "")
	if r.code != 200 {
		e.t.Fatalf("start: %d %s", r.code, r.raw)
	}
	return r.body["poll_id"].(string), r.body["verification_uri_complete"].(string)
}

func (e *devEnv) poll(pollID string) *resp {
	e.t.Helper()
	return e.post("/auth/device/poll", `{"poll_id":"`+pollID+`"}`)
}

func (e *devEnv) wantPoll(pollID, code string) {
	e.t.Helper()
	r := e.poll(pollID)
	if r.code != 400 || r.body["error"] != code || r.h.Get("Set-Cookie") != "" {
		e.t.Fatalf("poll: want 400 %s, got %d %s", code, r.code, r.raw)
	}
}

// stored returns what the store holds for a poll_id's login.
func (e *devEnv) stored(pollID string) []byte {
	e.t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(pollID)
	if err != nil {
		e.t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	b, err := e.st.Get(context.Background(), "test:"+strings.ReplaceAll(e.t.Name(), "/", "_")+":device:{d:"+hex.EncodeToString(sum[:])+"}")
	if err != nil {
		e.t.Fatalf("the login's state: %v", err)
	}
	return b
}

// twoClocks are the app's and the tenant's. The tenant's starts an hour
// behind real time, so that the tokens it issues as both move on are never
// from the future for the core, which checks them on the real clock.
type twoClocks struct{ app, tenant *clock }

func newClocks() twoClocks {
	now := time.Now()
	return twoClocks{app: &clock{now: now}, tenant: &clock{now: now.Add(-time.Hour)}}
}

func (c twoClocks) Advance(d time.Duration) { c.app.Advance(d); c.tenant.Advance(d) }

func (c twoClocks) Now() time.Time { return c.app.Now() }

func TestDeviceLoginAsCLI(t *testing.T) {
	clk := newClocks()
	tenant := auth0test.NewTenant(t, auth0test.WithClock(clk.tenant.Now))
	e := newDevEnv(t, newStore(t), tenant, clk.Now, session.Config{})

	r := e.post("/auth/device", "")
	if r.code != 200 || r.h.Get("Cache-Control") != "no-store" {
		t.Fatalf("start: %d %s", r.code, r.raw)
	}
	b := r.body
	if _, ok := b["device_code"]; ok || len(b["poll_id"].(string)) != 43 || b["interval"] != float64(5) || b["expires_in"] != float64(900) ||
		b["verification_uri"] != tenant.URL+"activate" || b["verification_uri_complete"] != tenant.URL+"activate?user_code="+b["user_code"].(string) {
		t.Fatalf("start answer: %s", r.raw)
	}
	pollID := b["poll_id"].(string)
	stored := e.stored(pollID)

	e.wantPoll(pollID, "authorization_pending")
	// Too soon: answered here, the tenant is not asked.
	asked := e.tap.tenantPolls()
	e.wantPoll(pollID, "slow_down")
	clk.Advance(4 * time.Second)
	e.wantPoll(pollID, "slow_down") // a poll too soon restarts the wait, as at the tenant
	if e.tap.tenantPolls() != asked {
		t.Errorf("polls within the interval reached the tenant")
	}
	clk.Advance(5 * time.Second)
	e.wantPoll(pollID, "authorization_pending")

	tenant.AnswerDevice(t, b["verification_uri_complete"].(string), devtenant.Alice.Email, devtenant.Alice.Password, true)
	clk.Advance(5 * time.Second)
	r = e.poll(pollID)
	if r.code != 200 || r.h.Get("Cache-Control") != "no-store" {
		t.Fatalf("approved poll: %d %v %s", r.code, r.h, r.raw)
	}
	cs := (&http.Response{Header: r.h}).Cookies()
	if len(cs) != 1 || cs[0].Value != r.body["value"] || r.body["name"] != "auth0gin_session" || !cs[0].HttpOnly {
		t.Fatalf("session answer: %s, cookies %v", r.raw, r.h["Set-Cookie"])
	}
	if exp, err := time.Parse(time.RFC3339, r.body["expires_at"].(string)); err != nil || exp.Sub(clk.Now()) < 29*24*time.Hour {
		t.Errorf("expires_at %v", r.body["expires_at"])
	}
	secret := cs[0].Value
	me := e.do("GET", "/api/scoped", cookieH(cs[0]))
	if me.code != 200 || me.body["id"] != devtenant.Alice.ID || me.body["email"] != devtenant.Alice.Email {
		t.Fatalf("the device session on a scoped route: %d %s", me.code, me.raw)
	}
	// A page of another site cannot make a browser poll (login CSRF).
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}} {
		req, _ := http.NewRequest("POST", e.srv.URL+"/auth/device/poll", strings.NewReader(`{"poll_id":"`+pollID+`"}`))
		for k, v := range h {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 403 || !strings.Contains(string(b), "csrf_rejected") || res.Header.Get("Set-Cookie") != "" {
			t.Errorf("cross-origin poll %v: %d %s", h, res.StatusCode, b)
		}
	}
	// The session is handed out once.
	clk.Advance(5 * time.Second)
	e.wantPoll(pollID, "invalid_grant")

	// No leaks: the device code in no answer, no log line, nor the store in
	// the clear; tokens and the session secret in no log line.
	tp := e.tap.secrets
	if len(tp) < 3 {
		t.Fatalf("tapped %d secrets: the check would prove little", len(tp))
	}
	answers := strings.ReplaceAll(e.seen.String(), secret, "")
	logs := e.logs.String()
	for i, s := range tp {
		if strings.Contains(answers, s) || strings.Contains(logs, s) || bytes.Contains(stored, []byte(s)) {
			t.Errorf("tenant secret #%d leaked", i)
		}
	}
	if strings.Contains(logs, secret) || strings.Contains(logs, pollID) {
		t.Error("a log line holds the session secret or the poll_id")
	}
}

func TestDevicePollAnswers(t *testing.T) {
	clks := newClocks()
	clk, tenantClock, both := clks.app, clks.tenant, clks.Advance
	tenant := auth0test.NewTenant(t, auth0test.WithClock(tenantClock.Now))
	e := newDevEnv(t, newStore(t), tenant, clk.Now, session.Config{})

	t.Run("denied", func(t *testing.T) {
		pollID, complete := e.start()
		tenant.AnswerDevice(t, complete, devtenant.Alice.Email, devtenant.Alice.Password, false)
		e.wantPoll(pollID, "access_denied")
		both(5 * time.Second)
		asked := e.tap.tenantPolls()
		e.wantPoll(pollID, "access_denied") // remembered: the tenant is not asked again
		if e.tap.tenantPolls() != asked {
			t.Error("a denied login asked the tenant again")
		}
	})
	t.Run("expired here", func(t *testing.T) {
		pollID, _ := e.start()
		both(901 * time.Second)
		e.wantPoll(pollID, "expired_token")
		both(5 * time.Second)
		e.wantPoll(pollID, "expired_token")
	})
	t.Run("expired at the tenant", func(t *testing.T) {
		pollID, _ := e.start()
		tenantClock.Advance(901 * time.Second)
		e.wantPoll(pollID, "expired_token")
	})
	t.Run("tenant's slow_down", func(t *testing.T) {
		pollID, _ := e.start()
		e.wantPoll(pollID, "authorization_pending")
		// This instance's clock runs ahead of the tenant's: the tenant sees a
		// poll too soon and says slow_down; the interval grows by 5 s.
		clk.Advance(5 * time.Second)
		tenantClock.Advance(time.Second)
		e.wantPoll(pollID, "slow_down")
		both(5 * time.Second)
		e.wantPoll(pollID, "slow_down") // 5 s is no longer enough
		both(10 * time.Second)
		e.wantPoll(pollID, "authorization_pending")
	})
	t.Run("bad input", func(t *testing.T) {
		for body, code := range map[string]string{
			``:                     "invalid_request",
			`{`:                    "invalid_request",
			`{"poll_id": 7}`:       "invalid_request",
			`{"poll_id": "short"}`: "invalid_grant",
			`{"poll_id": "` + strings.Repeat("A", 43) + `"}`: "invalid_grant",
		} {
			r := e.post("/auth/device/poll", body)
			if r.code != 400 || r.body["error"] != code || r.h.Get("Cache-Control") != "no-store" {
				t.Errorf("%.30q: %d %s", body, r.code, r.raw)
			}
		}
		// Over the 4 KiB limit: 413, not 400 "the body must be JSON" (issue 23).
		for _, body := range []string{`{"poll_id": "` + strings.Repeat("A", 8000) + `"}`, strings.Repeat(" ", 5<<20)} {
			r := e.post("/auth/device/poll", body)
			if r.code != 413 || r.body["error"] != "invalid_request" || r.h.Get("Cache-Control") != "no-store" {
				t.Errorf("%d-byte body: %d %s, want 413 invalid_request", len(body), r.code, r.raw)
			}
		}
	})
	t.Run("outages", func(t *testing.T) {
		tenant.FailNext(1)
		if r := e.post("/auth/device", ""); r.code != 503 || r.h.Get("Retry-After") == "" {
			t.Errorf("start with the tenant rate-limited: %d %s", r.code, r.raw)
		}
		pollID, _ := e.start()
		tenant.FailNext(1)
		r := e.poll(pollID)
		if r.code != 503 || r.h.Get("Retry-After") == "" {
			t.Errorf("tenant rate-limited: %d %s", r.code, r.raw)
		}
		both(5 * time.Second)
		e.wantPoll(pollID, "authorization_pending")
		both(5 * time.Second)
		e.st.down.Store(true)
		r = e.poll(pollID)
		e.st.down.Store(false)
		if r.code != 503 || r.h.Get("Retry-After") == "" {
			t.Errorf("store down: %d %s", r.code, r.raw)
		}
	})
	if strings.Contains(e.logs.String(), "device_code=") {
		t.Error("a device code in the logs")
	}
}

// Polls may reach any instance: the state is in the shared store. Two
// instances, each with its own connection, on SQLite, Redis and PostgreSQL.
func TestDeviceLoginAcrossInstances(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(t *testing.T) (a, b store.Store)
	}{
		{"sqlite", func(t *testing.T) (store.Store, store.Store) { st := newStore(t); return st, st }},
		{"redis", func(t *testing.T) (store.Store, store.Store) {
			p := redistest.Prefix(t)
			return redistest.OpenPrefix(t, p), redistest.OpenPrefix(t, p)
		}},
		{"postgres", func(t *testing.T) (store.Store, store.Store) {
			s := pgtest.Schema(t)
			return pgtest.OpenSchema(t, pgtest.URL(), s), pgtest.OpenSchema(t, pgtest.URL(), s)
		}},
		{"redis-cluster", func(t *testing.T) (store.Store, store.Store) {
			sts := openCluster(t, testenv.StartRedisCluster(t), 2)
			return sts[0], sts[1]
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClocks()
			tenant := auth0test.NewTenant(t, auth0test.WithClock(clk.tenant.Now))
			sa, sb := tc.open(t)
			a := newDevEnv(t, sa, tenant, clk.Now, session.Config{})
			b := newDevEnv(t, sb, tenant, clk.Now, session.Config{})
			pollID, complete := a.start()
			b.wantPoll(pollID, "authorization_pending")
			a.wantPoll(pollID, "slow_down") // the interval holds across instances
			tenant.AnswerDevice(t, complete, devtenant.Alice.Email, devtenant.Alice.Password, true)
			clk.Advance(5 * time.Second)
			r := a.poll(pollID)
			if r.code != 200 {
				t.Fatalf("poll on A: %d %s", r.code, r.raw)
			}
			ck := &http.Cookie{Name: r.body["name"].(string), Value: r.body["value"].(string)}
			if me := b.do("GET", "/api/scoped", cookieH(ck)); me.code != 200 || me.body["email"] != devtenant.Alice.Email {
				t.Errorf("the session on B: %d %s", me.code, me.raw)
			}
			b.wantPoll(pollID, "invalid_grant")
		})
	}
}

// The tenant's device code is spent once it has issued the token: when the
// session cannot be made then (here OnLogin's database is down), the next
// poll makes it from the verified user kept, sealed, in the login's state.
func TestDeviceLoginRetriesTheSession(t *testing.T) {
	clk := newClocks()
	tenant := auth0test.NewTenant(t, auth0test.WithClock(clk.tenant.Now))
	var down atomic.Bool
	down.Store(true)
	e := newDevEnv(t, newStore(t), tenant, clk.Now, session.Config{OnLogin: func(context.Context, *auth0gin.Auth0User) error {
		if down.Load() {
			return auth0gin.Unavailable("users database down", time.Second, nil)
		}
		return nil
	}})
	pollID, complete := e.start()
	tenant.AnswerDevice(t, complete, devtenant.Alice.Email, devtenant.Alice.Password, true)
	if r := e.poll(pollID); r.code != 503 || r.h.Get("Retry-After") == "" || r.h.Get("Set-Cookie") != "" {
		t.Fatalf("OnLogin down: %d %s", r.code, r.raw)
	}
	down.Store(false)
	asked := e.tap.tenantPolls()
	r := e.poll(pollID)
	if r.code != 200 || e.tap.tenantPolls() != asked {
		t.Fatalf("retry: %d %s (tenant asked %d more times)", r.code, r.raw, e.tap.tenantPolls()-asked)
	}
	if me := e.do("GET", "/api/scoped", cookieH(&http.Cookie{Name: "auth0gin_session", Value: r.body["value"].(string)})); me.code != 200 {
		t.Errorf("the session: %d %s", me.code, me.raw)
	}
}

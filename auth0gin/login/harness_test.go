package login_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/internal/testutil"
)

// testKeys is a fixed key list, so tests can rotate keys by id.
const (
	keyA = "a:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	keyB = "b:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="
)

// tap records every refresh token the tenant hands out, so a test can
// search everything else for them.
type tap struct {
	base http.RoundTripper
	// down makes the tenant unreachable, as a cut network would.
	down atomic.Bool
	mu   sync.Mutex
	rts  []string
}

func (t *tap) RoundTrip(r *http.Request) (*http.Response, error) {
	if t.down.Load() {
		return nil, errors.New("dial tcp: connection refused")
	}
	res, err := t.base.RoundTrip(r)
	if err != nil || !strings.HasSuffix(r.URL.Path, "/oauth/token") {
		return res, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	var v struct {
		RT string `json:"refresh_token"`
	}
	if json.Unmarshal(body, &v) == nil && v.RT != "" {
		t.mu.Lock()
		t.rts = append(t.rts, v.RT)
		t.mu.Unlock()
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	return res, nil
}

func (t *tap) tokens() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.rts...)
}

// harness is one app instance: a Manager on a store, behind a Gin server,
// against a dev tenant, with every response and log line recorded.
type harness struct {
	t      testing.TB
	tenant *auth0test.Tenant
	auth   *auth0gin.Auth0
	st     *countingStore
	m      *login.Manager
	srv    *httptest.Server
	tap    *tap
	logs   *testutil.SyncBuffer

	mu   sync.Mutex
	seen bytes.Buffer // every response's status line, headers and body
}

type option func(*login.Config)

// The confidential client the tests log in with: the dev tenant's default
// regular web client (password and refresh_token grants, IP header trusted).
var (
	regularClientID     = devtenant.RegularClient.ID
	regularClientSecret = devtenant.RegularClient.Secret
)

// tenantClock is a dev tenant's clock: it starts two hours back and ticks a
// second each time it is read, so that two tokens minted for one user differ
// (a JWT without jti, minted in the same second for the same claims, is the
// same string) and are still valid now. shift moves it further.
type tenantClock struct {
	base  time.Time
	ticks atomic.Int64
	shift atomic.Int64 // nanoseconds
}

func (c *tenantClock) now() time.Time {
	return c.base.Add(time.Duration(c.ticks.Add(1))*time.Second + time.Duration(c.shift.Load()))
}

// newTenant starts a dev tenant (rotation and reuse detection on, as by
// default) with its default regular web client.
func newTenant(t testing.TB) *auth0test.Tenant {
	tn, _ := newClockedTenant(t)
	return tn
}

func newClockedTenant(t testing.TB) (*auth0test.Tenant, *tenantClock) {
	clock := &tenantClock{base: time.Now().Add(-2 * time.Hour)}
	logs := &testutil.SyncBuffer{}
	tn := auth0test.NewTenant(t, func(c *devtenant.Config) {
		c.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	},
		auth0test.WithClock(clock.now))
	tenantLogs.Store(tn, logs)
	t.Cleanup(func() { tenantLogs.Delete(tn) })
	return tn, clock
}

// tenantLogs holds each test tenant's log output, searched for leaks too.
var tenantLogs sync.Map // *auth0test.Tenant → *testutil.SyncBuffer

// errorBody is the body of every refusal.
type errorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// sessionFunc is a SessionStarter made of a function.
type sessionFunc func(c *gin.Context, user *auth0gin.Auth0User) error

func (f sessionFunc) StartSession(c *gin.Context, user *auth0gin.Auth0User) error { return f(c, user) }

// mustNew is login.New for a test that cannot go on without it.
func mustNew(auth *auth0gin.Auth0, st store.Store, cfg login.Config) *login.Manager {
	m, err := login.New(auth, st, cfg)
	if err != nil {
		panic(err)
	}
	return m
}

// newHarness starts an instance on st against tenant (a new tenant and an
// in-memory store when nil).
func newHarness(t testing.TB, tenant *auth0test.Tenant, st store.Store, opts ...option) *harness {
	t.Helper()
	if tenant == nil {
		tenant = newTenant(t)
	}
	if st == nil {
		st = newMemStore()
	}
	h := &harness{t: t, tenant: tenant, st: counting(st), logs: &testutil.SyncBuffer{}}
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ccfg := tenant.Config()
	ccfg.Logger = log
	h.auth = auth0gin.MustNew(ccfg)
	h.tap = &tap{base: http.DefaultTransport}
	keys, err := login.ParseKeys(keyA + "," + keyB)
	if err != nil {
		t.Fatal(err)
	}
	cfg := login.Config{
		ClientID: regularClientID, ClientSecret: regularClientSecret,
		Keys: keys, Logger: log, KeyPrefix: "login-test:",
		HTTPClient:      &http.Client{Transport: h.tap},
		LoginsPerMinute: -1,
	}
	for _, o := range opts {
		o(&cfg)
	}
	h.m, err = login.New(h.auth, h.st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.POST("/auth/login", h.m.Login)
	r.POST("/auth/refresh", h.m.Refresh)
	r.POST("/auth/logout", h.m.Logout)
	r.GET("/api/private", h.auth.RequireScopes(), func(c *gin.Context) { c.String(200, auth0gin.MustUser(c).ID) })
	h.srv = httptest.NewServer(r)
	t.Cleanup(h.srv.Close)
	// Whatever the test did, each SetMany and multi-key Delete stayed in one
	// store key group (a Redis Cluster refuses anything else).
	t.Cleanup(func() {
		if x := h.st.crossGroup(); x != nil {
			t.Errorf("a multi-key store call spans the key groups %q", x)
		}
	})
	// Whatever the test did, no refresh token may appear in a response, a
	// header, a log line (the app's or the tenant's) or the store in clear.
	t.Cleanup(func() {
		rts := h.tap.tokens()
		if len(rts) == 0 {
			return
		}
		all := h.recorded()
		if l, ok := tenantLogs.Load(h.tenant); ok {
			all += l.(*testutil.SyncBuffer).String()
		}
		if ms, ok := st.(*memStore); ok {
			all += ms.dump()
		}
		noLeak(t, "this test's responses, logs or store", all, rts)
	})
	return h
}

// reply is a recorded response.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) answer(t testing.TB) login.Answer {
	t.Helper()
	var a login.Answer
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if err := json.Unmarshal(r.body, &a); err != nil || a.AccessToken == "" || a.TokenType != "Bearer" || a.ExpiresIn <= 0 {
		t.Fatalf("not an answer: %s (%v)", r.body, err)
	}
	return a
}

func (r reply) errorCode(t testing.TB) string {
	t.Helper()
	var b errorBody
	if err := json.Unmarshal(r.body, &b); err != nil || b.Error == "" || b.Description == "" {
		t.Fatalf("not an error body: %s", r.body)
	}
	return b.Error
}

func (h *harness) do(req *http.Request) reply {
	h.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	h.mu.Lock()
	res.Header.Write(&h.seen)
	h.seen.Write(body)
	h.seen.WriteByte('\n')
	h.mu.Unlock()
	return reply{res.StatusCode, res.Header, body}
}

func (h *harness) login(user, password string) reply {
	h.t.Helper()
	b, _ := json.Marshal(map[string]string{"username": user, "password": password})
	req, _ := http.NewRequest("POST", h.srv.URL+"/auth/login", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	return h.do(req)
}

func (h *harness) loginForm(user, password string) reply {
	h.t.Helper()
	req, _ := http.NewRequest("POST", h.srv.URL+"/auth/login", strings.NewReader(url.Values{"username": {user}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return h.do(req)
}

func (h *harness) bearer(path, token string) reply {
	h.t.Helper()
	req, _ := http.NewRequest("POST", h.srv.URL+path, nil)
	if path == "/api/private" {
		req.Method = "GET"
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return h.do(req)
}

func (h *harness) refresh(token string) reply { return h.bearer("/auth/refresh", token) }

// recorded is everything the instance showed the world: responses and logs.
func (h *harness) recorded() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seen.String() + h.logs.String()
}

// noLeak fails when any refresh token the tenant issued appears in haystack.
func noLeak(t testing.TB, where, haystack string, rts []string) {
	t.Helper()
	if len(rts) == 0 {
		t.Fatal("the tenant issued no refresh token: the leak check would prove nothing")
	}
	for _, rt := range rts {
		if strings.Contains(haystack, rt) {
			t.Errorf("a refresh token appears in %s", where)
		}
	}
}

func contains(haystack, needle string) bool { return strings.Contains(haystack, needle) }

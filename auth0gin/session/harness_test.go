package session_test

import (
	"context"
	"encoding/json"
	"fmt"
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
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
	"github.com/auth0gin/auth0gin/internal/testutil"
)

// clock is a test clock the manager reads through Config.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// faulty wraps a real store: it can be made to fail as an unreachable one
// does, and it counts operations: sets, reads (Get, Members), addMembers,
// and writes (every operation that changes the store: Set, Add, Delete,
// AddMember, RemoveMember).
type faulty struct {
	store.Store
	down                            atomic.Bool
	sets, reads, addMembers, writes atomic.Int64
	incrs                           atomic.Int64 // the limiter's counts

	mu    sync.Mutex
	multi [][]string // the keys of each SetMany and multi-key Delete
}

// counts returns the counters' values, to compare before and after.
func (f *faulty) counts() (sets, reads, addMembers, writes int64) {
	return f.sets.Load(), f.reads.Load(), f.addMembers.Load(), f.writes.Load()
}

func (f *faulty) err() error {
	if f.down.Load() {
		return fmt.Errorf("%w: test outage", auth0gin.ErrUnavailable)
	}
	return nil
}

func (f *faulty) Get(ctx context.Context, k string) ([]byte, error) {
	f.reads.Add(1)
	if err := f.err(); err != nil {
		return nil, err
	}
	return f.Store.Get(ctx, k)
}

func (f *faulty) Set(ctx context.Context, k string, v []byte, exp time.Time) error {
	f.sets.Add(1)
	f.writes.Add(1)
	if err := f.err(); err != nil {
		return err
	}
	return f.Store.Set(ctx, k, v, exp)
}

func (f *faulty) Add(ctx context.Context, k string, v []byte, exp time.Time) (bool, error) {
	f.writes.Add(1)
	if err := f.err(); err != nil {
		return false, err
	}
	return f.Store.Add(ctx, k, v, exp)
}

func (f *faulty) Delete(ctx context.Context, ks ...string) error {
	f.recordMulti(ks)
	f.writes.Add(1)
	if err := f.err(); err != nil {
		return err
	}
	return f.Store.Delete(ctx, ks...)
}

func (f *faulty) AddMember(ctx context.Context, set, m string, exp time.Time) error {
	f.addMembers.Add(1)
	f.writes.Add(1)
	if err := f.err(); err != nil {
		return err
	}
	return f.Store.AddMember(ctx, set, m, exp)
}

func (f *faulty) Members(ctx context.Context, set string) ([]string, error) {
	f.reads.Add(1)
	if err := f.err(); err != nil {
		return nil, err
	}
	return f.Store.Members(ctx, set)
}

func (f *faulty) RemoveMember(ctx context.Context, set string, ms ...string) error {
	f.writes.Add(1)
	if err := f.err(); err != nil {
		return err
	}
	return f.Store.RemoveMember(ctx, set, ms...)
}

// env is one app under test: a dev tenant, an Auth0, a store and a manager
// mounted on a Gin engine served by httptest.
type env struct {
	t      *testing.T
	tenant *auth0test.Tenant
	auth   *auth0gin.Auth0
	st     *faulty
	sess   *session.Manager
	clock  *clock
	srv    *httptest.Server
	logs   *testutil.SyncBuffer
	seen   *seenLog // every response, for the leak check
}

// customClaims is read by a RequireClaims route, to show that custom claims
// survive the session.
type customClaims struct {
	Org string `json:"https://example.com/org"`
}

func (c *customClaims) Validate(context.Context) error { return nil }

func newEnv(t *testing.T, base store.Store, tenant *auth0test.Tenant, cfg session.Config) *env {
	t.Helper()
	return newEnvAuth(t, base, tenant, tenant.Config(), cfg)
}

// newEnvAuth is newEnv with the Auth0 made from ac (its Logger is the env's).
func newEnvAuth(t *testing.T, base store.Store, tenant *auth0test.Tenant, ac auth0gin.Config, cfg session.Config) *env {
	t.Helper()
	gin.SetMode(gin.TestMode)
	e := &env{t: t, tenant: tenant, st: &faulty{Store: base}, clock: &clock{now: time.Now()}, logs: &testutil.SyncBuffer{}, seen: &seenLog{}}
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ac.Logger = log
	e.auth = auth0gin.MustNew(ac)
	if cfg.Now == nil {
		cfg.Now = e.clock.Now
	}
	if cfg.KeyPrefix == "" {
		cfg.KeyPrefix = "test:" + strings.ReplaceAll(t.Name(), "/", "_") + ":"
	}
	t.Cleanup(func() {
		if x := e.st.crossGroup(); x != nil {
			t.Errorf("a multi-key store call spans key groups: %q", x)
		}
	})
	sess, err := session.New(context.Background(), e.auth, e.st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sess.Close() })
	e.auth.Attach(sess)
	e.sess = sess
	e.srv = httptest.NewServer(e.router())
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) router() *gin.Engine {
	r := gin.New()
	r.POST("/auth/session", e.sess.Login)
	r.POST("/auth/ping", e.sess.Ping)
	r.POST("/auth/logout", e.sess.Logout)
	r.POST("/auth/logout-everywhere", e.auth.RequireScopes(), e.sess.LogoutEverywhere)
	me := func(c *gin.Context) {
		u, ok := auth0gin.UserFrom(c.Request.Context())
		if !ok {
			c.JSON(200, gin.H{"guest": true})
			return
		}
		c.JSON(200, gin.H{"id": u.ID, "email": u.Email, "permissions": u.Permissions})
	}
	r.GET("/api/private", e.auth.RequireScopes(), me)
	r.POST("/api/private", e.auth.RequireScopes(), me)
	r.GET("/api/scoped", e.auth.RequireScopes("read:messages"), me)
	r.GET("/api/any", e.auth.Require(auth0gin.AnyScope("read:messages", "write:messages")), me)
	r.GET("/api/optional", e.auth.Require(auth0gin.Optional()), me)
	r.GET("/api/claims", auth0gin.RequireClaims[customClaims](e.auth), func(c *gin.Context) {
		cl, err := auth0gin.ClaimsFrom[customClaims](c.Request.Context())
		if err != nil {
			c.JSON(500, gin.H{"err": err.Error()})
			return
		}
		c.JSON(200, gin.H{"org": cl.Org})
	})
	return r
}

// resp is an answer, read in full.
type resp struct {
	code int
	h    http.Header
	body map[string]any
	raw  string
}

// seenLog keeps every response of a test, headers and body.
type seenLog struct {
	mu  sync.Mutex
	all []string
}

func (s *seenLog) add(r *resp) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for k, vs := range r.h {
		if k == "Set-Cookie" {
			continue // the one place the secret belongs
		}
		fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(vs, ", "))
	}
	s.all = append(s.all, b.String()+r.raw)
}

func (s *seenLog) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.all, "\n")
}

// do sends a request with the given headers ("Cookie", "Authorization",
// "Origin", "Sec-Fetch-Site", ...).
func (e *env) do(method, path string, h map[string]string) *resp {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
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

// login trades token for a session and returns the cookie.
func (e *env) login(token string) *http.Cookie {
	e.t.Helper()
	r := e.do("POST", "/auth/session", map[string]string{"Authorization": "Bearer " + token})
	if r.code != 200 {
		e.t.Fatalf("login: %d %s", r.code, r.raw)
	}
	for _, c := range (&http.Response{Header: r.h}).Cookies() {
		if c.Name == "auth0gin_session" || c.Name == "__Host-auth0gin_session" {
			return c
		}
	}
	e.t.Fatalf("login set no session cookie: %v", r.h)
	return nil
}

func cookieH(c *http.Cookie) map[string]string {
	return map[string]string{"Cookie": c.Name + "=" + c.Value}
}

func with(h map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// newStore is the store a unit test runs on: SQLite in memory, the
// embedded default (the e2e tests run Redis and PostgreSQL).
func newStore(t testing.TB) store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// Incr is the limiter's, counted apart from the session's writes.
func (f *faulty) Incr(ctx context.Context, k string, exp time.Time) (int64, error) {
	f.incrs.Add(1)
	if err := f.err(); err != nil {
		return 0, err
	}
	return f.Store.Incr(ctx, k, exp)
}

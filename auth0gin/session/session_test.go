package session_test

import (
	"cmp"
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

func TestLoginSetsCookieAndBody(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{IdleTimeout: 30 * time.Minute})
	tok := e.tenant.Token(t)
	r := e.do("POST", "/auth/session", map[string]string{"Authorization": "Bearer " + tok})
	if r.code != 200 {
		t.Fatalf("login: %d %s", r.code, r.raw)
	}
	cs := (&http.Response{Header: r.h}).Cookies()
	if len(cs) != 1 {
		t.Fatalf("cookies: %v", r.h["Set-Cookie"])
	}
	c := cs[0]
	if c.Name != "auth0gin_session" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || len(c.Value) != 43 {
		t.Errorf("cookie = %+v", c)
	}
	if c.Secure {
		t.Errorf("plain-http loopback got a Secure cookie a browser would drop")
	}
	b := r.body
	if b["name"] != "auth0gin_session" || b["path"] != "/" || b["domain"] != "" || b["secure"] != false || b["http_only"] != true || b["idle_timeout_s"] != float64(1800) {
		t.Errorf("body = %v", b)
	}
	exp, err := time.Parse(time.RFC3339, b["expires_at"].(string))
	if err != nil || exp.Sub(e.clock.Now()) < 29*24*time.Hour {
		t.Errorf("expires_at = %v (%v)", b["expires_at"], err)
	}
	if strings.Contains(r.raw, c.Value) || strings.Contains(r.raw, tok) {
		t.Errorf("login body leaks the secret or the token: %s", r.raw)
	}
	// Every login gets a new secret, and ends the session it replaces.
	r = e.do("POST", "/auth/session", with(cookieH(c), "Authorization", "Bearer "+tok))
	c2 := (&http.Response{Header: r.h}).Cookies()[0]
	if r.code != 200 || c2.Value == c.Value {
		t.Fatal("a second login reused the secret")
	}
	if r := e.do("GET", "/api/private", cookieH(c)); r.code != 401 {
		t.Errorf("replaced session: %d", r.code)
	}
}

func TestLoginNeedsValidBearer(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{})
	for name, h := range map[string]map[string]string{
		"none":    nil,
		"basic":   {"Authorization": "Basic YWxpY2U6eA=="},
		"garbage": {"Authorization": "Bearer not-a-token"},
		"expired": {"Authorization": "Bearer " + e.tenant.Token(t, auth0test.Expired())},
		"aud":     {"Authorization": "Bearer " + e.tenant.Token(t, auth0test.Audience(e.tenant.ManagementAudience()))},
	} {
		r := e.do("POST", "/auth/session", h)
		if r.code != 401 || r.h.Get("Set-Cookie") != "" || r.h.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: %d %v %s", name, r.code, r.h, r.raw)
		}
	}
}

func TestGuardsAcceptTheCookie(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	e := newEnv(t, newStore(t), tenant, session.Config{})
	alice := e.login(tenant.Token(t, auth0test.Claims(map[string]any{"https://example.com/org": "acme"})))
	bob := e.login(tenant.Token(t, auth0test.User(devtenant.Bob.Email), auth0test.Permissions()))

	r := e.do("GET", "/api/scoped", cookieH(alice))
	if r.code != 200 || r.body["email"] != devtenant.Alice.Email {
		t.Errorf("alice scoped: %d %s", r.code, r.raw)
	}
	if r := e.do("GET", "/api/any", cookieH(alice)); r.code != 200 {
		t.Errorf("alice any: %d", r.code)
	}
	if r := e.do("GET", "/api/claims", cookieH(alice)); r.code != 200 || r.body["org"] != "acme" {
		t.Errorf("custom claims from the cookie: %d %s", r.code, r.raw)
	}
	if r := e.do("GET", "/api/optional", cookieH(alice)); r.body["email"] != devtenant.Alice.Email {
		t.Errorf("optional with cookie: %s", r.raw)
	}
	if r := e.do("GET", "/api/optional", nil); r.body["guest"] != true {
		t.Errorf("optional without: %s", r.raw)
	}
	// Same answers as a token: bob has no permission.
	rb := e.do("GET", "/api/scoped", cookieH(bob))
	rt := e.do("GET", "/api/scoped", map[string]string{"Authorization": "Bearer " + tenant.Token(t, auth0test.User(devtenant.Bob.Email), auth0test.Permissions())})
	if rb.code != 403 || rt.code != 403 || rb.body["error"] != rt.body["error"] || rb.h.Get("WWW-Authenticate") != rt.h.Get("WWW-Authenticate") {
		t.Errorf("bob: cookie %d %v, token %d %v", rb.code, rb.h, rt.code, rt.h)
	}
	if r := e.do("GET", "/api/private", cookieH(bob)); r.code != 200 {
		t.Errorf("bob private: %d", r.code)
	}
	// A request with both is judged by its bearer token.
	if r := e.do("GET", "/api/scoped", with(cookieH(alice), "Authorization", "Bearer garbage")); r.code != 401 {
		t.Errorf("bad bearer + good cookie: %d", r.code)
	}
	if r := e.do("GET", "/api/scoped", with(cookieH(bob), "Authorization", "Bearer "+tenant.Token(t))); r.code != 200 || r.body["email"] != devtenant.Alice.Email {
		t.Errorf("alice's bearer + bob's cookie: %d %s", r.code, r.raw)
	}
}

func TestBadCookies(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{})
	for name, v := range map[string]string{
		"unknown":   strings.Repeat("A", 43),
		"short":     "abc",
		"empty":     "",
		"bad chars": strings.Repeat("*", 43),
		"oversized": strings.Repeat("A", 4000),
		"padded":    strings.Repeat("A", 42) + "=",
	} {
		r := e.do("GET", "/api/private", map[string]string{"Cookie": "auth0gin_session=" + v})
		if r.code != 401 || r.body["error"] != "invalid_token" || r.body["error_description"] == "" {
			t.Errorf("%s: %d %s", name, r.code, r.raw)
		}
	}
	// Other cookies are none of the session's business.
	if r := e.do("GET", "/api/private", map[string]string{"Cookie": "theme=dark"}); r.code != 401 || r.body["error"] != "unauthorized" {
		t.Errorf("no session cookie: %d %s", r.code, r.raw)
	}
}

func TestLifetimes(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{IdleTimeout: time.Hour, MaxLifetime: 3 * time.Hour, TouchInterval: 10 * time.Minute})
	c := e.login(e.tenant.Token(t, auth0test.ExpiresIn(24*time.Hour)))
	// Activity extends the inactive deadline: 50 minutes at a time, for 2h50m.
	for i := 0; i < 3; i++ {
		e.clock.Advance(50 * time.Minute)
		if r := e.do("POST", "/auth/ping", cookieH(c)); r.code != 204 {
			t.Fatalf("ping %d at +%d×50m: %d %s", i, i+1, r.code, r.raw)
		}
	}
	// The maximum lifetime ends it however active.
	e.clock.Advance(35 * time.Minute) // 3h05m after login, 35m after the last request
	if r := e.do("GET", "/api/private", cookieH(c)); r.code != 401 || !strings.Contains(r.raw, "expired") {
		t.Errorf("past max lifetime: %d %s", r.code, r.raw)
	}
	// Inactivity ends another, although the store still holds it.
	c2 := e.login(e.tenant.Token(t))
	e.clock.Advance(61 * time.Minute)
	if r := e.do("GET", "/api/private", cookieH(c2)); r.code != 401 || !strings.Contains(r.raw, "expired") {
		t.Errorf("idle: %d %s", r.code, r.raw)
	}
}

func TestActivityWrittenOncePerInterval(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{IdleTimeout: time.Hour, TouchInterval: time.Minute, LocalCacheTTL: time.Hour})
	c := e.login(e.tenant.Token(t))
	before := e.st.sets.Load()
	for i := 0; i < 50; i++ {
		e.clock.Advance(time.Second)
		if r := e.do("GET", "/api/private", cookieH(c)); r.code != 200 {
			t.Fatal(r.code)
		}
	}
	if got := e.st.sets.Load() - before; got != 0 {
		t.Errorf("%d writes within the first touch interval", got)
	}
	e.clock.Advance(15 * time.Second) // 65s after login
	e.do("GET", "/api/private", cookieH(c))
	e.do("GET", "/api/private", cookieH(c))
	if got := e.st.sets.Load() - before; got != 1 {
		t.Errorf("%d writes after one interval, want 1", got)
	}
}

func TestCapAtTokenExpiry(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{CapAtTokenExpiry: true, IdleTimeout: 2 * time.Hour})
	tok := e.tenant.Token(t, auth0test.ExpiresIn(time.Hour))
	r := e.do("POST", "/auth/session", map[string]string{"Authorization": "Bearer " + tok})
	exp, _ := time.Parse(time.RFC3339, r.body["expires_at"].(string))
	if d := exp.Sub(e.clock.Now()); d > time.Hour+time.Second || d < 58*time.Minute {
		t.Errorf("expires_at %v is not the token's exp", exp)
	}
	c := (&http.Response{Header: r.h}).Cookies()[0]
	e.clock.Advance(59 * time.Minute)
	if r := e.do("GET", "/api/private", cookieH(c)); r.code != 200 {
		t.Errorf("before exp: %d", r.code)
	}
	e.clock.Advance(2 * time.Minute)
	if r := e.do("GET", "/api/private", cookieH(c)); r.code != 401 {
		t.Errorf("after the token's exp: %d", r.code)
	}
}

func TestPingAndLogout(t *testing.T) {
	var loggedOut atomic.Value
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{
		OnLogout: func(_ context.Context, u *auth0gin.Auth0User) { loggedOut.Store(u.ID) },
	})
	c := e.login(e.tenant.Token(t))
	if r := e.do("POST", "/auth/ping", cookieH(c)); r.code != 204 {
		t.Errorf("ping: %d", r.code)
	}
	if r := e.do("POST", "/auth/ping", nil); r.code != 401 {
		t.Errorf("ping without cookie: %d", r.code)
	}
	r := e.do("POST", "/auth/logout", cookieH(c))
	if r.code != 204 {
		t.Fatalf("logout: %d %s", r.code, r.raw)
	}
	cleared := (&http.Response{Header: r.h}).Cookies()
	if len(cleared) != 1 || cleared[0].MaxAge >= 0 || cleared[0].Value != "" {
		t.Errorf("logout did not clear the cookie: %v", r.h["Set-Cookie"])
	}
	if loggedOut.Load() != devtenant.Alice.ID {
		t.Errorf("OnLogout got %v", loggedOut.Load())
	}
	if r := e.do("GET", "/api/private", cookieH(c)); r.code != 401 {
		t.Errorf("after logout: %d", r.code)
	}
	if r := e.do("POST", "/auth/ping", cookieH(c)); r.code != 401 {
		t.Errorf("ping after logout: %d", r.code)
	}
	// Logging out twice, or without a session, is fine.
	if r := e.do("POST", "/auth/logout", cookieH(c)); r.code != 204 {
		t.Errorf("second logout: %d", r.code)
	}
	if r := e.do("POST", "/auth/logout", nil); r.code != 204 {
		t.Errorf("logout without cookie: %d", r.code)
	}
}

func TestLogoutEverywhere(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{})
	a, b := e.login(e.tenant.Token(t)), e.login(e.tenant.Token(t))
	bob := e.login(e.tenant.Token(t, auth0test.User(devtenant.Bob.Email)))
	if r := e.do("POST", "/auth/logout-everywhere", cookieH(a)); r.code != 204 {
		t.Fatalf("logout everywhere: %d %s", r.code, r.raw)
	}
	for _, c := range []*http.Cookie{a, b} {
		if r := e.do("GET", "/api/private", cookieH(c)); r.code != 401 {
			t.Errorf("alice's session after logout everywhere: %d", r.code)
		}
	}
	if r := e.do("GET", "/api/private", cookieH(bob)); r.code != 200 {
		t.Errorf("bob's session: %d", r.code)
	}
}

func TestOnLoginRefuses(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{
		OnLogin: func(_ context.Context, u *auth0gin.Auth0User) error {
			if u.Email != nil && *u.Email == devtenant.Bob.Email {
				return context.Canceled // any error
			}
			return nil
		},
	})
	r := e.do("POST", "/auth/session", map[string]string{"Authorization": "Bearer " + e.tenant.Token(t, auth0test.User(devtenant.Bob.Email))})
	if r.code != 403 || r.body["error"] != "access_denied" || r.h.Get("Set-Cookie") != "" {
		t.Errorf("refused login: %d %v %s", r.code, r.h, r.raw)
	}
	e.login(e.tenant.Token(t))
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{LoginsPerMinute: 2})
	tok := e.tenant.Token(t)
	e.login(tok)
	e.login(tok)
	r := e.do("POST", "/auth/session", map[string]string{"Authorization": "Bearer " + tok})
	if r.code != 429 || r.h.Get("Retry-After") == "" || r.body["error"] != "too_many_requests" {
		t.Errorf("third login: %d %v %s", r.code, r.h, r.raw)
	}
	e.clock.Advance(61 * time.Second) // the next minute's window
	e.login(tok)
}

func TestCSRF(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{TrustedOrigins: []string{"http://app.example.test"}})
	c := e.login(e.tenant.Token(t))
	cases := []struct {
		name   string
		method string
		path   string
		h      map[string]string
		want   int
	}{
		{"cross-site form", "POST", "/auth/ping", with(cookieH(c), "Sec-Fetch-Site", "cross-site", "Origin", "http://evil.test"), 403},
		{"same-site other port", "POST", "/auth/ping", with(cookieH(c), "Sec-Fetch-Site", "same-site", "Origin", "http://127.0.0.1:1"), 403},
		{"old browser", "POST", "/api/private", with(cookieH(c), "Origin", "http://evil.test"), 403},
		{"logout", "POST", "/auth/logout", with(cookieH(c), "Sec-Fetch-Site", "cross-site", "Origin", "http://evil.test"), 403},
		{"trusted SPA", "POST", "/auth/ping", with(cookieH(c), "Sec-Fetch-Site", "cross-site", "Origin", "http://app.example.test"), 204},
		{"same origin", "POST", "/api/private", with(cookieH(c), "Sec-Fetch-Site", "same-origin"), 200},
		{"no browser headers", "POST", "/auth/ping", cookieH(c), 204},
		{"safe method", "GET", "/api/private", with(cookieH(c), "Sec-Fetch-Site", "cross-site", "Origin", "http://evil.test"), 200},
		{"bearer exempt", "POST", "/api/private", map[string]string{"Authorization": "Bearer " + e.tenant.Token(t), "Sec-Fetch-Site": "cross-site", "Origin": "http://evil.test"}, 200},
	}
	for _, tc := range cases {
		r := e.do(tc.method, tc.path, tc.h)
		if r.code != tc.want {
			t.Errorf("%s: %d %s", tc.name, r.code, r.raw)
		}
		if tc.want == 403 && (r.body["error"] != "csrf_rejected" || r.body["error_description"] == "") {
			t.Errorf("%s: body %s", tc.name, r.raw)
		}
	}
	// The refused logout did not end the session.
	if r := e.do("GET", "/api/private", cookieH(c)); r.code != 200 {
		t.Errorf("after refused logout: %d", r.code)
	}
}

func TestStoreDownIs503(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{LocalCacheTTL: -1})
	c := e.login(e.tenant.Token(t))
	tok := e.tenant.Token(t)
	e.st.down.Store(true)
	for _, req := range []struct{ method, path string }{{"GET", "/api/private"}, {"POST", "/auth/ping"}, {"POST", "/auth/logout"}} {
		r := e.do(req.method, req.path, cookieH(c))
		if r.code != 503 || r.h.Get("Retry-After") == "" || r.body["error"] != "temporarily_unavailable" {
			t.Errorf("%s %s with the store down: %d %v %s", req.method, req.path, r.code, r.h, r.raw)
		}
	}
	if r := e.do("POST", "/auth/session", map[string]string{"Authorization": "Bearer " + tok}); r.code != 503 || r.h.Get("Retry-After") == "" {
		t.Errorf("login with the store down: %d", r.code)
	}
	if r := e.do("GET", "/api/private", map[string]string{"Authorization": "Bearer " + tok}); r.code != 200 {
		t.Errorf("bearer with the store down: %d", r.code)
	}
	e.st.down.Store(false)
	if r := e.do("GET", "/api/private", cookieH(c)); r.code != 200 {
		t.Errorf("after recovery: %d", r.code)
	}
}

func TestTwoManagersShareLogout(t *testing.T) {
	st := newStore(t)
	tenant := auth0test.NewTenant(t)
	cfg := session.Config{KeyPrefix: "two:" + t.Name() + ":", LocalCacheTTL: time.Hour}
	a := newEnv(t, st, tenant, cfg)
	b := newEnv(t, st, tenant, cfg)
	c := a.login(tenant.Token(t))
	for _, e := range []*env{a, b} { // warm both local caches
		if r := e.do("GET", "/api/private", cookieH(c)); r.code != 200 {
			t.Fatalf("before logout: %d", r.code)
		}
	}
	if r := b.do("POST", "/auth/logout", cookieH(c)); r.code != 204 {
		t.Fatal(r.code)
	}
	deadline := time.Now().Add(100 * time.Millisecond)
	for {
		r := a.do("GET", "/api/private", cookieH(c))
		if r.code == 401 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("instance A still answers %d 100ms after the logout on B", r.code)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestConcurrentRequests(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{TouchInterval: time.Millisecond, IdleTimeout: time.Hour})
	c := e.login(e.tenant.Token(t))
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Go(func() {
			for j := 0; j < 20; j++ {
				e.clock.Advance(time.Millisecond)
				if r := e.do("GET", "/api/private", cookieH(c)); r.code != 200 {
					t.Errorf("%d %s", r.code, r.raw)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestNoSecretOrTokenLeaks(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{})
	tok := e.tenant.Token(t)
	c := e.login(tok)
	e.do("GET", "/api/private", cookieH(c))
	e.do("POST", "/auth/ping", with(cookieH(c), "Sec-Fetch-Site", "cross-site", "Origin", "http://evil.test"))
	e.do("GET", "/api/private", map[string]string{"Cookie": "auth0gin_session=" + strings.Repeat("B", 43)})
	e.do("POST", "/auth/logout", cookieH(c))
	e.do("GET", "/api/private", cookieH(c))
	all := e.seen.String() + e.logs.String()
	if e.logs.String() == "" {
		t.Fatal("no logs collected: the check would prove nothing")
	}
	for name, s := range map[string]string{"secret": c.Value, "token": tok, "signature": tok[strings.LastIndex(tok, ".")+1:]} {
		if strings.Contains(all, s) {
			t.Errorf("the %s appears in a response or log line", name)
		}
	}
}

func TestConfigRefusals(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	for name, cfg := range map[string]session.Config{
		"wildcard origin":  {TrustedOrigins: []string{"*"}},
		"origin with path": {TrustedOrigins: []string{"https://app.example.com/x"}},
		"cookie name":      {CookieName: "a b"},
		"touch too long":   {IdleTimeout: time.Minute, TouchInterval: time.Minute},
	} {
		if _, err := session.New(context.Background(), auth, newStore(t), cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestPublicOriginDecidesSecure(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	ac := tenant.Config()
	ac.PublicOrigin = "https://api.example.test" // the Auth0's, one for the guards and sessions
	e := newEnvAuth(t, newStore(t), tenant, ac, session.Config{})
	c := e.login(e.tenant.Token(t))
	if !c.Secure || c.Name != "__Host-auth0gin_session" {
		t.Errorf("https public origin: cookie %s, Secure %v", c.Name, c.Secure)
	}
	// Behind the proxy, Host is the proxy's upstream name; the public origin is trusted.
	r := e.do("POST", "/auth/ping", with(cookieH(c), "Sec-Fetch-Site", "same-origin", "Origin", "https://api.example.test"))
	if r.code != 204 {
		t.Errorf("same origin through the proxy: %d", r.code)
	}
	r = e.do("POST", "/auth/ping", with(cookieH(c), "Origin", "https://api.example.test"))
	if r.code != 204 {
		t.Errorf("old browser through the proxy: %d", r.code)
	}
}

func TestOtherCookiesDoNotMatter(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{})
	c := e.login(e.tenant.Token(t))
	h := map[string]string{"Cookie": `a="b c"; theme=dark; ` + c.Name + "=" + c.Value + "; x=\\y; =z"}
	if r := e.do("GET", "/api/private", h); r.code != 200 {
		t.Errorf("session cookie among odd ones: %d %s", r.code, r.raw)
	}
}

// stalling holds one Get of a session record (or of the first key holding
// key, when set) after it has read the value, as a slow store round trip
// would, until released.
type stalling struct {
	store.Store
	key     string // default "}:r", a session record
	armed   atomic.Bool
	read    chan struct{} // closed when the held Get has read its value
	release chan struct{}
}

func (s *stalling) Get(ctx context.Context, k string) ([]byte, error) {
	v, err := s.Store.Get(ctx, k)
	if strings.Contains(k, cmp.Or(s.key, "}:r")) && s.armed.CompareAndSwap(true, false) {
		close(s.read)
		<-s.release
	}
	return v, err
}

// A store read that began before a logout on another instance must not put
// the session back into this instance's cache once the logout's message has
// been handled.
func TestLogoutRacingAStoreRead(t *testing.T) {
	base := newStore(t)
	tenant := auth0test.NewTenant(t)
	cfg := session.Config{KeyPrefix: "race:", LocalCacheTTL: time.Hour}
	slow := &stalling{Store: base, read: make(chan struct{}), release: make(chan struct{})}
	a := newEnv(t, slow, tenant, cfg)
	b := newEnv(t, base, tenant, cfg)
	c := b.login(tenant.Token(t))

	slow.armed.Store(true)
	first := make(chan int)
	go func() { first <- a.do("GET", "/api/private", cookieH(c)).code }()
	<-slow.read // A has read the record, not yet cached it
	if r := b.do("POST", "/auth/logout", cookieH(c)); r.code != 204 {
		t.Fatalf("logout on B: %d", r.code)
	}
	time.Sleep(50 * time.Millisecond) // the logout message reaches A (same process: at once)
	close(slow.release)
	<-first // answered from what it read before the logout; either answer is fair
	if r := a.do("GET", "/api/private", cookieH(c)); r.code != 401 {
		t.Errorf("A answers %d after the logout: the racing read put the session back", r.code)
	}
}

// A browser may hold two cookies of the session's name (a host-only one and
// a Domain one, after CookieDomain changed), the stale one first.
func TestTwoSessionCookies(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{})
	live := e.login(e.tenant.Token(t))
	both := map[string]string{"Cookie": "auth0gin_session=" + strings.Repeat("Q", 43) + "; auth0gin_session=" + live.Value}
	if r := e.do("GET", "/api/private", both); r.code != 200 {
		t.Errorf("stale cookie first: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/auth/ping", both); r.code != 204 {
		t.Errorf("ping: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/auth/logout", both); r.code != 204 {
		t.Errorf("logout: %d %s", r.code, r.raw)
	}
	if r := e.do("GET", "/api/private", cookieH(live)); r.code != 401 {
		t.Errorf("after logout: %d", r.code)
	}
}

// Cookie tossing (issue 23, finding 2): a sibling site plants a cookie of
// the session's name with a longer Path or a parent Domain, which the
// browser sends before the victim's own. A request whose session cookies
// open sessions of different users is refused, in either order; two
// cookies of one user still work.
func TestTossedCookieOfAnotherUser(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{})
	alice := e.login(e.tenant.Token(t, auth0test.User("alice@example.com")))
	alice2 := e.login(e.tenant.Token(t, auth0test.User("alice@example.com")))
	bob := e.login(e.tenant.Token(t, auth0test.User("bob@example.com")))
	for name, line := range map[string]string{
		"bob first":         "auth0gin_session=" + bob.Value + "; auth0gin_session=" + alice.Value,
		"alice first":       "auth0gin_session=" + alice.Value + "; auth0gin_session=" + bob.Value,
		"bob thrice, alice": strings.Repeat("auth0gin_session="+bob.Value+"; ", 3) + "auth0gin_session=" + alice.Value,
		"unknown, bob, alice": "auth0gin_session=" + strings.Repeat("Q", 43) +
			"; auth0gin_session=" + bob.Value + "; auth0gin_session=" + alice.Value,
	} {
		for _, route := range []struct{ method, path string }{{"GET", "/api/private"}, {"GET", "/api/optional"}, {"POST", "/auth/ping"}} {
			r := e.do(route.method, route.path, map[string]string{"Cookie": line})
			if r.code != 401 || r.body["error"] != "invalid_token" || !strings.Contains(r.raw, "session cookies") ||
				!strings.Contains(r.h.Get("WWW-Authenticate"), `error="invalid_token"`) {
				t.Errorf("%s, %s %s: %d %s, want 401 invalid_token naming the session cookies", name, route.method, route.path, r.code, r.raw)
			}
		}
	}
	same := map[string]string{"Cookie": "auth0gin_session=" + alice2.Value + "; auth0gin_session=" + alice.Value}
	if r := e.do("GET", "/api/private", same); r.code != 200 || r.body["id"] != "auth0|alice" {
		t.Errorf("two cookies of one user: %d %s", r.code, r.raw)
	}
	// Each cookie alone still works: the refusal ended nothing.
	for _, c := range []*http.Cookie{alice, bob} {
		if r := e.do("GET", "/api/private", cookieH(c)); r.code != 200 {
			t.Errorf("%s alone after the refusals: %d", c.Value[:6], r.code)
		}
	}
}

// Every answer that carries a session is not stored by caches (RFC 6749
// §5.1's rule for tokens, issue 23): login, ping, logout; the device
// answers are checked in TestDeviceLoginAsCLI. Login reads no body: a
// large one changes nothing.
func TestSessionAnswersAreNotStored(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{})
	tok := e.tenant.Token(t)
	res, err := http.Post(e.srv.URL+"/auth/session", "application/x-www-form-urlencoded", strings.NewReader(strings.Repeat("a=b&", 5<<18)))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("a 5 MB body without a token: %d, want 401", res.StatusCode)
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/auth/session", strings.NewReader(strings.Repeat("a=b&", 5<<18)))
	req.Header.Set("Authorization", "Bearer "+tok)
	if res, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("login with a 5 MB body: %d %v", res.StatusCode, res.Header)
	}
	c := e.login(tok)
	for _, rt := range []struct{ method, path string }{{"POST", "/auth/session"}, {"POST", "/auth/ping"}, {"POST", "/auth/logout"}} {
		h := cookieH(c)
		if rt.path == "/auth/session" {
			h = bearer(tok)
		}
		if r := e.do(rt.method, rt.path, h); r.code >= 300 || r.h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s %s: %d, Cache-Control %q", rt.method, rt.path, r.code, r.h.Get("Cache-Control"))
		}
	}
}

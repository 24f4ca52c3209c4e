package session_test

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// limitEnv serves session login and device start on a default gin engine
// (whose ClientIP believes X-Forwarded-For from anyone) and sends requests
// from any peer address, on an injected clock.
type limitEnv struct {
	t   *testing.T
	r   *gin.Engine
	now time.Time
}

func newLimitEnv(t *testing.T, cfg session.Config) *limitEnv {
	t.Helper()
	gin.SetMode(gin.TestMode)
	e := &limitEnv{t: t, now: time.Unix(1_700_000_000, 0)}
	tenant := auth0test.NewTenant(t)
	ac := tenant.Config()
	ac.Logger = slog.New(slog.DiscardHandler)
	auth := auth0gin.MustNew(ac)
	st, err := store.Open(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	cfg.Now = func() time.Time { return e.now }
	cfg.KeyPrefix = "limit:" + t.Name() + ":"
	sess, err := session.New(t.Context(), auth, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sess.Close() })
	dev, err := sess.Device(session.DeviceConfig{Scopes: []string{"openid"}})
	if err != nil {
		t.Fatal(err)
	}
	e.r = gin.New()
	e.r.POST("/auth/session", sess.Login)
	e.r.POST("/auth/device", dev.Start)
	return e
}

// post sends path from peer with X-Forwarded-For xff (when not empty) and
// returns the status. A login without a token is 401 once past the limiter.
func (e *limitEnv) post(path, peer, xff string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = peer
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	w := httptest.NewRecorder()
	e.r.ServeHTTP(w, req)
	return w
}

// allowed sends n requests, the i-th from peer(i) with xff(i), and counts
// those not refused with 429; each refusal must carry Retry-After.
func (e *limitEnv) allowed(path string, n int, peer, xff func(i int) string) int {
	e.t.Helper()
	ok := 0
	for i := range n {
		w := e.post(path, peer(i), xff(i))
		if w.Code != http.StatusTooManyRequests {
			ok++
			continue
		}
		if w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "too_many_requests") {
			e.t.Fatalf("429 without Retry-After or code: %v %s", w.Header(), w.Body)
		}
	}
	return ok
}

func fixed(s string) func(int) string { return func(int) string { return s } }

// TestLimiterRotatingForwardedFor: finding 3 of issue 23. With the
// library's defaults, a client rotating X-Forwarded-For got 50 of 50
// logins: gin's ClientIP believes the header from anyone. The peer address
// counts now.
func TestLimiterRotatingForwardedFor(t *testing.T) {
	e := newLimitEnv(t, session.Config{})
	got := e.allowed("/auth/session", 50, fixed("203.0.113.9:4000"), func(i int) string { return fmt.Sprintf("198.51.100.%d", i+1) })
	if got != 10 {
		t.Errorf("%d of 50 logins with a rotating X-Forwarded-For allowed, want 10", got)
	}
}

// TestLimiterIPv6Slash64: rotating addresses inside one /64 got 50 of 50
// logins; a /64 is one client now.
func TestLimiterIPv6Slash64(t *testing.T) {
	e := newLimitEnv(t, session.Config{})
	got := e.allowed("/auth/session", 50, func(i int) string { return fmt.Sprintf("[2001:db8:1:2::%x]:443", i+1) }, fixed(""))
	if got != 10 {
		t.Errorf("%d of 50 logins from one /64 allowed, want 10", got)
	}
	if w := e.post("/auth/session", "[2001:db8:1:3::1]:443", ""); w.Code == http.StatusTooManyRequests {
		t.Error("the next /64 was refused")
	}
	// IPv4-mapped IPv6 is IPv4: its own address, not a /64 of ::ffff:0:0.
	if w := e.post("/auth/session", "[::ffff:192.0.2.1]:443", ""); w.Code == http.StatusTooManyRequests {
		t.Error("an IPv4-mapped address was refused")
	}
	// The next minute's window gives the budget back (the clock stands at
	// hh:mm:20; the counts are in the store, per clock minute).
	e.now = e.now.Add(40 * time.Second)
	if w := e.post("/auth/session", "[2001:db8:1:2::ffff]:443", ""); w.Code == http.StatusTooManyRequests {
		t.Errorf("refused after a token came back: %v", w.Header())
	}
}

// TestLimiterDeviceStartSlash64: 60 device starts from one /64 all went
// through, each a tenant call and a stored row; they share the logins'
// budget now.
func TestLimiterDeviceStartSlash64(t *testing.T) {
	e := newLimitEnv(t, session.Config{})
	got := e.allowed("/auth/device", 60, func(i int) string { return fmt.Sprintf("[2001:db8:7:7:%x::1]:443", i+1) }, fixed(""))
	if got != 10 {
		t.Errorf("%d of 60 device starts from one /64 allowed, want 10", got)
	}
}

// TestLimiterSlash48Tier: a client that owns a /48 rotates through its
// /64s; the /48 as a whole gets 4× one /64's budget.
func TestLimiterSlash48Tier(t *testing.T) {
	e := newLimitEnv(t, session.Config{})
	got := e.allowed("/auth/session", 200, func(i int) string { return fmt.Sprintf("[2001:db8:48:%x::1]:443", i+1) }, fixed(""))
	if got != 40 {
		t.Errorf("%d of 200 logins from 200 /64s of one /48 allowed, want 40", got)
	}
	if w := e.post("/auth/session", "[2001:db8:49::1]:443", ""); w.Code == http.StatusTooManyRequests {
		t.Error("the next /48 was refused")
	}
}

// TestLimiterTrustedProxies: behind a proxy the app names, the client is
// the right-most X-Forwarded-For address that is not a trusted proxy, so
// clients behind one proxy are counted apart and a forged left part of the
// header changes nothing. AUTH0GIN_TRUSTED_PROXIES sets the same list.
func TestLimiterTrustedProxies(t *testing.T) {
	t.Setenv("AUTH0GIN_TRUSTED_PROXIES", "10.0.0.0/8, ::1")
	t.Setenv("AUTH0GIN_LOGINS_PER_MINUTE", "3")
	cfg := session.FromEnv()
	if len(cfg.TrustedProxies) != 2 || cfg.LoginsPerMinute != 3 {
		t.Fatalf("FromEnv: %q %d", cfg.TrustedProxies, cfg.LoginsPerMinute)
	}
	e := newLimitEnv(t, cfg)
	proxy := fixed("10.1.1.1:5000")
	// One client behind the proxy, forging what is left of its address.
	got := e.allowed("/auth/session", 10, proxy, func(i int) string { return fmt.Sprintf("192.0.2.%d, 198.51.100.7", i) })
	if got != 3 {
		t.Errorf("%d of 10 from one client behind the proxy, want 3", got)
	}
	// Other clients behind the same proxy (and a chain of two) are apart.
	for i := range 5 {
		if w := e.post("/auth/session", "[::1]:5000", fmt.Sprintf("198.51.100.%d, 10.2.2.2", 20+i)); w.Code == http.StatusTooManyRequests {
			t.Errorf("client %d behind the proxies refused", i)
		}
	}
	// A peer that is no trusted proxy is counted itself, whatever it says.
	got = e.allowed("/auth/session", 10, fixed("203.0.113.1:1"), func(i int) string { return fmt.Sprintf("198.51.100.%d", 100+i) })
	if got != 3 {
		t.Errorf("%d of 10 from an untrusted peer, want 3", got)
	}
	t.Setenv("AUTH0GIN_TRUSTED_PROXIES", "proxy.internal")
	st, err := store.Open(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := session.New(t.Context(), auth0gin.MustNew(auth0test.NewTenant(t).Config()), st, session.FromEnv()); !errors.Is(err, auth0gin.ErrConfig) {
		t.Errorf("a host name as a trusted proxy: %v", err)
	}
}

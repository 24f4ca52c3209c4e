package session_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/session"
)

// userinfoScript stands in for the tenant's /userinfo: each token answers
// as scripted (a 429 with the given headers, or the user it names), and
// every call is counted per token. Other tenant requests go to the tenant.
type userinfoScript struct {
	mu      sync.Mutex
	limited map[string]http.Header // token → the 429's headers
	calls   map[string]int
}

func (s *userinfoScript) limit(token string, h http.Header) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limited[token] = h
}

func (s *userinfoScript) lift(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.limited, token)
}

func (s *userinfoScript) callsOf(token string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[token]
}

func (s *userinfoScript) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path != "/userinfo" {
		return http.DefaultTransport.RoundTrip(r)
	}
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	s.calls[token]++
	h, limited := s.limited[token]
	s.mu.Unlock()
	res := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Request: r}
	body := fmt.Sprintf(`{"sub":"auth0|%s","email":"%s@example.com"}`, token[:8], token[:8])
	if limited {
		res.StatusCode, res.Header, body = 429, h.Clone(), `{"error":"too_many_requests"}`
	}
	res.Body = http.NoBody
	if body != "" {
		res.Body = nopBody{strings.NewReader(body)}
	}
	return res, nil
}

// limitWindow is how long a token's 429 counts toward everyone's back-off.
const limitWindow = time.Minute

type nopBody struct{ *strings.Reader }

func (nopBody) Close() error { return nil }

// Finding 4 of issue 23: one user's /userinfo 429 held every opaque login
// for up to an hour. Now only that token waits, until X-RateLimit-Reset or
// Retry-After (bounded); everyone waits only after 3 distinct tokens drew a
// 429 within a minute, and then for a minute at most.
func TestOpaqueRateLimitIsPerToken(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	script := &userinfoScript{limited: map[string]http.Header{}, calls: map[string]int{}}
	clk := &clock{now: time.Unix(time.Now().Unix(), 0)}
	ac := tenant.Config()
	ac.HTTPClient = &http.Client{Transport: script}
	e := newEnvAuth(t, newStore(t), tenant, ac, session.Config{Now: clk.Now, LoginsPerMinute: -1,
		OpaqueTokens: &session.OpaqueConfig{Now: clk.Now, CacheTTL: time.Second}})
	tok := func(name string) string { return name + strings.Repeat("x", 43-len(name)) }
	login := func(token string) *resp { return e.do("POST", "/auth/session", bearer(token)) }
	reset := func(d time.Duration) http.Header {
		return http.Header{"X-Ratelimit-Reset": {strconv.FormatInt(clk.Now().Add(d).Unix(), 10)}, "X-Ratelimit-Remaining": {"0"}}
	}

	alice, bob := tok("alice000"), tok("bob00000")
	script.limit(alice, reset(30*time.Second))
	if r := login(alice); r.code != 429 || r.h.Get("Retry-After") != "30" || r.body["error"] != "too_many_requests" {
		t.Fatalf("alice's token drew a 429: %d %v %s, want 429 with Retry-After 30", r.code, r.h, r.raw)
	}
	if r := login(bob); r.code != 200 {
		t.Fatalf("bob after alice's 429: %d %s, want 200 (her limit is not his)", r.code, r.raw)
	}
	if r := login(alice); r.code != 429 || script.callsOf(alice) != 1 {
		t.Errorf("alice again within her reset: %d, %d calls, want 429 without asking", r.code, script.callsOf(alice))
	}
	clk.Advance(29 * time.Second)
	if r := login(alice); r.code != 429 || r.h.Get("Retry-After") != "1" || script.callsOf(alice) != 1 {
		t.Errorf("a second before her reset: %d Retry-After %q, %d calls", r.code, r.h.Get("Retry-After"), script.callsOf(alice))
	}
	clk.Advance(time.Second)
	script.lift(alice)
	if r := login(alice); r.code != 200 || script.callsOf(alice) != 2 {
		t.Errorf("alice at her reset: %d %s, %d calls", r.code, r.raw, script.callsOf(alice))
	}

	// Retry-After counts too; a reset far away is bounded.
	clk.Advance(limitWindow) // alice's 429 no longer counts toward everyone's
	carol, dave := tok("carol000"), tok("dave0000")
	script.limit(carol, http.Header{"Retry-After": {"7"}})
	if r := login(carol); r.code != 429 || r.h.Get("Retry-After") != "7" {
		t.Errorf("Retry-After 7: %d %q", r.code, r.h.Get("Retry-After"))
	}
	script.limit(dave, reset(48*time.Hour))
	if r := login(dave); r.code != 429 {
		t.Errorf("a reset two days away: %d", r.code)
	} else if s, _ := strconv.Atoi(r.h.Get("Retry-After")); s < 1 || s > 15*60 {
		t.Errorf("a reset two days away waits %q, want at most 15 minutes", r.h.Get("Retry-After"))
	}
	// carol and dave: two distinct tokens within a minute. Everyone else still logs in.
	if r := login(tok("erin0000")); r.code != 200 {
		t.Errorf("erin after two tokens' 429s: %d %s", r.code, r.raw)
	}
	// A third distinct token within the minute: now everyone waits, without a call.
	frank := tok("frank000")
	script.limit(frank, reset(10*time.Second))
	if r := login(frank); r.code != 503 || r.h.Get("Retry-After") == "" {
		t.Errorf("the third token's 429: %d %s, want 503 for everyone", r.code, r.raw)
	}
	grace := tok("grace000")
	if r := login(grace); r.code != 503 || script.callsOf(grace) != 0 {
		t.Errorf("grace during the global back-off: %d, %d calls, want 503 without asking", r.code, script.callsOf(grace))
	}
	if r := login(bob); r.code != 200 && r.code != 503 {
		t.Errorf("bob during the global back-off: %d", r.code)
	}
	clk.Advance(10 * time.Second)
	if r := login(grace); r.code != 200 {
		t.Errorf("grace after the global back-off: %d %s", r.code, r.raw)
	}

	// Three distinct 429s spread over more than a minute hold nobody else.
	clk.Advance(time.Hour)
	for i, name := range []string{"hank0000", "ivan0000", "judy0000"} {
		script.limit(tok(name), reset(5*time.Second))
		if r := login(tok(name)); r.code != 429 {
			t.Errorf("%s: %d, want 429 for that token only", name, r.code)
		}
		if i < 2 {
			clk.Advance(31 * time.Second)
		}
	}
	if r := login(tok("kate0000")); r.code != 200 {
		t.Errorf("kate after three 429s over 62 s: %d %s", r.code, r.raw)
	}
	if logs := e.logs.String(); strings.Contains(logs, alice) || strings.Contains(logs, bob) {
		t.Error("a log line holds a token")
	}
}

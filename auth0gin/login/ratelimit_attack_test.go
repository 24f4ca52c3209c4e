package login_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
)

// limited configures n attempts a minute behind the test's own client,
// a proxy on loopback whose X-Forwarded-For is believed, on clock now.
func limited(n int, now *time.Time) option {
	return func(c *login.Config) {
		c.LoginsPerMinute = n
		c.TrustedProxies = []string{"127.0.0.1", "::1"}
		c.Now = func() time.Time { return *now }
	}
}

// loginFrom logs in as user from ip, as the trusted proxy says.
func (h *harness) loginFrom(ip, user, password string) reply {
	h.t.Helper()
	b, _ := json.Marshal(map[string]string{"username": user, "password": password})
	req, _ := http.NewRequest("POST", h.srv.URL+"/auth/login", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", ip)
	return h.do(req)
}

// TestLoginUsernameAcrossAddresses: finding 3 of issue 23. Password login
// is limited per username too, across addresses: rotating the address
// gave a fresh budget for guessing one account's password.
func TestLoginUsernameAcrossAddresses(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	h := newHarness(t, nil, nil, limited(3, &now))
	for i := range 3 {
		if r := h.loginFrom(fmt.Sprintf("198.51.100.%d", i+1), "alice@example.com", "wrong"); r.status != 401 {
			t.Fatalf("attempt %d: %d %s", i, r.status, r.body)
		}
	}
	r := h.loginFrom("198.51.100.9", "Alice@Example.com", devtenant.Alice.Password)
	// hh:mm:20 by the clock: 40 s left of the minute's window.
	if r.status != 429 || r.errorCode(t) != "too_many_requests" || r.header.Get("Retry-After") != "40" {
		t.Fatalf("a fourth address for the same username: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	if r := h.loginFrom("198.51.100.9", devtenant.Bob.Email, devtenant.Bob.Password); r.status != 200 {
		t.Errorf("another username from that address: %d %s", r.status, r.body)
	}
	now = now.Add(40 * time.Second)
	if r := h.loginFrom("198.51.100.10", devtenant.Alice.Email, devtenant.Alice.Password); r.status != 200 {
		t.Errorf("after Retry-After: %d %s", r.status, r.body)
	}
}

// TestAccountExistenceParity: finding 8 of issue 23. Ten wrong passwords
// for an existing user gave 429 too_many_attempts (the tenant's brute-force
// protection), the same for an unknown user 401 invalid_grant, which told
// which accounts exist. Failures are counted per (username, address) for
// every name now, and both answers are alike, attempt by attempt.
func TestAccountExistenceParity(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	// The tenant lifts its brute-force blocks after an hour on its clock.
	clock := &tenantClock{base: time.Now().Add(-3 * time.Hour)}
	tenant := auth0test.NewTenant(t, func(c *devtenant.Config) { c.BruteForceBlockDuration = time.Hour }, auth0test.WithClock(clock.now))
	h := newHarness(t, tenant, nil, limited(-1, &now))
	type answer struct {
		status int
		body   string
		retry  string
	}
	run := func(user string) []answer {
		var out []answer
		for range 12 {
			r := h.loginFrom("203.0.113.77", user, "wrong")
			out = append(out, answer{r.status, string(r.body), r.header.Get("Retry-After")})
		}
		return out
	}
	known, unknown := run(devtenant.Alice.Email), run("nobody@example.com")
	for i := range known {
		if known[i] != unknown[i] {
			t.Errorf("attempt %d: known user %+v, unknown user %+v", i+1, known[i], unknown[i])
		}
		want := map[bool]int{true: 401, false: 429}[i < 10]
		if unknown[i].status != want {
			t.Errorf("attempt %d for an unknown user: %d, want %d", i+1, unknown[i].status, want)
		}
	}
	if !strings.Contains(unknown[10].body, `"too_many_attempts"`) {
		t.Errorf("11th attempt: %s", unknown[10].body)
	}
	// The pair is what counts: the unknown name from another address, and
	// another unknown name from that address, start again.
	if r := h.loginFrom("203.0.113.78", "nobody@example.com", "wrong"); r.status != 401 {
		t.Errorf("another address: %d", r.status)
	}
	if r := h.loginFrom("203.0.113.77", "nobody2@example.com", "wrong"); r.status != 401 {
		t.Errorf("another name: %d", r.status)
	}
	// A real user's right password, once the tenant lifts its block (an
	// hour, an unblock, a password reset), still logs in: past the
	// threshold the limiter still asks the tenant, and only turns its
	// "wrong password" into too_many_attempts.
	if r := h.loginFrom("203.0.113.77", devtenant.Alice.Email, devtenant.Alice.Password); r.status != 429 {
		t.Errorf("blocked at the tenant, right password: %d %s", r.status, r.body)
	}
	clock.shift.Add(int64(2 * time.Hour))
	if r := h.loginFrom("203.0.113.77", devtenant.Alice.Email, devtenant.Alice.Password); r.status != 200 {
		t.Errorf("after the tenant's unblock: %d %s", r.status, r.body)
	}
	if r := h.loginFrom("203.0.113.77", devtenant.Alice.Email, "wrong"); r.status != 401 {
		t.Errorf("a success clears the count: %d %s", r.status, r.body)
	}
}

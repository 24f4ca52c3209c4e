package devtenant_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

const tooMany = "Too many requests. Check the X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers."

func TestRateLimitHeadersAndFailNext(t *testing.T) {
	e := newEnv(t)
	r := e.get(t, ".well-known/jwks.json", "")
	for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
		if _, err := strconv.ParseInt(r.header.Get(h), 10, 64); err != nil {
			t.Errorf("%s = %q", h, r.header.Get(h))
		}
	}
	if reset, _ := strconv.ParseInt(r.header.Get("X-RateLimit-Reset"), 10, 64); reset <= e.clock.Now().Unix()-1 {
		t.Errorf("reset %d is not an epoch second ahead", reset)
	}
	e.FailNext(2)
	for range 2 {
		r = e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, "")
		wantOAuthError(t, r, 429, "too_many_requests", tooMany)
		if r.header.Get("X-RateLimit-Remaining") != "0" {
			t.Errorf("remaining %q", r.header.Get("X-RateLimit-Remaining"))
		}
	}
	wantStatus(t, e.password(t, devtenant.Alice.Email, devtenant.Alice.Password, ""), 200)
	// The Management API answers in its own shape.
	e.FailNext(1)
	r = e.mgmtDo(t, "GET", "users", "", "x")
	wantMgmtError(t, r, 429, "too_many_requests", tooMany)
}

func TestRateLimitEnforced(t *testing.T) {
	e := newEnv(t, func(c *devtenant.Config) { c.RateLimit = 2 })
	wantStatus(t, e.get(t, ".well-known/jwks.json", ""), 200)
	r := e.get(t, ".well-known/jwks.json", "")
	if r.status != 200 || r.header.Get("X-RateLimit-Remaining") != "0" || r.header.Get("X-RateLimit-Limit") != "2" {
		t.Fatalf("%d %v", r.status, r.header)
	}
	wantOAuthError(t, e.get(t, ".well-known/jwks.json", ""), 429, "too_many_requests", tooMany)
	e.clock.Advance(time.Second)
	wantStatus(t, e.get(t, ".well-known/jwks.json", ""), 200)
}

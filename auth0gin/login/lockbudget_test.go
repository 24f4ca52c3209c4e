package login_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
)

// stallingTransport calls the tenant. A refresh grant may first be made to
// hang until the request gives up (hang), or be sent and have its answer
// arrive late (late): the tenant has then rotated the refresh token whether
// or not the caller is still listening.
type stallingTransport struct {
	hang   chan struct{} // closed when a hanging refresh has started
	late   time.Duration
	isHang bool
}

func (s *stallingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	if form.Get("grant_type") != "refresh_token" {
		return http.DefaultTransport.RoundTrip(r)
	}
	if s.isHang {
		close(s.hang)
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	res, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	select {
	case <-time.After(s.late):
		return res, nil
	case <-r.Context().Done():
		res.Body.Close()
		return nil, r.Context().Err()
	}
}

// TestLockWinnerGetsFullBudget: instance A takes the refresh lock and its
// tenant call hangs until TenantTimeout; instance B, refreshing the same
// token, waits and then wins the lock. B's call to the tenant must have its
// whole TenantTimeout, not what is left of a budget spent waiting: a call
// cut short after the tenant rotated the refresh token leaves a spent token
// in the row, and the next refresh trips reuse detection, which revokes the
// whole login.
func TestLockWinnerGetsFullBudget(t *testing.T) {
	const lockTimeout, tenantTimeout = 3 * time.Second, 2 * time.Second
	timeouts := func(tr http.RoundTripper) option {
		return func(c *login.Config) {
			c.LockTimeout, c.TenantTimeout = lockTimeout, tenantTimeout
			c.HTTPClient = &http.Client{Transport: tr}
		}
	}
	st := newMemStore()
	trA := &stallingTransport{hang: make(chan struct{}), isHang: true}
	trB := &stallingTransport{late: 1200 * time.Millisecond}
	a := newHarness(t, nil, st, timeouts(trA))
	b := newHarness(t, a.tenant, st, timeouts(trB))
	tok := b.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t).AccessToken

	resA := make(chan reply, 1)
	go func() { resA <- a.refresh(tok) }()
	<-trA.hang // A holds the lock now
	rb := b.refresh(tok)
	if ra := <-resA; ra.status != http.StatusServiceUnavailable {
		t.Errorf("A, whose tenant call hung: %d %s", ra.status, ra.body)
	}
	if rb.status != http.StatusOK {
		t.Fatalf("B, which won the lock after A gave up: %d %s", rb.status, rb.body)
	}
	next := rb.answer(t).AccessToken
	trB.late = 0
	if r := b.refresh(next); r.status != http.StatusOK {
		t.Fatalf("refreshing B's new token: %d %s", r.status, r.body)
	}
	if s := a.tenant.Stats(); s.RefreshReuseRevocations != 0 {
		t.Errorf("reuse detection revoked the login: %+v", s)
	}
}

package login_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// TestTenantDownDuringRefresh: 503 with Retry-After and the row kept; after
// recovery the same access token refreshes.
func TestTenantDownDuringRefresh(t *testing.T) {
	h := newHarness(t, nil, nil)
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)

	h.tap.down.Store(true)
	r := h.refresh(a.AccessToken)
	if r.status != 503 || r.header.Get("Retry-After") == "" || r.errorCode(t) != "temporarily_unavailable" {
		t.Fatalf("tenant down: %d %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	h.tap.down.Store(false)

	h.tenant.FailNext(1) // the tenant's own 429 too_many_requests
	if r := h.refresh(a.AccessToken); r.status != 503 || r.header.Get("Retry-After") == "" {
		t.Fatalf("tenant rate limit: %d %s", r.status, r.body)
	}
	b := h.refresh(a.AccessToken).answer(t)
	if b.AccessToken == a.AccessToken {
		t.Fatal("no new token after recovery")
	}
	if s := h.tenant.Stats(); s.RefreshReuseRevocations != 0 {
		t.Errorf("reuse detection fired: %+v", s)
	}
}

// TestStoreDown: 503 with Retry-After for login, refresh and logout, and the
// row survives the outage.
func TestStoreDown(t *testing.T) {
	h := newHarness(t, nil, nil)
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	h.st.down.Store(true)
	for name, r := range map[string]reply{
		"login":   h.login(devtenant.Alice.Email, devtenant.Alice.Password),
		"refresh": h.refresh(a.AccessToken),
		"logout":  h.bearer("/auth/logout", a.AccessToken),
	} {
		if r.status != 503 || r.header.Get("Retry-After") == "" {
			t.Errorf("%s with the store down: %d %s", name, r.status, r.body)
		}
	}
	h.st.down.Store(false)
	h.refresh(a.AccessToken).answer(t)
	if s := h.tenant.Stats(); s.RefreshReuseRevocations != 0 || s.Grants["refresh_token"] != 1 {
		t.Errorf("tenant counters: %+v", s)
	}
}

// TestRefreshCost: a refresh is one tenant round trip and three store
// operations (the lock's Add, the row's Get, and one SetMany writing the new
// row and turning the old row into the grace answer); a login is the read
// of its (username, address) failure count and one Set (limits off here:
// with them, one Incr per tier more).
func TestRefreshCost(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.st.reset()
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	if ops := h.st.reset(); total(ops) != 2 || ops["Set"] != 1 || ops["Get"] != 1 {
		t.Errorf("login: %v", ops)
	}
	before := h.tenant.Stats()
	h.refresh(a.AccessToken).answer(t)
	ops := h.st.reset()
	t.Logf("store operations of one refresh: %v", ops)
	if total(ops) != 3 || ops["Add"] != 1 || ops["Get"] != 1 || ops["SetMany"] != 1 {
		t.Errorf("refresh: %v", ops)
	}
	after := h.tenant.Stats()
	calls := 0
	for g, n := range after.Grants {
		calls += n - before.Grants[g]
	}
	if calls != 1 {
		t.Errorf("%d tenant grants for one refresh", calls)
	}
}

// TestStoreFailsAfterRotation: the store failing to keep a refreshed token
// (after the tenant rotated it) is 503 with Retry-After; the new row and the
// grace answer were written together, so neither is, the spent old row is
// dropped (it would trip reuse detection) and the family is revoked.
func TestStoreFailsAfterRotation(t *testing.T) {
	st := newMemStore()
	h := newHarness(t, nil, st)
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	h.st.setManyDown.Store(true)
	if r := h.refresh(a.AccessToken); r.status != 503 || r.header.Get("Retry-After") == "" {
		t.Fatalf("refresh with the write failing: %d %s", r.status, r.body)
	}
	h.st.setManyDown.Store(false)
	if _, err := st.Get(context.Background(), rowKey(a.AccessToken)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the spent row was kept: %v", err)
	}
	if r := h.refresh(a.AccessToken); r.status != 401 {
		t.Errorf("refresh after the failed write: %d %s", r.status, r.body)
	}
	// The revocation runs in the background: wait for the tenant to count it.
	deadline := time.Now().Add(10 * time.Second)
	for h.tenant.Stats().RefreshRevocations != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the family was not revoked: %+v", h.tenant.Stats())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if s := h.tenant.Stats(); s.RefreshReuseRevocations != 0 {
		t.Errorf("reuse detection fired: %+v", s)
	}
}

// TestStoreHoldsCiphertext: the store holds no refresh token, nor an access
// token, in plaintext.
func TestStoreHoldsCiphertext(t *testing.T) {
	st := newMemStore()
	h := newHarness(t, nil, st)
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	b := h.refresh(a.AccessToken).answer(t)
	h.login(devtenant.Bob.Email, devtenant.Bob.Password).answer(t)
	dump := st.dump()
	noLeak(t, "the store", dump, h.tap.tokens())
	for _, at := range []string{a.AccessToken, b.AccessToken} {
		if contains(dump, at) {
			t.Error("an access token is stored in plaintext")
		}
	}
}

// TestRevokedAtTenant: a refresh token revoked at the tenant (by an admin,
// say) answers 401 invalid_grant, and the row is deleted.
func TestRevokedAtTenant(t *testing.T) {
	st := newMemStore()
	h := newHarness(t, nil, st)
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	form := url.Values{"client_id": {regularClientID}, "client_secret": {regularClientSecret}, "token": {h.tap.tokens()[0]}}
	res, err := http.PostForm(h.tenant.URL+"oauth/revoke", form)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("revoking at the tenant: %v %v", res, err)
	}
	res.Body.Close()
	if r := h.refresh(a.AccessToken); r.status != 401 || r.errorCode(t) != "invalid_token" || !contains(r.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Fatalf("refresh of a revoked token: %d %s", r.status, r.body)
	}
	if _, err := st.Get(context.Background(), rowKey(a.AccessToken)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the row was kept: %v", err)
	}
}

package login_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
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

// TestRefreshCost: a refresh is one tenant round trip and five store
// operations (the lock's Add, the row's Get, the new row's listing in the
// user's set, one SetMany writing the new row and turning the old row into
// the grace answer, and the old row's listing shortened); a login is the
// read of its (username, address) failure count, the row's listing and one
// Set (limits off here: with them, one Incr per tier more).
func TestRefreshCost(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.st.reset()
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	if ops := h.st.reset(); total(ops) != 3 || ops["Set"] != 1 || ops["Get"] != 1 || ops["AddMember"] != 1 {
		t.Errorf("login: %v", ops)
	}
	before := h.tenant.Stats()
	h.refresh(a.AccessToken).answer(t)
	ops := h.st.reset()
	t.Logf("store operations of one refresh: %v", ops)
	if total(ops) != 5 || ops["Add"] != 1 || ops["Get"] != 1 || ops["SetMany"] != 1 || ops["AddMember"] != 2 {
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
// (after the tenant rotated it: a failover, say) is 503 with Retry-After and
// never a logout: the new row and the grace answer were written together, so
// neither is, and the old row stays for the retry. The retry sends the old
// refresh token again: within the tenant's reuse interval (Auth0's "Reuse
// Interval") it refreshes; with none, the tenant's reuse detection ends the
// family, as revoking it here used to (issue 24: failover with nothing lost).
func TestStoreFailsAfterRotation(t *testing.T) {
	for _, tc := range []struct {
		name      string
		leeway    time.Duration
		retry     int
		reuseRevs int
	}{
		{"reuse interval", 30 * time.Second, 200, 0},
		{"no reuse interval", 0, 401, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tenant := auth0test.NewTenant(t, func(c *devtenant.Config) { c.RefreshReuseLeeway = tc.leeway })
			st := newMemStore()
			h := newHarness(t, tenant, st)
			a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
			h.st.setManyDown.Store(true)
			if r := h.refresh(a.AccessToken); r.status != 503 || r.header.Get("Retry-After") == "" {
				t.Fatalf("refresh with the write failing: %d %s", r.status, r.body)
			}
			h.st.setManyDown.Store(false)
			if _, err := st.Get(context.Background(), rowKey(a.AccessToken)); err != nil {
				t.Fatalf("the old row was not kept for the retry: %v", err)
			}
			r := h.refresh(a.AccessToken)
			if r.status != tc.retry {
				t.Fatalf("the retry: %d %s, want %d", r.status, r.body, tc.retry)
			}
			if s := h.tenant.Stats(); s.RefreshReuseRevocations != tc.reuseRevs || s.RefreshRevocations != 0 {
				t.Errorf("tenant: %+v, want %d reuse revocations and no revocation by the app", s, tc.reuseRevs)
			}
			if tc.retry == 200 {
				h.refresh(r.answer(t).AccessToken).answer(t) // the chain goes on
			}
		})
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

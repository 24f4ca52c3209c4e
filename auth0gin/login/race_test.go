package login_test

import (
	"sync"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// raceRefreshes logs in on the first instance, then fires perInstance
// concurrent refreshes of that one access token at each instance, and checks
// the tenant's counters: exactly one refresh grant, no reuse detection, and
// every caller got the same new access token.
func raceRefreshes(t *testing.T, hs []*harness, perInstance int) {
	t.Helper()
	tenant := hs[0].tenant
	a := hs[0].login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	before := tenant.Stats()

	n := perInstance * len(hs)
	got := make([]string, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r := hs[i%len(hs)].refresh(a.AccessToken)
			if r.status == 200 {
				got[i] = r.answer(t).AccessToken
			} else {
				t.Errorf("refresh %d: %d %s", i, r.status, r.body)
			}
		}()
	}
	close(start)
	wg.Wait()

	after := tenant.Stats()
	if d := after.Grants["refresh_token"] - before.Grants["refresh_token"]; d != 1 {
		t.Errorf("%d refresh grants at the tenant, want exactly 1", d)
	}
	if d := after.GrantErrors["refresh_token"] - before.GrantErrors["refresh_token"]; d != 0 {
		t.Errorf("%d refused refresh grants", d)
	}
	if after.RefreshReuseRevocations != before.RefreshReuseRevocations {
		t.Error("reuse detection revoked a family")
	}
	for i, tok := range got {
		if tok == "" || tok != got[0] {
			t.Fatalf("caller %d got another (or no) token than caller 0", i)
		}
	}
	if got[0] == a.AccessToken {
		t.Fatal("the refresh returned the old token")
	}
	// The new token works and refreshes once more (the family is alive).
	if r := hs[len(hs)-1].refresh(got[0]); r.status != 200 {
		t.Fatalf("refreshing the new token: %d %s", r.status, r.body)
	}
}

func TestRaceOneInstance(t *testing.T) {
	raceRefreshes(t, []*harness{newHarness(t, nil, nil)}, 20)
}

// twoInstances starts two instances on one tenant and one store.
func twoInstances(t *testing.T, st store.Store) []*harness {
	a := newHarness(t, nil, st)
	return []*harness{a, newHarness(t, a.tenant, st)}
}

func TestRaceTwoInstancesShareOneStore(t *testing.T) {
	raceRefreshes(t, twoInstances(t, newMemStore()), 10)
}

// TestRaceSameTokenAgain: a tenant that mints the same access token again
// (Auth0-style tokens without jti, same claims, same second, as the dev
// tenant on a real clock does): racing refreshes all succeed, one after the
// other, and reuse detection never fires.
func TestRaceSameTokenAgain(t *testing.T) {
	st := newMemStore()
	h := newHarness(t, auth0test.NewTenant(t), st)
	other := newHarness(t, h.tenant, st)
	// A token of the refresh grant, refreshed again within its second, comes
	// back the same (a login's token differs from it: its gty is password).
	a := h.refresh(h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t).AccessToken).answer(t)
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := []*harness{h, other}[i%2].refresh(a.AccessToken); r.status != 200 {
				t.Errorf("refresh: %d %s", r.status, r.body)
			}
		}()
	}
	wg.Wait()
	if s := h.tenant.Stats(); s.RefreshReuseRevocations != 0 || s.Grants["refresh_token"] < 1 {
		t.Errorf("tenant counters: %+v", s)
	}
}

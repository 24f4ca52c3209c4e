package management

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// 1,000 calls over 50 goroutines share one token fetch.
func TestOneTokenFetchForConcurrentCalls(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for g := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				id := devtenant.Alice.ID
				if (g+i)%2 == 1 {
					id = devtenant.Bob.ID
				}
				u, err := f.client.GetUser(ctx, id)
				if err == nil && u.ID != id {
					err = errors.New("wrong user " + u.ID)
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := f.wire.apiCalls.Load(); n != 1000 {
		t.Errorf("%d API calls, want 1000", n)
	}
	if n, g := f.wire.tokenFetches.Load(), f.tenant.Stats().Grants["client_credentials"]; n != 1 || g != 1 {
		t.Errorf("%d token fetches (the tenant counted %d grants) for 1,000 calls, want 1", n, g)
	}
}

// A token the API rejects (its signing key revoked) is fetched again once and
// the call retried once; when 50 calls are rejected at the same time, they
// still share one refetch.
func TestRejectedTokenRefetchedOnce(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	var rejected atomic.Int64
	f.wire.setMangle(func(_ *http.Request, res *http.Response) {
		if res.StatusCode == http.StatusUnauthorized {
			rejected.Add(1)
		}
	})
	revoke := func() {
		t.Helper()
		f.tenant.RotateKeys()
		_, _, prev := f.tenant.Keys()
		if err := f.tenant.RevokeKey(prev); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.client.GetUser(ctx, devtenant.Alice.ID); err != nil {
		t.Fatal(err)
	}

	revoke()
	calls := f.wire.apiCalls.Load()
	if _, err := f.client.GetUser(ctx, devtenant.Alice.ID); err != nil {
		t.Fatal(err)
	}
	if n := f.wire.tokenFetches.Load(); n != 2 {
		t.Errorf("%d token fetches, want 2 (the first and one refetch)", n)
	}
	if n, r := f.wire.apiCalls.Load()-calls, rejected.Load(); n != 2 || r != 1 {
		t.Errorf("%d API calls and %d rejections, want 2 and 1", n, r)
	}

	revoke()
	calls, rejected0 := f.wire.apiCalls.Load(), rejected.Load()
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.client.GetUser(ctx, devtenant.Alice.ID); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := f.wire.tokenFetches.Load(); n != 3 {
		t.Errorf("%d token fetches, want 3: one refetch for 50 concurrent calls", n)
	}
	// Each rejected call was retried once; calls that started after the
	// refetch went through at once.
	r := rejected.Load() - rejected0
	if n := f.wire.apiCalls.Load() - calls; r < 1 || n != 50+r {
		t.Errorf("%d API calls with %d rejections, want 50 + the rejections", n, r)
	}
	t.Logf("%d of 50 concurrent calls were rejected and retried", r)
}

// A token the API keeps refusing is not fetched in a loop: one refetch, one
// retry, then ErrUnauthorized.
func TestRejectedTwiceFails(t *testing.T) {
	f := newFixture(t, nil)
	f.wire.setOnAPI(func(r *http.Request) { r.Header.Del("Authorization") })
	_, err := f.client.GetUser(context.Background(), devtenant.Alice.ID)
	var e *Error
	if !errors.Is(err, ErrUnauthorized) || !errors.As(err, &e) || e.StatusCode != 401 {
		t.Fatalf("err = %v, want a 401 *Error matching ErrUnauthorized", err)
	}
	if n := f.wire.tokenFetches.Load(); n != 2 {
		t.Errorf("%d token fetches, want 2", n)
	}
	if n := f.wire.apiCalls.Load(); n != 2 {
		t.Errorf("%d API calls, want 2", n)
	}
}

// The token is reused until TokenMargin before it expires, then fetched again.
func TestTokenRenewedBeforeExpiry(t *testing.T) {
	f, ck := newClockFixture(t, time.Now(), nil)
	ctx := context.Background()
	get := func() {
		t.Helper()
		if _, err := f.client.GetUser(ctx, devtenant.Alice.ID); err != nil {
			t.Fatal(err)
		}
	}
	get()
	ck.Advance((24 * time.Hour) - defaultTokenMargin - 2*time.Second)
	get()
	if n := f.wire.tokenFetches.Load(); n != 1 {
		t.Fatalf("%d token fetches before the margin, want 1", n)
	}
	ck.Advance(4 * time.Second) // inside the last minute of the token's life
	get()
	get()
	if n := f.wire.tokenFetches.Load(); n != 2 {
		t.Errorf("%d token fetches after the margin, want 2", n)
	}
}

// A token shorter-lived than twice the margin is renewed half way.
func TestShortTokenRenewedHalfWay(t *testing.T) {
	cfg := devtenant.Default()
	cfg.APIs = append(cfg.APIs, devtenant.API{
		Identifier: "{issuer}api/v2/", RBAC: true, TokenLifetime: time.Minute,
		Scopes: []devtenant.Scope{{Name: "read:users"}, {Name: "create:users"}, {Name: "update:users"}, {Name: "delete:users"}},
	})
	f, ck := newClockFixture(t, time.Now(), nil, auth0test.WithConfig(cfg))
	ctx := context.Background()
	for _, step := range []time.Duration{0, 28 * time.Second, 4 * time.Second} {
		ck.Advance(step)
		if _, err := f.client.GetUser(ctx, devtenant.Alice.ID); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.wire.tokenFetches.Load(); n != 2 {
		t.Errorf("%d token fetches, want 2 (renewed after 30 s)", n)
	}
}

// A caller that gives up while the token is being fetched returns at once;
// the fetch goes on for the callers still waiting, and is not repeated.
func TestCallerGivesUpDuringFetch(t *testing.T) {
	f := newFixture(t, nil)
	arrived, release := make(chan struct{}), make(chan struct{})
	f.wire.onToken = func(*http.Request) {
		close(arrived)
		<-release
	}
	impatient, cancel := context.WithCancel(context.Background())
	gaveUp := make(chan error, 1)
	go func() {
		_, err := f.client.GetUser(impatient, devtenant.Alice.ID)
		gaveUp <- err
	}()
	<-arrived // the impatient caller started the fetch
	patient := make(chan error, 1)
	go func() {
		_, err := f.client.GetUser(context.Background(), devtenant.Bob.ID)
		patient <- err
	}()
	cancel()
	if err := <-gaveUp; !errors.Is(err, context.Canceled) {
		t.Errorf("the impatient caller: %v, want context.Canceled", err)
	}
	close(release)
	if err := <-patient; err != nil {
		t.Errorf("the patient caller: %v", err)
	}
	if n := f.wire.tokenFetches.Load(); n != 1 {
		t.Errorf("%d token fetches, want 1", n)
	}
}

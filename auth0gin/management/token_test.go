package management

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

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
				id := devtenant.AliceID
				if (g+i)%2 == 1 {
					id = devtenant.BobID
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
	if n := f.wire.tokenFetches.Load(); n != 1 {
		t.Errorf("%d token fetches for 1,000 calls, want 1", n)
	}
}

// A token the API rejects (its signing key revoked) is fetched again once and
// the call retried once, even when 50 calls were rejected at the same time.
func TestRejectedTokenRefetchedOnce(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	if _, err := f.client.GetUser(ctx, devtenant.AliceID); err != nil {
		t.Fatal(err)
	}
	f.tenant.RotateKeys()
	_, _, prev := f.tenant.Keys()
	if err := f.tenant.RevokeKey(prev); err != nil {
		t.Fatal(err)
	}
	calls := f.wire.apiCalls.Load()
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.client.GetUser(ctx, devtenant.AliceID); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := f.wire.tokenFetches.Load(); n != 2 {
		t.Errorf("%d token fetches, want 2 (the first and one refetch)", n)
	}
	if n := f.wire.apiCalls.Load() - calls; n != 100 {
		t.Errorf("%d API calls for 50 rejected calls, want 100 (each retried once)", n)
	}
}

// A token the API keeps refusing is not fetched in a loop: one refetch, one
// retry, then ErrUnauthorized.
func TestRejectedTwiceFails(t *testing.T) {
	f := newFixture(t, nil)
	f.wire.setOnAPI(func(r *http.Request) { r.Header.Del("Authorization") })
	_, err := f.client.GetUser(context.Background(), devtenant.AliceID)
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

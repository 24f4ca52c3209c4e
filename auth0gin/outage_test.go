package auth0gin_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/internal/testutil"
)

// blackHole is a tenant that accepts every request and never answers: each
// request waits until its client gives up. It counts requests and the most
// ever in flight at once.
type blackHole struct {
	requests, inFlight, maxInFlight atomic.Int64
}

func (b *blackHole) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.requests.Add(1)
	n := b.inFlight.Add(1)
	for {
		m := b.maxInFlight.Load()
		if n <= m || b.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	<-r.Context().Done()
	b.inFlight.Add(-1)
}

// tenantTimeout bounds each call to the tenant, as the default client does.
const tenantTimeout = 10 * time.Second

// bubbleConfig is a Config for a tenant served by h inside the bubble. The
// domain is never dialled.
func bubbleConfig(h http.Handler, logs *testutil.SyncBuffer) auth0gin.Config {
	return auth0gin.Config{
		Domain:     "http://127.0.0.1:9",
		Audience:   []string{testAudience},
		HTTPClient: &http.Client{Transport: handlerTransport{h}, Timeout: tenantTimeout},
		Logger:     slog.New(slog.NewTextHandler(logs, nil)),
	}
}

// A tenant that never answers: the first requests wait a bounded time, not
// the HTTP timeout; once a fetch has failed, requests answer 503 with
// Retry-After at once, one fetch at a time runs in the background, spaced by
// KeyMinRefetch with backoff; nothing claims to keep keys it never had.
func TestBlackHoleTenant(t *testing.T) {
	ti := newTestIssuer(t)
	tok := ti.token(t, map[string]any{"iss": "http://127.0.0.1:9/"}) // only its bytes matter
	synctest.Test(t, func(t *testing.T) {
		var hole blackHole
		var logs testutil.SyncBuffer
		a := mustNew(t, bubbleConfig(&hole, &logs))
		check503 := func(what string, err error) {
			t.Helper()
			var ae *auth0gin.AuthError
			if !errors.As(err, &ae) || ae.Status != http.StatusServiceUnavailable || ae.RetryAfter <= 0 ||
				!errors.Is(err, auth0gin.ErrKeysUnavailable) || !errors.Is(err, auth0gin.ErrUnavailable) {
				t.Fatalf("%s: got %v (%+v), want a 503 with Retry-After", what, err, ae)
			}
		}
		start := time.Now()
		_, err := a.Verify(t.Context(), tok)
		if waited := time.Since(start); waited > auth0gin.DefaultKeyFetchWait {
			t.Errorf("the first request waited %v, want at most %v", waited, auth0gin.DefaultKeyFetchWait)
		}
		check503("while the first fetch hangs", err)
		time.Sleep(tenantTimeout) // the first fetch times out
		synctest.Wait()
		for i := range 1000 {
			start := time.Now()
			_, err := a.Verify(t.Context(), tok)
			if waited := time.Since(start); waited != 0 {
				t.Fatalf("request %d after the failure waited %v", i, waited)
			}
			check503("after the failure", err)
			time.Sleep(100 * time.Millisecond)
		}
		if got := hole.maxInFlight.Load(); got != 1 {
			t.Errorf("%d fetches in flight at once, want 1", got)
		}
		// 100 s of requests: without backoff a fetch every KeyMinRefetch
		// (5 s) after each 10 s timeout; with it, fewer.
		if got := hole.requests.Load(); got < 2 || got > 8 {
			t.Errorf("%d fetch attempts in 110 s", got)
		}
		if strings.Contains(logs.String(), "keeping known keys") {
			t.Errorf("claims to keep keys it never had: %s", logs.String())
		}
		time.Sleep(tenantTimeout) // let the fetch in flight time out
	})
}

// A tenant that never answers, in its first seconds: the requests that come
// during the first fetch's KeyFetchWait wait until it ends, not a full
// KeyFetchWait each; once it has passed, while that fetch still hangs until
// the HTTP timeout, every request answers 503 with Retry-After at once.
func TestBlackHoleFailsFastFromTheFirstWait(t *testing.T) {
	ti := newTestIssuer(t)
	tok := ti.token(t, map[string]any{"iss": "http://127.0.0.1:9/"})
	synctest.Test(t, func(t *testing.T) {
		var hole blackHole
		var logs testutil.SyncBuffer
		a := mustNew(t, bubbleConfig(&hole, &logs))
		wait := auth0gin.DefaultKeyFetchWait
		verify := func() (time.Duration, error) {
			start := time.Now()
			_, err := a.Verify(t.Context(), tok)
			return time.Since(start), err
		}
		t0 := time.Now()
		first := make(chan time.Duration, 1)
		go func() { d, _ := verify(); first <- d }()
		time.Sleep(wait / 2)
		if d, err := verify(); d != wait/2 || !errors.Is(err, auth0gin.ErrKeysUnavailable) {
			t.Errorf("a request during the first wait waited %v (%v), want %v: until the fetch's KeyFetchWait ends", d, err, wait/2)
		}
		if d := <-first; d != wait {
			t.Errorf("the first request waited %v, want %v", d, wait)
		}
		for time.Since(t0) < tenantTimeout-wait {
			d, err := verify()
			var ae *auth0gin.AuthError
			if d != 0 || !errors.As(err, &ae) || ae.Status != http.StatusServiceUnavailable || ae.RetryAfter <= 0 {
				t.Fatalf("at %v, with the fetch still hanging: waited %v, %v", time.Since(t0), d, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if got := hole.requests.Load(); got != 1 {
			t.Errorf("%d fetches while the first hangs, want 1", got)
		}
		time.Sleep(tenantTimeout) // let the fetch in flight time out
	})
}

// Known keys keep serving while the tenant black-holes: no 5xx, no wait.
func TestBlackHoleWithKnownKeys(t *testing.T) {
	ti := newTestIssuer(t)
	synctest.Test(t, func(t *testing.T) {
		tok := ti.token(t, nil) // the bubble's clock dates it
		var hole blackHole
		var healthy atomic.Bool
		healthy.Store(true)
		tenant := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if healthy.Load() {
				ti.srv.Config.Handler.ServeHTTP(w, r)
				return
			}
			hole.ServeHTTP(w, r)
		})
		var logs testutil.SyncBuffer
		cfg := noCache(bubbleConfig(tenant, &logs))
		cfg.Domain = ti.srv.URL // the issuer the token names; still never dialled
		cfg.EmailClaim, cfg.RolesClaim = testEmailClaim, testRolesClaim
		cfg.KeyRefreshInterval = time.Minute
		a := mustNew(t, cfg)
		if _, err := a.Verify(t.Context(), tok); err != nil {
			t.Fatal(err)
		}
		healthy.Store(false)
		for i := range 600 { // 10 minutes of requests, a refresh hanging in most
			start := time.Now()
			if _, err := a.Verify(context.Background(), tok); err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
			if waited := time.Since(start); waited != 0 {
				t.Fatalf("request %d waited %v", i, waited)
			}
			time.Sleep(time.Second)
		}
		if hole.requests.Load() == 0 {
			t.Error("no refresh was attempted")
		}
		if !strings.Contains(logs.String(), "keeping known keys") {
			t.Errorf("the failed refresh was not logged: %s", logs.String())
		}
		time.Sleep(tenantTimeout) // let the fetch in flight time out
	})
}

package auth0gin_test

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/internal/testutil"
)

// noCache verifies every token in full, so key-set behaviour is observable.
func noCache(c auth0gin.Config) auth0gin.Config { c.DisableCache = true; return c }

func TestUnknownKidTriggersOneRefetch(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, noCache(ti.config()))
	if _, err := a.Verify(t.Context(), ti.token(t, nil)); err != nil {
		t.Fatal(err)
	}
	warm := ti.jwksHits.Load()
	kid := ti.addKey(t) // the tenant rotates to a key we have not seen
	if _, err := a.Verify(t.Context(), ti.sign(t, kid, nil)); err != nil {
		t.Fatalf("token signed with the new key: %v", err)
	}
	if got := ti.jwksHits.Load() - warm; got != 1 {
		t.Errorf("%d JWKS fetches for a new kid, want 1", got)
	}
}

func TestConcurrentNewKidSharesOneFetch(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, noCache(ti.config()))
	if _, err := a.Verify(t.Context(), ti.token(t, nil)); err != nil {
		t.Fatal(err)
	}
	warm := ti.jwksHits.Load()
	kid := ti.addKey(t)
	tok := ti.sign(t, kid, nil)
	release := ti.hold() // the fetch hangs until every request is in
	const n = 1000
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := a.Verify(t.Context(), tok)
			errs <- err
		})
	}
	release()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a request failed: %v", err)
		}
	}
	if got := ti.jwksHits.Load() - warm; got != 1 {
		t.Errorf("%d JWKS fetches for %d concurrent requests with a new kid, want 1", got, n)
	}
}

func TestRandomKidFloodIsRateLimited(t *testing.T) {
	ti := newTestIssuer(t)
	cfg := noCache(ti.config())
	cfg.KeyMinRefetch = time.Hour
	a := mustNew(t, cfg)
	if _, err := a.Verify(t.Context(), ti.token(t, nil)); err != nil {
		t.Fatal(err)
	}
	warm := ti.jwksHits.Load()
	for i := range 300 {
		_, err := a.Verify(t.Context(), ti.sign(t, fmt.Sprintf("random-%d", i), nil))
		if !errors.Is(err, auth0gin.ErrUnknownKey) {
			t.Fatalf("random kid: %v", err)
		}
	}
	if got := ti.jwksHits.Load() - warm; got != 0 {
		t.Errorf("%d JWKS fetches within one rate-limit interval, want 0", got)
	}
}

// TestKnownKeysNeverWaitOnAFetch: while a refresh hangs, requests whose key is
// known are answered (go-jwt-middleware's caching provider holds its lock
// during the fetch and would stall them all).
func TestKnownKeysNeverWaitOnAFetch(t *testing.T) {
	ti := newTestIssuer(t)
	cfg := noCache(ti.config())
	cfg.KeyRefreshInterval = time.Nanosecond // every request wants a refresh
	a := mustNew(t, cfg)
	if _, err := a.Verify(t.Context(), ti.token(t, nil)); err != nil {
		t.Fatal(err)
	}
	release := ti.hold()
	defer release()
	go func() { _, _ = a.Verify(t.Context(), ti.sign(t, "unknown", nil)) }() // waits on the held fetch
	done := make(chan error, 1)
	go func() {
		for i := range 50 {
			if _, err := a.Verify(t.Context(), ti.token(t, map[string]any{"jti": fmt.Sprint(i)})); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second): // a liveness guard, not a timing assert
		t.Fatal("requests with a known key waited on the key-set fetch")
	}
}

func TestStaleIfError(t *testing.T) {
	for _, mode := range []string{"5xx", "5xxjson", "garbage", "empty", "drop", "slow"} {
		t.Run(mode, func(t *testing.T) {
			ti := newTestIssuer(t)
			synctest.Test(t, func(t *testing.T) {
				cfg := ti.inBubble(noCache(ti.config()))
				cfg.KeyRefreshInterval = time.Nanosecond
				cfg.HTTPClient.Timeout = 200 * time.Millisecond
				a := mustNew(t, cfg)
				if _, err := a.Verify(t.Context(), ti.token(t, nil)); err != nil {
					t.Fatal(err)
				}
				delay := time.Duration(0)
				if mode == "slow" {
					delay = 2 * time.Second
				}
				ti.setMode(mode, delay)
				for i := range 30 {
					if _, err := a.Verify(t.Context(), ti.token(t, map[string]any{"jti": fmt.Sprint(i)})); err != nil {
						t.Fatalf("known key refused while the JWKS is %s: %v", mode, err)
					}
					time.Sleep(100 * time.Millisecond)
				}
				if ti.jwksHits.Load() < 2 {
					t.Errorf("no refresh was attempted")
				}
				// A new kid cannot be learnt from a broken tenant: a clean 401,
				// not a 503, since keys are held.
				_, err := a.Verify(t.Context(), ti.sign(t, "k-new", nil))
				var ae *auth0gin.AuthError
				if !errors.Is(err, auth0gin.ErrUnknownKey) || !errors.As(err, &ae) || ae.Status != 401 {
					t.Errorf("new kid while %s: %v", mode, err)
				}
				time.Sleep(delay) // let a slow answer in flight end
			})
		})
	}
}

// Known keys serve through an outage up to KeyMaxStale, then the answer is
// a 503; when the tenant is back the keys come back with the next fetch.
func TestStalenessIsBounded(t *testing.T) {
	ti := newTestIssuer(t)
	synctest.Test(t, func(t *testing.T) {
		cfg := ti.inBubble(noCache(ti.config()))
		cfg.KeyRefreshInterval, cfg.KeyMaxStale, cfg.KeyMinRefetch = time.Minute, time.Hour, time.Second
		a := mustNew(t, cfg)
		if _, err := a.Verify(t.Context(), ti.token(t, nil)); err != nil {
			t.Fatal(err)
		}
		ti.setMode("5xx", 0)
		time.Sleep(59 * time.Minute)
		if _, err := a.Verify(t.Context(), ti.token(t, map[string]any{"jti": "stale"})); err != nil {
			t.Fatalf("known keys within KeyMaxStale: %v", err)
		}
		time.Sleep(2 * time.Minute)
		_, err := a.Verify(t.Context(), ti.token(t, map[string]any{"jti": "late"}))
		var ae *auth0gin.AuthError
		if !errors.Is(err, auth0gin.ErrKeysUnavailable) || !errors.As(err, &ae) || ae.Status != 503 {
			t.Fatalf("keys older than KeyMaxStale still trusted: %v", err)
		}
		ti.setMode("", 0)
		time.Sleep(time.Minute)                                                  // past any backoff
		_, _ = a.Verify(t.Context(), ti.token(t, map[string]any{"jti": "kick"})) // starts the fetch; answered at once
		synctest.Wait()
		if _, err := a.Verify(t.Context(), ti.token(t, map[string]any{"jti": "back"})); err != nil {
			t.Fatalf("tenant back, keys not refetched: %v", err)
		}
	})
}

func TestRevokedKeyDisappearsAtNextRefresh(t *testing.T) {
	ti := newTestIssuer(t)
	synctest.Test(t, func(t *testing.T) {
		a := mustNew(t, ti.inBubble(noCache(ti.config())))
		kid := ti.addKey(t)
		defer ti.removeKey(kid)
		if _, err := a.Verify(t.Context(), ti.sign(t, kid, nil)); err != nil {
			t.Fatal(err)
		}
		ti.removeKey(kid)
		time.Sleep(2 * time.Millisecond) // past KeyMinRefetch
		_, _ = a.Verify(t.Context(), ti.sign(t, "trigger-a-refetch", nil))
		if _, err := a.Verify(t.Context(), ti.sign(t, kid, map[string]any{"jti": "2"})); !errors.Is(err, auth0gin.ErrUnknownKey) {
			t.Fatalf("revoked key still trusted: %v", err)
		}
	})
}

func TestStartsWhileTenantUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // connection refused from now on
	a, err := auth0gin.New(auth0gin.Config{Domain: "http://" + addr, Audience: []string{testAudience}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("New must not contact the tenant: %v", err)
	}
	ti := newTestIssuer(t)
	_, err = a.Verify(t.Context(), ti.token(t, map[string]any{"iss": "http://" + addr + "/"}))
	if !errors.Is(err, auth0gin.ErrKeysUnavailable) {
		t.Fatalf("got %v", err)
	}
	// No key to check the token with: the token may be fine, and a 401 would
	// make the client throw it away.
	var ae *auth0gin.AuthError
	if !errors.As(err, &ae) || ae.Status != 503 || ae.RetryAfter <= 0 {
		t.Fatalf("want a 503 AuthError with Retry-After, got %#v", err)
	}
}

// A jwks_uri carrying a user and password is refused (a JWKS is public: such
// a URL is a mistake or a trap), and the password reaches no log line.
func TestDiscoveredJWKSURIWithPasswordIsRefused(t *testing.T) {
	ti := newTestIssuer(t)
	uri := strings.Replace(ti.srv.URL, "http://", "http://jwks:s3cret@", 1) + "/elsewhere/jwks.json"
	ti.jwksURI.Store(&uri)
	var logs testutil.SyncBuffer
	cfg := ti.config()
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if _, err := mustNew(t, cfg).Verify(t.Context(), ti.token(t, nil)); err != nil {
		t.Fatal(err) // through the /.well-known/jwks.json fallback
	}
	if !strings.Contains(logs.String(), "discovery failed") || strings.Contains(logs.String(), "s3cret") {
		t.Errorf("want the refusal logged without the password: %q", logs.String())
	}
}

func TestDiscoveryFallsBackToWellKnownJWKS(t *testing.T) {
	ti := newTestIssuer(t)
	ti.noDiscovery.Store(true)
	a := mustNew(t, ti.config())
	if _, err := a.Verify(t.Context(), ti.token(t, nil)); err != nil {
		t.Fatal(err)
	}
}

func TestOutboundCallsAreBounded(t *testing.T) {
	ti := newTestIssuer(t)
	release := ti.hold() // the tenant never answers
	defer release()
	cfg := ti.config()
	cfg.HTTPClient = &http.Client{Timeout: 100 * time.Millisecond}
	a := mustNew(t, cfg)
	if _, err := a.Verify(t.Context(), ti.token(t, nil)); !errors.Is(err, auth0gin.ErrKeysUnavailable) {
		t.Fatalf("got %v", err)
	}
}

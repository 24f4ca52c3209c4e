package tenant

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// TestRotationUnderLoad: while clients call a running app with tokens of the
// tenant's current key, the tenant rotates its keys three times and revokes
// the previous one each time. Not one request fails.
func TestRotationUnderLoad(t *testing.T) {
	for _, cache := range []bool{true, false} {
		t.Run(fmt.Sprintf("cache=%v", cache), func(t *testing.T) {
			tenant := auth0test.NewTenant(t, func(c *devtenant.Config) { c.Logger = slog.New(slog.DiscardHandler) })
			cfg := tenant.Config()
			cfg.DisableCache = !cache
			// Rotations come faster here than any real tenant's; let the app
			// refetch for each one.
			cfg.KeyMinRefetch = 10 * time.Millisecond
			cfg.Logger = slog.New(slog.DiscardHandler)
			auth := auth0gin.MustNew(cfg)

			gin.SetMode(gin.ReleaseMode)
			r := gin.New()
			r.GET("/api/private-scoped", auth.RequireScopes("read:messages"), func(c *gin.Context) {
				c.JSON(http.StatusOK, gin.H{"id": auth0gin.MustUser(c).ID})
			})
			app := httptest.NewServer(r)
			defer app.Close()

			var ok, failed atomic.Int64
			var firstFailure atomic.Value
			ctx, stop := context.WithCancel(t.Context())
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Go(func() {
					for i := 0; ctx.Err() == nil && i < 5000; i++ {
						// Tokens a client got from the tenant a moment ago: signed
						// by whichever key is current now.
						tok, err := tenant.IssueToken(context.Background(), devtenant.TokenRequest{
							User: devtenant.Alice.Email, Claims: map[string]any{"https://example.com/n": fmt.Sprint(w, "-", i)},
						})
						if err != nil {
							t.Error(err)
							return
						}
						req, _ := http.NewRequest(http.MethodGet, app.URL+"/api/private-scoped", nil)
						req.Header.Set("Authorization", "Bearer "+tok)
						res, err := http.DefaultClient.Do(req)
						if err != nil {
							t.Error(err)
							return
						}
						_, _ = io.Copy(io.Discard, res.Body)
						res.Body.Close()
						if res.StatusCode == http.StatusOK {
							ok.Add(1)
						} else {
							failed.Add(1)
							firstFailure.CompareAndSwap(nil, fmt.Sprintf("%d %s", res.StatusCode, res.Header.Get("WWW-Authenticate")))
						}
					}
				})
			}
			for range 3 {
				waitFor(t, &ok, ok.Load()+50)
				_, _, before := tenant.Keys()
				tenant.RotateKeys()
				waitFor(t, &ok, ok.Load()+50)
				if _, _, prev := tenant.Keys(); prev != "" && prev != before {
					if err := tenant.RevokeKey(prev); err != nil {
						t.Fatal(err)
					}
				}
			}
			waitFor(t, &ok, ok.Load()+50)
			stop()
			wg.Wait()
			t.Logf("%d requests answered 200 across 3 rotations and revocations", ok.Load())
			if n := failed.Load(); n > 0 {
				t.Errorf("%d requests failed across key rotation; first: %v", n, firstFailure.Load())
			}
		})
	}
}

// waitFor waits until n requests have succeeded, so that each rotation
// happens under traffic; it is bounded so a stuck run fails instead of hanging.
func waitFor(t *testing.T, ok *atomic.Int64, n int64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for ok.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d requests succeeded", ok.Load(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

package login_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
)

// recordingCache is the core's memory cache, recording what is forgotten.
type recordingCache struct {
	auth0gin.TokenCache
	mu        sync.Mutex
	forgotten []string
}

func (c *recordingCache) Delete(ctx context.Context, token string) {
	c.mu.Lock()
	c.forgotten = append(c.forgotten, token)
	c.mu.Unlock()
	c.TokenCache.Delete(ctx, token)
}

// TestLogoutForgetsToken: logout drops the access token from the
// validated-token cache, whatever the row held.
func TestLogoutForgetsToken(t *testing.T) {
	tenant := newTenant(t)
	cache := &recordingCache{TokenCache: auth0gin.NewMemoryCache(100, 1<<20)}
	cfg := tenant.Config()
	cfg.Cache = cache
	auth := auth0gin.MustNew(cfg)
	keys, _ := login.ParseKeys(keyA)
	m := mustNew(auth, newMemStore(), login.Config{
		ClientID: devtenant.RegularClient.ID, ClientSecret: devtenant.RegularClient.Secret, Keys: keys,
	})
	ctx := context.Background()
	a, _, err := m.PasswordLogin(ctx, devtenant.Alice.Email, devtenant.Alice.Password, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.Verify(ctx, a.AccessToken); err != nil { // now cached
		t.Fatal(err)
	}
	if err := m.LogoutToken(ctx, a.AccessToken); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(cache.forgotten, a.AccessToken) {
		t.Error("logout did not forget the token in the validated-token cache")
	}
	if s := tenant.Stats(); s.RefreshRevocations != 1 {
		t.Errorf("tenant counters: %+v", s)
	}
}

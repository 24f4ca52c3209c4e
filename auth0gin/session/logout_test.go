package session_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/session"
)

// forgetting is a token cache that records which users were forgotten.
type forgetting struct {
	auth0gin.TokenCache
	mu    sync.Mutex
	users []string
}

func (f *forgetting) DeleteUser(ctx context.Context, id string) {
	f.mu.Lock()
	f.users = append(f.users, id)
	f.mu.Unlock()
	f.TokenCache.DeleteUser(ctx, id)
}

func TestLogoutForgetsTokensAndRunsEnders(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	cache := &forgetting{TokenCache: auth0gin.NewMemoryCache(100, 1<<20)}
	ac := tenant.Config()
	ac.Cache = cache
	auth := auth0gin.MustNew(ac)
	sess, err := session.New(t.Context(), auth, newStore(t), session.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var ended []string
	fail := false
	ender := func(c *gin.Context) error {
		ended = append(ended, c.GetHeader("Authorization"))
		if fail {
			return errors.New("refresh store down")
		}
		return nil
	}
	r := gin.New()
	r.POST("/auth/session", sess.Login)
	r.POST("/auth/logout", sess.LogoutHandler(ender))
	e := &env{t: t, tenant: tenant, srv: httptest.NewServer(r), seen: &seenLog{}}
	defer e.srv.Close()

	c := e.login(tenant.Token(t))
	if r := e.do("POST", "/auth/logout", with(cookieH(c), "Authorization", "Bearer x")); r.code != 204 {
		t.Fatalf("logout: %d %s", r.code, r.raw)
	}
	if len(ended) != 1 || ended[0] != "Bearer x" {
		t.Errorf("the ender saw %v", ended)
	}
	cache.mu.Lock()
	forgot := append([]string(nil), cache.users...)
	cache.mu.Unlock()
	if len(forgot) == 0 || forgot[0] != devtenant.Alice.ID {
		t.Errorf("the validated-token cache forgot %v, want alice", forgot)
	}
	fail = true
	if r := e.do("POST", "/auth/logout", nil); r.code != 503 || r.h.Get("Retry-After") == "" {
		t.Errorf("a failing ender: %d %v", r.code, r.h)
	}
}

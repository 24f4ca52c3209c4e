package session_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
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

func (f *forgetting) DeleteUser(ctx context.Context, issuer, id string) {
	f.mu.Lock()
	f.users = append(f.users, id)
	f.mu.Unlock()
	f.TokenCache.DeleteUser(ctx, issuer, id)
}

// ender records the tokens POST /auth/logout hands it.
type ender struct {
	mu    sync.Mutex
	ended []string
	fail  bool
}

func (e *ender) LogoutToken(_ context.Context, token string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ended = append(e.ended, token)
	if e.fail {
		return errors.New("refresh store down")
	}
	return nil
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
	auth.Attach(sess)
	end := &ender{}
	r := gin.New()
	sess.Mount(auth.Router(r), end)
	e := &env{t: t, tenant: tenant, srv: httptest.NewServer(r), seen: &seenLog{}}
	defer e.srv.Close()

	c := e.login(tenant.Token(t))
	if r := e.do("POST", "/auth/logout", with(cookieH(c), "Authorization", "Bearer x")); r.code != 204 {
		t.Fatalf("logout: %d %s", r.code, r.raw)
	}
	if len(end.ended) != 1 || end.ended[0] != "x" {
		t.Errorf("the ender saw %v", end.ended)
	}
	cache.mu.Lock()
	forgot := append([]string(nil), cache.users...)
	cache.mu.Unlock()
	if len(forgot) == 0 || forgot[0] != devtenant.Alice.ID {
		t.Errorf("the validated-token cache forgot %v, want alice", forgot)
	}
	// Without a bearer token there is nothing of the ender's to end.
	if r := e.do("POST", "/auth/logout", nil); r.code != 204 || len(end.ended) != 1 {
		t.Errorf("a cookie-only logout: %d, the ender saw %v", r.code, end.ended)
	}
	// Nor with another scheme.
	if r := e.do("POST", "/auth/logout", with(nil, "Authorization", "Basic eDp5")); r.code != 204 || len(end.ended) != 1 {
		t.Errorf("a Basic logout: %d, the ender saw %v", r.code, end.ended)
	}
	end.fail = true
	c = e.login(tenant.Token(t))
	if r := e.do("POST", "/auth/logout", with(cookieH(c), "Authorization", "Bearer y")); r.code != 503 || r.h.Get("Retry-After") == "" ||
		strings.Contains(r.raw, "refresh store down") || len(r.h.Values("Set-Cookie")) != 0 {
		t.Errorf("a failing ender: %d %v %s", r.code, r.h, r.raw)
	}
}

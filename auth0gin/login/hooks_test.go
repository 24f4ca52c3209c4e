package login_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
)

// TestSessionHook: a configured SessionStarter sees the verified user and
// may set its cookie on the login's answer; its failure fails the login and
// leaves no refresh token held.
func TestSessionHook(t *testing.T) {
	var seen *auth0gin.Auth0User
	fail := false
	h := newHarness(t, nil, nil, func(c *login.Config) {
		c.Sessions = sessionFunc(func(c *gin.Context, u *auth0gin.Auth0User) error {
			if fail {
				return auth0gin.Unavailable("session store down", 0, errors.New("boom"))
			}
			seen = u
			http.SetCookie(c.Writer, &http.Cookie{Name: "auth0gin_session", Value: "s", HttpOnly: true})
			return nil
		})
	})
	r := h.login(devtenant.Alice.Email, devtenant.Alice.Password)
	r.answer(t)
	if seen == nil || seen.ID != devtenant.Alice.ID || r.header.Get("Set-Cookie") == "" {
		t.Fatalf("hook: user %+v, Set-Cookie %q", seen, r.header.Get("Set-Cookie"))
	}
	fail = true
	r = h.login(devtenant.Alice.Email, devtenant.Alice.Password)
	if r.status != 503 || r.header.Get("Retry-After") == "" {
		t.Fatalf("a failing hook: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	if s := h.tenant.Stats(); s.RefreshRevocations != 1 {
		t.Errorf("the refresh token of a failed login was not revoked: %+v", s)
	}
}

// TestLogoutToken: what package session's POST /auth/logout calls with the
// request's Bearer token ends the token's refresh row, and reports an
// outage as a 503 that wraps auth0gin.ErrUnavailable.
func TestLogoutToken(t *testing.T) {
	h := newHarness(t, nil, nil)
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	if err := h.m.LogoutToken(t.Context(), "not-a-token-we-hold"); err != nil {
		t.Errorf("a token held nowhere: %v", err)
	}
	h.st.down.Store(true)
	var le *login.Error
	if err := h.m.LogoutToken(t.Context(), a.AccessToken); !errors.As(err, &le) || le.Status != 503 || !errors.Is(err, auth0gin.ErrUnavailable) {
		t.Errorf("store down: %v", err)
	}
	h.st.down.Store(false)
	if err := h.m.LogoutToken(t.Context(), a.AccessToken); err != nil {
		t.Fatal(err)
	}
	if r := h.refresh(a.AccessToken); r.status != 401 {
		t.Errorf("refresh after LogoutToken: %d", r.status)
	}
}

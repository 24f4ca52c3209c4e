package session_test

import (
	"os"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/session"
)

// SESSION_PUBLIC_ORIGIN, read by package session before the public origin
// moved to the core, still gives the cookie Secure and the __Host- prefix on
// the path a real app takes: auth0gin.FromEnv() (which reads it as the
// deprecated alias of AUTH0GIN_PUBLIC_ORIGIN) and session.FromEnv(). The
// tenant's Config stands in for the rest of auth0gin.FromEnv().
func TestSessionPublicOriginEnvKeepsSecureCookie(t *testing.T) {
	t.Setenv("AUTH0GIN_PUBLIC_ORIGIN", "")
	os.Unsetenv("AUTH0GIN_PUBLIC_ORIGIN")
	t.Setenv("SESSION_PUBLIC_ORIGIN", "https://app.example.com")
	tenant := auth0test.NewTenant(t)
	ac := tenant.Config()
	ac.PublicOrigin = auth0gin.FromEnv().PublicOrigin
	e := newEnvAuth(t, newStore(t), tenant, ac, session.FromEnv())
	c := e.login(tenant.Token(t))
	if !c.Secure || c.Name != "__Host-auth0gin_session" {
		t.Errorf("with SESSION_PUBLIC_ORIGIN=https://app.example.com the cookie is %q, Secure=%v, want __Host-auth0gin_session, Secure", c.Name, c.Secure)
	}
}

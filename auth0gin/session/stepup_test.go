package session_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/session"
)

// A session keeps the auth_time of the token it was made from: a session
// made 10 minutes ago is challenged on a 5-minute route exactly as its
// token would be, through the cookie, and passes after a new login.
func TestSessionStepUp(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	e := newEnv(t, newStore(t), tenant, session.Config{IdleTimeout: time.Hour, MaxLifetime: 3 * time.Hour})
	r := gin.New()
	r.POST("/auth/session", e.sess.Login)
	r.GET("/api/danger", e.auth.Require(auth0gin.MaxAge(5*time.Minute), auth0gin.AuthContext("mfa")), func(c *gin.Context) {
		c.JSON(200, gin.H{"id": auth0gin.MustUser(c).ID})
	})
	e.srv = httptest.NewServer(r)
	t.Cleanup(e.srv.Close)

	now := e.clock.Now()
	e.clock.Advance(-10 * time.Minute) // the session is made 10 minutes ago...
	old := e.login(tenant.Token(t, auth0test.Authenticated(now.Add(-10*time.Minute), "", "pwd", "mfa")))
	e.clock.Advance(10 * time.Minute) // ...and used now
	res := e.do("GET", "/api/danger", cookieH(old))
	wantCh := `Bearer realm="` + e.auth.Config().Realm + `", error="insufficient_user_authentication", error_description="a login within the last 300 seconds is required", acr_values="http://schemas.openid.net/pape/policies/2007/06/multi-factor", max_age=300`
	if res.code != 401 || res.h.Get("WWW-Authenticate") != wantCh ||
		res.body["error"] != "insufficient_user_authentication" || res.body["max_age"] != float64(300) ||
		res.body["acr_values"] != "http://schemas.openid.net/pape/policies/2007/06/multi-factor" {
		t.Fatalf("old session: %d %q %s", res.code, res.h.Get("WWW-Authenticate"), res.raw)
	}
	// The same challenge as the token it was made from.
	tok := tenant.Token(t, auth0test.Authenticated(now.Add(-10*time.Minute), "", "pwd", "mfa"))
	if byToken := e.do("GET", "/api/danger", map[string]string{"Authorization": "Bearer " + tok}); byToken.code != 401 || byToken.h.Get("WWW-Authenticate") != wantCh || byToken.raw != res.raw {
		t.Errorf("token: %d %q %s", byToken.code, byToken.h.Get("WWW-Authenticate"), byToken.raw)
	}
	// A new login with MFA: the new session passes.
	fresh := e.login(tenant.Token(t, auth0test.Authenticated(e.clock.Now(), "", "pwd", "mfa")))
	if res := e.do("GET", "/api/danger", cookieH(fresh)); res.code != 200 {
		t.Errorf("after the step-up: %d %s", res.code, res.raw)
	}
	// A fresh login without MFA is challenged for the context alone.
	weak := e.login(tenant.Token(t, auth0test.Authenticated(e.clock.Now(), "", "pwd")))
	if res := e.do("GET", "/api/danger", cookieH(weak)); res.code != 401 || !strings.Contains(res.raw, "stronger authentication") {
		t.Errorf("without mfa: %d %s", res.code, res.raw)
	}
}

package session_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/session"
)

// CORS answers the trusted origins (credentials allowed, their own origin
// echoed, never "*"), and leaves every other origin without CORS headers so
// that the CSRF check answers an unsafe request with the cookie.
func TestCORSTrustsOnlyTrustedOrigins(t *testing.T) {
	const spa = "https://spa.example.com"
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{TrustedOrigins: []string{spa}})
	r := gin.New()
	r.Use(e.sess.CORS())
	r.POST("/auth/ping", e.sess.Ping)
	cookie := e.login(e.tenant.Token(t))
	cookie.Name = "__Host-auth0gin_session" // the name at https://api.example.com, where these requests go

	preflight := func(origin string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodOptions, "/auth/ping", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		return w
	}
	if w := preflight(spa); w.Header().Get("Access-Control-Allow-Origin") != spa || w.Header().Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("trusted preflight: %d %v", w.Code, w.Header())
	}
	if w := preflight("https://evil.example"); w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("untrusted preflight got CORS headers: %v", w.Header())
	}

	ping := func(origin string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "https://api.example.com/auth/ping", nil)
		req.Header.Set("Origin", origin)
		req.AddCookie(cookie)
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		return w
	}
	if w := ping(spa); w.Code != http.StatusNoContent || w.Header().Get("Access-Control-Allow-Origin") != spa ||
		!strings.Contains(w.Header().Get("Access-Control-Expose-Headers"), "Www-Authenticate") {
		t.Errorf("trusted ping: %d %v", w.Code, w.Header())
	}
	if w := ping("https://evil.example"); w.Code != http.StatusForbidden || w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("untrusted ping: %d %v, want 403 csrf_rejected without CORS headers", w.Code, w.Header())
	}
}

// With no trusted origins, CORS adds nothing.
func TestCORSWithoutTrustedOrigins(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{})
	r := gin.New()
	r.Use(e.sess.CORS())
	r.GET("/x", func(c *gin.Context) { c.Status(http.StatusOK) })
	req := httptest.NewRequest(http.MethodGet, "/x", nil)
	req.Header.Set("Origin", "https://spa.example.com")
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	if w.Code != http.StatusOK || w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("%d %v", w.Code, w.Header())
	}
}

// Behind a proxy that forwards a loopback Host (nginx's default), with no
// public origin the cookie would be the development one, without Secure or
// __Host-: the manager says so once in its log (review of issue 23).
func TestProxiedLoopbackWithoutPublicOriginWarns(t *testing.T) {
	e := newEnv(t, newStore(t), auth0test.NewTenant(t), session.Config{})
	r := gin.New()
	r.POST("/auth/session", e.sess.Login)
	for range 2 {
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/auth/session", nil)
		req.Header.Set("Authorization", "Bearer "+e.tenant.Token(t))
		req.Header.Set("X-Forwarded-Proto", "https")
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			t.Fatalf("login: %d %s", w.Code, w.Body)
		}
	}
	if n := strings.Count(e.logs.String(), "no public origin"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, e.logs.String())
	}
}

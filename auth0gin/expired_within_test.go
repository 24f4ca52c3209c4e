package auth0gin_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
)

// A refresh route's guard: an expired token within the window passes, one
// past it or a forged one does not, a session-style credential source is not
// consulted, and the route's docs say what it takes.
func TestExpiredWithinGuard(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	cookieUser := &auth0gin.Auth0User{ID: "auth0|cookie"}
	auth.Attach(alwaysSource{cookieUser})

	r := gin.New()
	api := auth.Router(r)
	api.POST("/refresh", auth.Require(auth0gin.ExpiredWithin(24*time.Hour)), func(c *gin.Context) {
		c.String(http.StatusOK, auth0gin.MustUser(c).ID)
	})
	call := func(token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/refresh", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		return w
	}

	old := tenant.Token(t, auth0test.Expired()) // an hour past exp
	if w := call(old); w.Code != http.StatusOK || w.Body.String() != "auth0|alice" {
		t.Fatalf("expired within the window: %d %q", w.Code, w.Body)
	}
	if w := call(tenant.Token(t)); w.Code != http.StatusOK {
		t.Fatalf("a valid token: %d", w.Code)
	}
	if w := call(old[:len(old)-4] + "AAAA"); w.Code != http.StatusUnauthorized {
		t.Fatalf("a forged expired token: %d", w.Code)
	}
	if w := call(""); w.Code != http.StatusUnauthorized {
		t.Fatalf("no bearer token (a credential source would have answered): %d %q", w.Code, w.Body)
	}
	// The expired token was not cached: the ordinary guard still refuses it.
	if _, err := auth.Verify(t.Context(), old); err == nil {
		t.Fatal("ExpiredWithin put an expired token in the cache")
	}
	narrow := gin.New()
	narrow.POST("/refresh", auth.Require(auth0gin.ExpiredWithin(30*time.Minute)), func(c *gin.Context) { c.Status(http.StatusOK) })
	req := httptest.NewRequest(http.MethodPost, "/refresh", nil)
	req.Header.Set("Authorization", "Bearer "+old)
	w := httptest.NewRecorder()
	narrow.ServeHTTP(w, req)
	if w.Code != http.StatusUnauthorized {
		t.Fatalf("expired past the window: %d", w.Code)
	}

	ops := auth.Operations()
	if len(ops) != 1 || ops[0].ExpiredWithin != 24*time.Hour || ops[0].Optional {
		t.Fatalf("operations %+v", ops)
	}
}

// alwaysSource is a credential source that knows every request's user, as a
// session cookie on every request would.
type alwaysSource struct{ u *auth0gin.Auth0User }

func (s alwaysSource) Authenticate(*http.Request) (*auth0gin.Auth0User, error) { return s.u, nil }

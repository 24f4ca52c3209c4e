package login_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/internal/verified"
)

// A refresh costs exactly one signature verification: mounted by Mount, its
// guard (ExpiredWithin) verifies the token and the handler takes the user
// from it; mounted by hand with no guard, the handler verifies. Not parallel:
// the counter sees every verification in the process.
func TestRefreshVerifiesOnce(t *testing.T) {
	h := newHarness(t, nil, nil)
	var n atomic.Int64
	verified.OnSignature(func() { n.Add(1) })
	t.Cleanup(func() { verified.OnSignature(nil) })

	r := gin.New()
	h.m.Mount(h.auth.Router(r))
	mounted := func(tok string) string {
		req := httptest.NewRequest(http.MethodPost, "/auth/refresh", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		return reply{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}.answer(t).AccessToken
	}
	tok := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t).AccessToken
	for i := range 3 {
		n.Store(0)
		if i%2 == 0 {
			tok = mounted(tok)
		} else {
			tok = h.refresh(tok).answer(t).AccessToken // the handler alone
		}
		if got := n.Load(); got != 1 {
			t.Fatalf("refresh %d: %d signature verifications, want 1", i, got)
		}
	}
	// A guard laxer than the handler (a longer ExpiredWithin) lends it nothing.
	lax := gin.New()
	lax.POST("/auth/refresh", h.auth.Require(auth0gin.ExpiredWithin(1<<62)), h.m.Refresh)
	n.Store(0)
	req := httptest.NewRequest(http.MethodPost, "/auth/refresh", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	lax.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || n.Load() != 2 {
		t.Fatalf("behind a laxer guard: %d, %d verifications, want 200 and 2", rec.Code, n.Load())
	}
}

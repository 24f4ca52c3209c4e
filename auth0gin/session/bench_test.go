package session_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/session"
)

// BenchmarkRequest compares one hot session request with the same route
// without auth and with a hot bearer token, in process (no network).
func BenchmarkRequest(b *testing.B) {
	tenant := auth0test.NewTenant(b)
	auth := auth0gin.MustNew(tenant.Config())
	sess, err := session.New(b.Context(), auth, newStore(b), session.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer sess.Close()
	auth.Attach(sess)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	ok := func(c *gin.Context) { c.JSON(200, gin.H{"message": "hello"}) }
	r.GET("/bare", ok)
	r.GET("/guarded", auth.RequireScopes("read:messages"), ok)
	r.POST("/auth/session", sess.Login)

	token := tenant.Token(b)
	login := httptest.NewRequest("POST", "/auth/session", nil)
	login.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, login)
	cookie := w.Result().Cookies()[0]

	for _, bc := range []struct {
		name string
		path string
		h    http.Header
	}{
		{"bare-gin", "/bare", http.Header{}},
		{"session-cookie", "/guarded", http.Header{"Cookie": {cookie.Name + "=" + cookie.Value}}},
		{"bearer", "/guarded", http.Header{"Authorization": {"Bearer " + token}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", bc.path, nil)
			req.Header = bc.h
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				r.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
			}
		})
	}
}

package session_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/internal/benchpair"
)

// BenchmarkRequest compares one hot session request with the same route
// without auth and with a hot bearer token, in process (no network).
func BenchmarkRequest(b *testing.B) {
	r, arms := sessionArms(b)
	for _, a := range arms {
		b.Run(a.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", a.path, nil)
			req.Header = a.h
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

// BenchmarkPaired is BenchmarkRequest's session and bearer requests, each
// against bare Gin in interleaved rounds (see internal/benchpair), with
// the ratio's spread. CI runs it with -benchtime 1x as a smoke test.
func BenchmarkPaired(b *testing.B) {
	r, arms := sessionArms(b)
	var pa []benchpair.Arm
	for _, a := range arms {
		req := httptest.NewRequest("GET", a.path, nil)
		req.Header = a.h
		pa = append(pa, benchpair.Arm{Name: a.name, Call: func(b *testing.B, _ int) {
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if w.Code != 200 {
				b.Fatalf("%s: %d %s", a.name, w.Code, w.Body)
			}
		}})
	}
	benchpair.Run(b, 0, pa[0], pa[1:]...)
}

type sessionArm struct {
	name string
	path string
	h    http.Header
}

// sessionArms serves one route bare, and guarded with a session on the
// in-memory store; the arms are bare Gin (first), a hot session cookie and
// a hot bearer token.
func sessionArms(b *testing.B) (*gin.Engine, []sessionArm) {
	tenant := auth0test.NewTenant(b)
	auth := auth0gin.MustNew(tenant.Config())
	sess, err := session.New(b.Context(), auth, newStore(b), session.Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = sess.Close() })
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
	return r, []sessionArm{
		{"bare-gin", "/bare", http.Header{}},
		{"session-cookie", "/guarded", http.Header{"Cookie": {cookie.Name + "=" + cookie.Value}}},
		{"bearer", "/guarded", http.Header{"Authorization": {"Bearer " + token}}},
	}
}

package login_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// FuzzHandlers drives the login and refresh handlers (with a real dev
// tenant behind them) with arbitrary input: every answer is a JSON error
// with a 4xx status, never a 5xx or a panic.
func FuzzHandlers(f *testing.F) {
	h := newHarness(f, nil, nil)
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.POST("/auth/login", h.m.Login)
	r.POST("/auth/refresh", h.m.Refresh)
	f.Add("application/json", `{"username":"alice@example.com","password":"wrong"}`, "Bearer eyJhbGciOiJSUzI1NiJ9.e30.x")
	f.Add("application/x-www-form-urlencoded", "username=a&password=b", "Bearer a.b.c")
	f.Add("text/plain", "x", "Basic eDp5")
	f.Fuzz(func(t *testing.T, ct, body, auth string) {
		for _, path := range []string{"/auth/login", "/auth/refresh"} {
			req := httptest.NewRequest("POST", path, strings.NewReader(body))
			req.Header["Content-Type"] = []string{ct}
			req.Header["Authorization"] = []string{auth}
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if w.Code < 400 || w.Code >= 500 || !strings.HasPrefix(w.Body.String(), `{"error":"`) {
				if w.Code == http.StatusOK && path == "/auth/login" {
					continue // a real user's credentials
				}
				t.Fatalf("%s: %d %s", path, w.Code, w.Body)
			}
		}
	})
}

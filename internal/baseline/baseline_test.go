package baseline

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

// The floor admits its one token with its scope, hands the verdict to the
// handler, and refuses anything else: a benchmark arm that let every request
// through would measure less than a guard.
func TestFloor(t *testing.T) {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.GET("/read", Floor("tok", "read:messages", "read:messages"), func(c *gin.Context) {
		if _, ok := c.Request.Context().Value(floorKey{}).(*floorVerdict); !ok {
			t.Error("the handler has no verdict")
		}
		c.Status(http.StatusOK)
	})
	r.GET("/write", Floor("tok", "read:messages", "write:messages"), func(c *gin.Context) { c.Status(http.StatusOK) })
	for _, tc := range []struct {
		path, auth string
		want       int
	}{
		{"/read", "Bearer tok", http.StatusOK},
		{"/read", "Bearer other", http.StatusUnauthorized},
		{"/read", "Basic tok", http.StatusUnauthorized},
		{"/read", "", http.StatusUnauthorized},
		{"/write", "Bearer tok", http.StatusForbidden},
	} {
		req := httptest.NewRequest(http.MethodGet, tc.path, nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%s with %q: %d, want %d", tc.path, tc.auth, rec.Code, tc.want)
		}
	}
}

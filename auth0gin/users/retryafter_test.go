package users_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/users"
)

// TestRetryAfterBounded: /userinfo rate-limited with an absurd Retry-After
// (a broken or hostile answer, or one that overflowed a Duration) must not
// tell the browser to stay away for decades: the 503's Retry-After is
// bounded to an hour.
func TestRetryAfterBounded(t *testing.T) {
	tenant := newTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	for _, v := range []string{"20000000000", "86400000"} {
		ui := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", v)
			w.WriteHeader(http.StatusTooManyRequests)
		}))
		t.Cleanup(ui.Close)
		res := newResolver(t, users.Config[users.User]{Store: sqliteStore(t), Profiles: users.UserinfoSource(ui.URL)})
		w := get(api(auth, res), tenant.Token(t, auth0test.Claims(map[string]any{"name": nil})))
		secs, err := strconv.ParseInt(w.Header().Get("Retry-After"), 10, 64)
		if w.Code != http.StatusServiceUnavailable || err != nil || secs < 1 || secs > 3600 {
			t.Errorf("Retry-After %s from /userinfo: %d, Retry-After %q", v, w.Code, w.Header().Get("Retry-After"))
		}
	}
}

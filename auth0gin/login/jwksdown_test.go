package login_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
)

type cutTransport struct{ down atomic.Bool }

func (c *cutTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if c.down.Load() {
		return nil, errors.New("dial tcp: connection refused")
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestRefreshWhileKeysUnreachable: an instance that cannot fetch the
// tenant's signing keys (the tenant is down as it starts, or its keys went
// stale during an outage) cannot check the token. That is an outage: 503
// with Retry-After, and the row kept. A 401 told the client to throw its
// login away.
func TestRefreshWhileKeysUnreachable(t *testing.T) {
	h := newHarness(t, nil, nil)
	tok := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t).AccessToken

	// A second instance on the same store, started while the tenant is down.
	cut := &cutTransport{}
	cut.down.Store(true)
	cfg := h.tenant.Config()
	cfg.HTTPClient = &http.Client{Transport: cut}
	auth := auth0gin.MustNew(cfg)
	keys, _ := login.ParseKeys(keyA + "," + keyB)
	m := mustNew(auth, h.st, login.Config{
		ClientID: regularClientID, ClientSecret: regularClientSecret, Keys: keys, KeyPrefix: "login-test:",
		HTTPClient: &http.Client{Transport: cut}, LoginsPerMinute: -1,
	})
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.POST("/auth/refresh", m.Refresh)
	req, _ := http.NewRequest("POST", "/auth/refresh", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || w.Header().Get("WWW-Authenticate") != "" {
		t.Fatalf("keys unreachable: %d Retry-After %q WWW-Authenticate %q %s", w.Code, w.Header().Get("Retry-After"), w.Header().Get("WWW-Authenticate"), w.Body)
	}
	// The row was kept: once the tenant is back, the refresh works.
	cut.down.Store(false)
	if got := h.refresh(tok); got.status != http.StatusOK {
		t.Fatalf("after recovery: %d %s", got.status, got.body)
	}
}

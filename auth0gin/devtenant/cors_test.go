package devtenant_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestCORS(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest("OPTIONS", e.url+"oauth/token", nil)
	req.Header.Set("Origin", "http://127.0.0.1:6060")
	req.Header.Set("Access-Control-Request-Method", "POST")
	r := do(t, nil, req)
	if r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != "http://127.0.0.1:6060" {
		t.Errorf("preflight %d %v", r.status, r.header)
	}
	// Swagger UI's token request carries X-Requested-With: a preflight that
	// does not allow it makes the browser drop the PKCE code exchange.
	allowed := strings.ToLower(r.header.Get("Access-Control-Allow-Headers"))
	for _, h := range []string{"content-type", "authorization", "x-requested-with"} {
		if !strings.Contains(allowed, h) {
			t.Errorf("preflight does not allow %s: %q", h, allowed)
		}
	}
	req.Header.Set("Origin", "https://evil.example")
	if r := do(t, nil, req); r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("evil origin allowed")
	}
}

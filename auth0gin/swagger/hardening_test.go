package swagger_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/swagger"
)

// #11.1: gin-swagger took its static-file prefix from the first request, so
// a first request for /docs/evil/x/index.html broke the UI until restart.
func TestFirstRequestCannotBreakUI(t *testing.T) {
	srv := newServer(t, swagger.Handler(newAuth(t, "https://tenant.eu.auth0.com"), newSpec(t.Name())))
	if res, _ := get(t, srv, "/docs/evil/x/index.html"); res.StatusCode != http.StatusNotFound {
		t.Errorf("nested path: %d, want 404", res.StatusCode)
	}
	for _, p := range []string{"/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/docs/swagger-ui-standalone-preset.js",
		"/docs/oauth2-redirect.html", "/docs/index.html", "/docs/index.css", "/docs/swagger-initializer.js", "/docs/favicon-32x32.png"} {
		if res, body := get(t, srv, p); res.StatusCode != http.StatusOK || len(body) == 0 {
			t.Errorf("%s after a hostile first request: %d", p, res.StatusCode)
		}
	}
	// Same when the first request is the redirect page, and on another mount.
	srv2 := newServer(t, swagger.Handler(newAuth(t, "https://tenant.eu.auth0.com"), newSpec(t.Name())))
	for _, p := range []string{"/docs/oauth2-redirect.html", "/docs/../docs/x/swagger-ui.css", "/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js"} {
		res, _ := get(t, srv2, p)
		if want := http.StatusOK; strings.Contains(p, "/x/") {
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", p, res.StatusCode)
			}
		} else if res.StatusCode != want {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
}

// #11.2: the UI is served with a CSP, no framing and no Referer.
func TestSecurityHeaders(t *testing.T) {
	srv := newServer(t, swagger.Handler(newAuth(t, "https://tenant.eu.auth0.com"), newSpec(t.Name())))
	for _, p := range []string{"/docs/index.html", "/docs/oauth2-redirect.html", "/docs/swagger-initializer.js", "/docs/doc.json", "/docs/swagger-ui-bundle.js"} {
		res, _ := get(t, srv, p)
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		if h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "'unsafe-eval'") {
			t.Errorf("%s headers: %v", p, h)
		}
		if p == "/docs/index.html" && (!strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") ||
			!strings.Contains(csp, "connect-src 'self' https://tenant.eu.auth0.com")) {
			t.Errorf("index.html CSP %q", csp)
		}
		if p == "/docs/oauth2-redirect.html" && !strings.Contains(csp, "script-src 'sha256-") {
			t.Errorf("oauth2-redirect.html CSP %q: its inline script needs its hash", csp)
		}
	}
}

// #11.2: the client id is written into a script as a JS string, escaped.
func TestClientIDIsJSEscaped(t *testing.T) {
	a := newAuthWithClient(t, `x";alert(1);//</script><script>alert(2)</script>`+"\u2028")
	srv := newServer(t, swagger.Handler(a, newSpec(t.Name())))
	_, body := get(t, srv, "/docs/swagger-initializer.js")
	if strings.Contains(body, `"x";alert(1)`) || strings.Contains(body, "</script>") || strings.Contains(body, "\u2028") {
		t.Fatalf("client id not escaped:\n%s", body)
	}
	if !strings.Contains(body, `const defaultClientId = "x\";alert(1);//\u003c/script\u003e\u003cscript\u003ealert(2)\u003c/script\u003e\u2028";`) {
		t.Fatalf("client id not a JS string:\n%s", body)
	}
}

func newAuthWithClient(t *testing.T, clientID string) *auth0gin.Auth0 {
	t.Helper()
	a, err := auth0gin.New(auth0gin.Config{Domain: "https://tenant.eu.auth0.com", Audience: []string{"https://api.example/"}, ClientID: clientID})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Odd paths get a 4xx, never a 5xx or a file from elsewhere.
func TestOddPaths(t *testing.T) {
	srv := newServer(t, swagger.Handler(newAuth(t, "https://tenant.eu.auth0.com"), newSpec(t.Name())))
	for _, p := range []string{"/docs/%00", "/docs/..%2f..%2fetc%2fpasswd", "/docs/doc.json/x", "/docs/nope.js", "/docs/index.html%00",
		"/docs/" + strings.Repeat("a", 5000), "/docs/.%2e/swagger-ui.css", "/docs//swagger-ui.css"} {
		res, _ := get(t, srv, p)
		if res.StatusCode < 400 || res.StatusCode >= 500 {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
}

package auth0gin_test

import (
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/internal/testutil"
)

// A captured, unused proof for GET /api/orders does not pass on another
// handler through a request path with dot segments, which Gin routes
// literally: the guard does not normalise them away on the request side.
func TestDPoPDotSegmentsMatchNoProof(t *testing.T) {
	e := newDPoPEnv(t, nil)
	r := gin.New()
	var hit string
	r.GET("/api/orders", e.a.Require(), func(c *gin.Context) { hit = "orders"; userJSON(c) })
	r.GET("/api/files/*path", e.a.Require(), func(c *gin.Context) { hit = "files:" + c.Param("path"); userJSON(c) })
	r.GET("/api/users/:id/orders", e.a.Require(), func(c *gin.Context) { hit = "user orders, id " + c.Param("id"); userJSON(c) })
	for _, target := range []string{"/api/files/../orders", "/api/users/%2e%2e/orders", "/api/files/./../orders"} {
		hit = ""
		p := proof(t, e.key, "GET", dpopOrigin+"/api/orders", e.bound, nil)
		if a := send(t, r, "GET", target, "Authorization", "DPoP "+e.bound, "DPoP", p); !a.refusedWith("invalid_dpop_proof") {
			t.Errorf("a proof for /api/orders sent to %s: %d %v (handler %q), want 401 invalid_dpop_proof", target, a.code, a.body, hit)
		}
	}
	// The proof's own htu is still normalised in full.
	p := proof(t, e.key, "GET", dpopOrigin+"/api/files/../orders", e.bound, nil)
	if a := send(t, r, "GET", "/api/orders", "Authorization", "DPoP "+e.bound, "DPoP", p); !a.ok() {
		t.Errorf("a proof whose htu has dot segments, sent to their normalised path: %d %v", a.code, a.body)
	}
}

// The htu refusal does not echo the URI the server computed, which behind
// a proxy (no PublicOrigin) names the internal host and port the proxy
// forwards to: the caller reads "htu does not match the request's URI",
// and a debug log line has the detail.
func TestDPoPHTURefusalNamesNoRequestURI(t *testing.T) {
	logs := &testutil.SyncBuffer{}
	e := newDPoPEnv(t, func(c *auth0gin.Config) {
		c.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	req := httptest.NewRequest("GET", dpopPath, nil)
	req.Host = "orders-svc.internal.corp:8443"
	req.Header.Set("Authorization", "DPoP "+e.bound)
	req.Header.Set("DPoP", proof(t, e.key, "GET", "https://api.example.com"+dpopPath, e.bound, nil))
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	body, ch := rec.Body.String(), strings.Join(rec.Header().Values("WWW-Authenticate"), " ")
	if rec.Code != 401 || strings.Contains(body, "internal.corp") || strings.Contains(ch, "internal.corp") {
		t.Errorf("%d: the refusal names the internal origin:\n%s\n%s", rec.Code, body, ch)
	}
	if !strings.Contains(body, "htu does not match the request's URI") {
		t.Errorf("the refusal does not say htu does not match: %s", body)
	}
	if !strings.Contains(logs.String(), "orders-svc.internal.corp:8443") || strings.Contains(logs.String(), e.bound) {
		t.Errorf("the debug log lacks the computed URI, or holds the token:\n%s", logs.String())
	}
}

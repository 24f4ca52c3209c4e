package auth0gin_test

import (
	"testing"

	"github.com/gin-gonic/gin"
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

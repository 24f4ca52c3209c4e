package session

import (
	"slices"
	"time"

	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"
)

// CORS returns middleware that lets the pages of Config.TrustedOrigins call
// the app from the browser with the session cookie (credentials allowed,
// so never a wildcard origin), and answers their preflights. Install it on
// the engine before the routes:
//
//	r.Use(sess.CORS())
//
// A request from any other origin passes through without CORS headers, so
// its answer stays unreadable to that origin's scripts, and an unsafe one
// carrying the cookie meets the CSRF check (403 csrf_rejected) rather than
// a bare 403. With no trusted origins it does nothing.
func (m *Manager) CORS() gin.HandlerFunc {
	origins := slices.Clone(m.cfg.TrustedOrigins)
	if len(origins) == 0 {
		return func(*gin.Context) {}
	}
	allow := cors.New(cors.Config{
		AllowOrigins: origins,
		AllowMethods: []string{"GET", "POST", "PUT", "PATCH", "DELETE"},
		// DPoP: a page sends its proof (RFC 9449) and reads the server's
		// nonce (DPoP-Nonce, on a use_dpop_nonce refusal and on success).
		AllowHeaders: []string{"Authorization", "Content-Type", "DPoP"},
		// A page reads a refusal's challenge (RFC 6750, RFC 9470 step-up,
		// RFC 9449) and a 429's or 503's wait only when they are exposed.
		ExposeHeaders:    []string{"WWW-Authenticate", "Retry-After", "DPoP-Nonce"},
		AllowCredentials: true,
		MaxAge:           10 * time.Minute,
	})
	return func(c *gin.Context) {
		// gin-contrib/cors answers a bare 403 to every origin it does not
		// allow: run it for the trusted ones only.
		if o := c.GetHeader("Origin"); o != "" && slices.Contains(origins, o) {
			allow(c)
		}
	}
}

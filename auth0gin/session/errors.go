package session

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// fail answers err as the core's guards do: a 503 carries Retry-After, a 401
// or 403 an RFC 6750 challenge, and the body is {"error","error_description"}.
func (m *Manager) fail(c *gin.Context, err error) {
	var ae *auth0gin.AuthError
	if !errors.As(err, &ae) {
		ae = &auth0gin.AuthError{Status: http.StatusUnauthorized, Code: "invalid_token", Description: "invalid credentials", Err: err}
	}
	if m.cfg.Logger.Enabled(c.Request.Context(), slog.LevelDebug) {
		// The reason only: errors here never carry the cookie or the token.
		m.cfg.Logger.LogAttrs(c.Request.Context(), slog.LevelDebug, "session: request refused",
			slog.Int("status", ae.Status), slog.String("reason", ae.Error()), slog.String("path", c.Request.URL.Path))
	}
	ae.WriteResponse(c.Writer, m.realm)
	c.Abort()
}

package session

import (
	"errors"
	"net/http"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// codeCSRFRejected is the error code of a 403 for a cross-origin browser
// request that tried to use the session cookie.
const codeCSRFRejected = "csrf_rejected"

// errCSRF: an unsafe request (POST, PUT, PATCH, DELETE) came from a page of
// an origin that is neither the app's own nor a trusted one.
var errCSRF = errors.New("session: cross-origin request refused")

// checkOrigin refuses a cross-origin browser request with an unsafe method.
// The cookie is ambient (the browser attaches it to a form another site
// submits), so only requests the app's own or its trusted origins make may
// use it. net/http.CrossOriginProtection decides from Sec-Fetch-Site, or
// from Origin against Host in browsers too old to send it; a request with
// neither header is not a browser's and passes.
func (m *Manager) checkOrigin(r *http.Request) *auth0gin.AuthError {
	if err := m.csrf.Check(r); err != nil {
		return &auth0gin.AuthError{Status: http.StatusForbidden, Code: codeCSRFRejected,
			Description: "cross-origin request refused: the page's origin is not trusted to use the session cookie",
			Err:         errors.Join(errCSRF, err)}
	}
	return nil
}

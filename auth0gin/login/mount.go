package login

import (
	"net/http"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/apidoc"
)

// Mount registers the password login routes on r, documented in the spec
// that package swagger serves (no annotation needed in the app):
//
//	POST /auth/login    {username, password} → {access_token, token_type, expires_in} (login)
//	POST /auth/refresh  Authorization: Bearer <access token, expired or not> → a new one (refreshToken)
//
// /auth/refresh sits behind auth.Require(auth0gin.ExpiredWithin(RefreshLifetime),
// auth0gin.DPoP("off")) — the password login issues Bearer tokens, and the
// route stands under an API whose Config.DPoP is "required" — so the spec shows its security: the guard checks the token, allowing the
// expiry that is the point of a refresh, and hands the verified user to the
// handler (one signature verification per refresh). The paths move with r: mounted on
// auth.Router(r).Group("/v1"), they are /v1/auth/login and /v1/auth/refresh.
// The handlers (Login, Refresh, Logout) stay usable one by one.
//
// POST /auth/logout is not mounted here: with sessions, the session
// Manager's Mount serves it and ends this Manager's refresh tokens too
// (sess.Mount(api, lg)); without, mount Logout:
//
//	api.POST("/auth/logout", lg.Logout)
func (m *Manager) Mount(r *auth0gin.Router) {
	r.POST("/auth/login", apidoc.Describe(loginDoc, m.Login))
	r.POST("/auth/refresh", m.auth.Require(auth0gin.ExpiredWithin(m.cfg.RefreshLifetime), auth0gin.DPoP("off")), apidoc.Describe(refreshDoc, m.Refresh))
}

// retryHeader documents Retry-After.
var retryHeader = map[string]string{"Retry-After": "Seconds to wait before retrying"}

// challengeHeader documents a refusal's RFC 6750 challenge.
var challengeHeader = map[string]string{"WWW-Authenticate": `Bearer realm="…", error="invalid_token", error_description="…"`}

var loginDoc = &apidoc.Doc{
	ID:      "login",
	Summary: "Log in with a password",
	Description: "Logs the user in at Auth0 (password-realm grant, the end user's IP in auth0-forwarded-for) and answers the access token. " +
		"The refresh token stays on the server, encrypted; it never appears in an answer. " +
		"When the app starts sessions at login, the answer also sets the session cookie, and a cross-origin browser login is refused (403 csrf_rejected). " +
		"Limited per client address and per username (429 with Retry-After). Every answer is Cache-Control: no-store.",
	Tag:  "login",
	Body: loginCredentials{},
	Form: true,
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "Logged in", Model: loginAnswer{},
			Headers: map[string]string{"Set-Cookie": "auth0gin_session=…; Path=/; HttpOnly; SameSite=Lax[; Secure] (when the app starts sessions at login)"}},
		{Status: http.StatusBadRequest, Description: "invalid_request: malformed body", Model: loginError{}},
		{Status: http.StatusUnauthorized, Description: "invalid_grant: Wrong email or password. (A token endpoint's refusal, RFC 6749 §5.2: no WWW-Authenticate challenge)", Model: loginError{}},
		{Status: http.StatusForbidden, Description: "Blocked user, mfa_required, or csrf_rejected (a cross-origin browser login)", Model: loginError{}},
		{Status: http.StatusRequestEntityTooLarge, Description: "invalid_request: the body is over 8 KiB", Model: loginError{}},
		{Status: http.StatusTooManyRequests, Description: "Too many attempts (Retry-After when known)", Model: loginError{}, Headers: retryHeader},
		{Status: http.StatusBadGateway, Description: "server_error: the tenant refused this server's client (misconfiguration)", Model: loginError{}},
		{Status: http.StatusServiceUnavailable, Description: "Auth0 or the store unavailable; retry after Retry-After", Model: loginError{}, Headers: retryHeader},
	},
}

var refreshDoc = &apidoc.Doc{
	ID:      "refreshToken",
	Summary: "Trade an access token, expired or not, for a new one",
	Description: "Send the access token from /auth/login or an earlier refresh as Bearer; it may have expired (within the refresh token's lifetime) " +
		"but must be signed by the tenant for this API. The server refreshes with the refresh token it holds and answers a new access token; " +
		"the old one never refreshes again. Concurrent refreshes with one token all get the same new token. " +
		"POST /auth/logout with the Bearer token revokes the refresh token, and a token refreshed before then no longer gets the newer one. " +
		"Every answer is Cache-Control: no-store.",
	Tag: "login",
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "A new access token", Model: loginAnswer{}},
		{Status: http.StatusUnauthorized, Description: "invalid_token: a bad token, or no refresh token held for it (logged out, revoked, already refreshed): log in again. " +
			"The body's error equals the WWW-Authenticate challenge's", Model: loginError{}, Headers: challengeHeader},
		{Status: http.StatusForbidden, Description: "The tenant refused the refresh (blocked user, mfa_required)", Model: loginError{}},
		{Status: http.StatusServiceUnavailable, Description: "Auth0 or the store unavailable; the refresh token is kept, retry after Retry-After", Model: loginError{}, Headers: retryHeader},
	},
}

package session

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/apidoc"
)

// Mount registers the session routes on r, documented in the spec that
// package swagger serves (no annotation needed in the app):
//
//	POST /auth/session  Authorization: Bearer <access token> (or DPoP with a proof) → Set-Cookie (createSession)
//	POST /auth/ping     keep-alive, 204 (pingSession)
//	POST /auth/logout   ends the session and clears the cookie, 204 (logout)
//
// /auth/session sits behind auth.RequireScopes(), so the spec shows its
// security, unless Config.OpaqueTokens is set: the guard knows JWTs only,
// and Login checks the token itself. The paths move with r: mounted on
// auth.Router(r).Group("/v1"), they are /v1/auth/session and so on. The
// handlers (Login, Ping, Logout) stay usable one by one for an app that
// mounts them itself.
//
// POST /auth/logout also runs each of also (see Ender) with the request's
// bearer token, so that one request ends the cookie's session and, say, the
// refresh token package login holds for the token:
//
//	sess.Mount(api, lg)
//
// Mount it after the CORS middleware, if any (see the package doc).
func (m *Manager) Mount(r *auth0gin.Router, also ...Ender) {
	login := apidoc.Describe(createSessionDoc, m.Login)
	if m.opaque == nil {
		r.POST("/auth/session", m.auth.RequireScopes(), login)
	} else {
		r.POST("/auth/session", login)
	}
	r.POST("/auth/ping", apidoc.Describe(pingSessionDoc, m.Ping))
	also = slices.Clone(also)
	m.also = also // LogoutUser ends the user's logins they hold
	r.POST("/auth/logout", apidoc.Describe(logoutDoc, func(c *gin.Context) { m.logout(c, also) }))
}

// Mount registers the device login routes on r, documented in the spec
// that package swagger serves:
//
//	POST /auth/device       starts a device login (startDeviceLogin)
//	POST /auth/device/poll  polls it; once approved, the session (pollDeviceLogin)
//
// The paths move with r, as the session routes' do; Start and Poll stay
// usable one by one.
func (d *Device) Mount(r *auth0gin.Router) {
	r.POST("/auth/device", apidoc.Describe(startDeviceDoc, d.Start))
	r.POST("/auth/device/poll", apidoc.Describe(pollDeviceDoc, d.Poll))
}

// cookieHeader documents the Set-Cookie of an answer that makes a session.
var cookieHeader = map[string]string{"Set-Cookie": "__Host-auth0gin_session=…; Path=/; Secure; HttpOnly; SameSite=Lax " +
	"(the session cookie; auth0gin_session without Secure on plain-http loopback in development, or with a Domain or Path; " +
	"Config.CookieName when the app names it)"}

// The answers every session route may give.
var (
	csrfRejected = apidoc.Response{Status: http.StatusForbidden, Model: auth0gin.ErrorBody{},
		Description: "csrf_rejected: a browser request from an origin the app does not trust"}
	storeDown = apidoc.Response{Status: http.StatusServiceUnavailable, Model: auth0gin.ErrorBody{},
		Description: "Session store unavailable; retry after Retry-After", Headers: map[string]string{"Retry-After": "Seconds to wait before retrying"}}
	tooManyLogins = apidoc.Response{Status: http.StatusTooManyRequests, Model: auth0gin.ErrorBody{},
		Description: "Too many logins from this address; retry after Retry-After", Headers: map[string]string{"Retry-After": "Seconds to wait before retrying"}}
)

var createSessionDoc = &apidoc.Doc{
	ID:      "createSession",
	Summary: "Trade an access token for a session cookie",
	Description: "Verifies the Bearer token (a DPoP-bound token as `Authorization: DPoP` with a `DPoP` proof of this request; " +
		"the cookie keeps nothing of the binding) and answers Set-Cookie with an HttpOnly session cookie (never the secret in the body). " +
		"Every protected route then accepts the cookie instead of the token. A session cookie the request already carried is ended. " +
		"Limited per client address, an IPv4 address or IPv6 /64 (429 with Retry-After).",
	Tag: "session",
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "The session is made; the cookie is in Set-Cookie", Model: sessionInfo{}, Headers: cookieHeader},
		{Status: http.StatusUnauthorized, Description: "Missing or invalid token", Model: auth0gin.ErrorBody{}},
		{Status: http.StatusForbidden, Description: "access_denied: the app refused the login", Model: auth0gin.ErrorBody{}},
		{Status: http.StatusTooManyRequests, Model: auth0gin.ErrorBody{},
			Description: "Too many logins from this address, or (opaque tokens) the tenant's /userinfo is rate limited for this token; retry after Retry-After",
			Headers:     map[string]string{"Retry-After": "Seconds to wait before retrying"}},
		{Status: http.StatusServiceUnavailable, Model: auth0gin.ErrorBody{},
			Description: "Session store unavailable, or (opaque tokens) the tenant's /userinfo rate limited for several users; retry after Retry-After",
			Headers:     map[string]string{"Retry-After": "Seconds to wait before retrying"}},
	},
}

var pingSessionDoc = &apidoc.Doc{
	ID:      "pingSession",
	Summary: "Keep the session alive",
	Description: "With the session cookie: 204, and the inactive deadline moves on. " +
		"A cross-origin browser request from an untrusted origin is 403 csrf_rejected.",
	Tag: "session",
	Responses: []apidoc.Response{
		{Status: http.StatusNoContent, Description: "The session is alive"},
		{Status: http.StatusUnauthorized, Description: "No, unknown or expired session cookie, or session cookies of different users", Model: auth0gin.ErrorBody{}},
		csrfRejected,
		storeDown,
	},
}

var logoutDoc = &apidoc.Doc{
	ID:      "logout",
	Summary: "End the session",
	Description: "Ends the cookie's session on every instance and clears the cookie, and, with a Bearer token from POST /auth/login " +
		"(expired or not) when the app mounts password login with the sessions, revokes the refresh token held for it: " +
		"204, also when there was nothing to end.",
	Tag: "session",
	Responses: []apidoc.Response{
		{Status: http.StatusNoContent, Description: "Ended (or nothing to end); the cookie is cleared",
			Headers: map[string]string{"Set-Cookie": "__Host-auth0gin_session=; Max-Age=0 (clears the session cookie, under its name as in createSession)"}},
		csrfRejected,
		storeDown,
	},
}

var startDeviceDoc = &apidoc.Doc{
	ID:      "startDeviceLogin",
	Summary: "Start a device login (for CLIs)",
	Description: "Starts RFC 8628's device flow with Auth0 on the CLI's behalf. Show the user `verification_uri_complete` " +
		"(or `verification_uri` and `user_code`), then poll POST /auth/device/poll with `poll_id` every `interval` seconds. " +
		"Auth0's `device_code` never leaves the server. Limited per client address with the session logins (429 with Retry-After).",
	Tag: "device",
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "The device login is started", Model: deviceStart{}},
		tooManyLogins,
		{Status: http.StatusServiceUnavailable, Model: auth0gin.ErrorBody{},
			Description: "Auth0 or the session store unavailable; retry after Retry-After", Headers: map[string]string{"Retry-After": "Seconds to wait before retrying"}},
	},
}

var pollDeviceDoc = &apidoc.Doc{
	ID:      "pollDeviceLogin",
	Summary: "Poll a device login",
	Description: "400 with `authorization_pending` (poll again after the interval), `slow_down` (polled too soon: add 5 s to the interval), " +
		"`access_denied`, `expired_token`, or `invalid_grant` (unknown or already used poll_id). Once the user has approved: " +
		"200 with Set-Cookie and the session cookie's name and value in the body — the one answer that carries a session secret " +
		"in its body, since a CLI has no browser to keep a cookie. Send it back as `Cookie: name=value`.",
	Tag:  "device",
	Body: devicePollRequest{},
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "Approved: the session", Model: deviceSession{}, Headers: cookieHeader},
		{Status: http.StatusBadRequest, Model: devicePollError{},
			Description: "authorization_pending, slow_down, access_denied, expired_token, invalid_grant or invalid_request"},
		{Status: http.StatusRequestEntityTooLarge, Model: auth0gin.ErrorBody{}, Description: "invalid_request: the body is over 4 KiB"},
		{Status: http.StatusUnauthorized, Description: "The token Auth0 issued was refused", Model: auth0gin.ErrorBody{}},
		{Status: http.StatusForbidden, Model: auth0gin.ErrorBody{},
			Description: "csrf_rejected (a cross-origin browser request), or the app refused the login (OnLogin)"},
		{Status: http.StatusServiceUnavailable, Model: auth0gin.ErrorBody{},
			Description: "Auth0 or the session store unavailable; retry after Retry-After", Headers: map[string]string{"Retry-After": "Seconds to wait before retrying"}},
	},
}

// devicePollError is the body of a 400 from the poll (DevicePollError in
// the API docs): RFC 8628's error, as Auth0 answers it, in the shape of
// auth0gin.ErrorBody.
type devicePollError struct {
	// authorization_pending, slow_down, access_denied, expired_token,
	// invalid_grant (no such login, or its session already handed out) or
	// invalid_request (the body is not {"poll_id": "..."}).
	Error string `json:"error" example:"authorization_pending"`
	// What it means for the CLI.
	Description string `json:"error_description,omitempty" example:"the user has not answered yet; poll again after the interval"`
}

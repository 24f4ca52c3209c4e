package main

import (
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/session"
)

// deviceScopes are what a CLI's device login asks for unless
// AUTH0_DEVICE_SCOPES says otherwise: enough for /api/private-scoped.
const deviceScopes = "openid profile email read:messages"

// device is the example's device login for command-line tools.
type device struct{ dev *session.Device }

// mountDevice adds POST /auth/device and /auth/device/poll. The tenant
// application is AUTH0_DEVICE_CLIENT_ID (at Auth0, a Native application with
// the Device Code grant), else AUTH0_CLIENT_ID; without either, the routes
// are left out and a warning says why. Without sessions (s nil, as in some
// tests) there is nothing to mount.
func mountDevice(r gin.IRoutes, s *sessions, log *slog.Logger) {
	if s == nil {
		return
	}
	dev, err := s.mgr.Device(session.DeviceConfig{
		ClientID: os.Getenv("AUTH0_DEVICE_CLIENT_ID"),
		Scopes:   strings.Fields(envOr("AUTH0_DEVICE_SCOPES", deviceScopes)),
	})
	if err != nil {
		log.Warn("example: device login is off", "err", err)
		return
	}
	d := device{dev}
	r.POST("/auth/device", d.start)
	r.POST("/auth/device/poll", d.poll)
}

// opaqueTokens accepts opaque access tokens at POST /auth/session when
// SESSION_OPAQUE_TOKENS is true (off by default: an opaque token names no
// audience, so any application's token for the user would open a session).
func opaqueTokens(auth *auth0gin.Auth0) *session.Opaque {
	if !opaqueTokensOn() {
		return nil
	}
	return session.NewOpaque(auth, session.OpaqueConfig{})
}

// opaqueTokensOn reports whether SESSION_OPAQUE_TOKENS turns opaque tokens on.
func opaqueTokensOn() bool {
	on, _ := strconv.ParseBool(os.Getenv("SESSION_OPAQUE_TOKENS"))
	return on
}

// DevicePollError is the body of a 400 from POST /auth/device/poll: RFC
// 8628's error, as Auth0 answers it. It has the shape of auth0gin.ErrorBody.
type DevicePollError struct {
	// authorization_pending, slow_down, access_denied, expired_token,
	// invalid_grant (no such login, or its session already handed out) or
	// invalid_request (the body is not {"poll_id": "..."}).
	Error string `json:"error" example:"authorization_pending"`
	// What it means for the CLI.
	Description string `json:"error_description,omitempty" example:"the user has not answered yet; poll again after the interval"`
} //	@name	DevicePollError

// start godoc
//
//	@Summary		Start a device login (for CLIs)
//	@Description	Starts RFC 8628's device flow with Auth0 on the CLI's behalf. Show the user `verification_uri_complete` (or `verification_uri` and `user_code`), then poll POST /auth/device/poll with `poll_id` every `interval` seconds. Auth0's `device_code` never leaves the server. Limited per client IP with the logins (429 with Retry-After).
//	@Tags			session
//	@Produce		json
//	@Success		200	{object}	session.DeviceStart
//	@Failure		429	{object}	RequestError	"Too many logins from this address"
//	@Failure		503	{object}	UnavailableError	"Auth0 or the session store unavailable; retry after Retry-After"
//	@Router			/auth/device [post]
func (d device) start(c *gin.Context) { d.dev.Start(c) }

// poll godoc
//
//	@Summary		Poll a device login
//	@Description	400 with `authorization_pending` (poll again after the interval), `slow_down` (polled too soon: add 5 s to the interval), `access_denied`, `expired_token`, or `invalid_grant` (unknown or already used poll_id). Once the user has approved: 200 with Set-Cookie and the session cookie's name and value in the body — the one answer that carries a session secret in its body, since a CLI has no browser to keep a cookie. Send it back as `Cookie: name=value`.
//	@Tags			session
//	@Accept			json
//	@Produce		json
//	@Param			body	body		session.PollRequest	true	"The poll_id Start answered"
//	@Success		200		{object}	session.DeviceSession
//	@Header			200		{string}	Set-Cookie	"auth0gin_session=…; Path=/; HttpOnly; SameSite=Lax[; Secure]"
//	@Failure		400		{object}	DevicePollError	"authorization_pending, slow_down, access_denied, expired_token, invalid_grant or invalid_request"
//	@Failure		401		{object}	TokenError	"The token Auth0 issued was refused"
//	@Failure		403		{object}	RequestError	"csrf_rejected (a cross-origin browser request), or the app refused the login (OnLogin)"
//	@Failure		503		{object}	UnavailableError	"Auth0 or the session store unavailable; retry after Retry-After"
//	@Router			/auth/device/poll [post]
func (d device) poll(c *gin.Context) { d.dev.Poll(c) }

package main

import (
	"log/slog"
	"os"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin/session"
)

// deviceScopes are what a CLI's device login asks for unless
// AUTH0_DEVICE_SCOPES says otherwise: enough for /api/private-scoped.
const deviceScopes = "openid profile email read:messages"

// mountDevice adds POST /auth/device and /auth/device/poll, documented by
// the library. The tenant application is AUTH0_DEVICE_CLIENT_ID (at Auth0, a
// Native application with the Device Code grant), else AUTH0_CLIENT_ID;
// without either, the routes are left out and a warning says why. Without
// sessions (s nil, as in some tests) there is nothing to mount.
func mountDevice(r gin.IRouter, s *sessions, log *slog.Logger) {
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
	dev.Mount(s.auth.Router(r))
}

package auth0gin_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/internal/testutil"
)

// New logs one warning when DPoP is on and PublicOrigin is empty: a proof's
// htu host then comes from the client-controlled Host header. None with
// PublicOrigin set, or with DPoP "off".
func TestNewWarnsOnceWhenDPoPHasNoPublicOrigin(t *testing.T) {
	for _, tc := range []struct {
		name, dpop, origin string
		warnings           int
	}{
		{"allowed, no origin", "", "", 1},
		{"required, no origin", "required", "", 1},
		{"allowed, origin", "", "https://api.example.com", 0},
		{"off, no origin", "off", "", 0},
	} {
		logs := &testutil.SyncBuffer{}
		newDPoPEnv(t, func(c *auth0gin.Config) {
			c.DPoP, c.PublicOrigin = tc.dpop, tc.origin
			c.Logger = slog.New(slog.NewTextHandler(logs, nil))
		})
		if n := strings.Count(logs.String(), "PublicOrigin (AUTH0GIN_PUBLIC_ORIGIN) is empty"); n != tc.warnings {
			t.Errorf("%s: %d warnings, want %d:\n%s", tc.name, n, tc.warnings, logs.String())
		}
	}
}

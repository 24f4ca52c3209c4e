package auth0gin_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/internal/testutil"
)

// With PublicOrigin empty, a proof's htu host comes from the
// client-controlled Host header: one warning says so, at New under
// "required", else at the first DPoP proof checked (an API that never sees
// one stays quiet). None with PublicOrigin set, or with DPoP "off".
func TestWarnsOnceWhenDPoPHasNoPublicOrigin(t *testing.T) {
	for _, tc := range []struct {
		name, dpop, origin string
		atNew, afterProofs int
	}{
		{"allowed, no origin", "", "", 0, 1},
		{"required, no origin", "required", "", 1, 1},
		{"allowed, origin", "", "https://api.example.com", 0, 0},
		{"off, no origin", "off", "", 0, 0},
	} {
		logs := &testutil.SyncBuffer{}
		e := newDPoPEnv(t, func(c *auth0gin.Config) {
			c.DPoP, c.PublicOrigin = tc.dpop, tc.origin
			c.Logger = slog.New(slog.NewTextHandler(logs, nil))
		})
		count := func() int { return strings.Count(logs.String(), "PublicOrigin (AUTH0GIN_PUBLIC_ORIGIN) is empty") }
		if n := count(); n != tc.atNew {
			t.Errorf("%s: %d warnings at New, want %d:\n%s", tc.name, n, tc.atNew, logs.String())
		}
		for range 2 {
			send(t, e.h, "GET", dpopPath, "Authorization", "DPoP "+e.bound, "DPoP", proof(t, e.key, "GET", dpopURL, e.bound, nil))
		}
		if n := count(); n != tc.afterProofs {
			t.Errorf("%s: %d warnings after two DPoP requests, want %d:\n%s", tc.name, n, tc.afterProofs, logs.String())
		}
	}
}

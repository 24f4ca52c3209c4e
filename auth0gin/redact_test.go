package auth0gin_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// Printing or logging a Config (or a.Config()) never writes the DPoP nonce
// secret, with which anyone could mint valid nonces for every instance:
// not through %v, %+v or %#v, nor fmt.Sprint, nor slog's text or JSON handlers.
func TestConfigRedactsDPoPNonceSecret(t *testing.T) {
	secret := strings.Repeat("S", 40)
	e := newDPoPEnv(t, func(c *auth0gin.Config) { c.DPoPNonceSecret = secret })
	cfg := e.a.Config()
	var text, js strings.Builder
	slog.New(slog.NewTextHandler(&text, nil)).Info("config", "cfg", cfg)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("config", "cfg", cfg)
	for name, out := range map[string]string{
		"slog text": text.String(), "slog JSON": js.String(),
		"%v": fmt.Sprintf("%v", cfg), "%+v": fmt.Sprintf("%+v", cfg), "%#v": fmt.Sprintf("%#v", cfg),
		"%v of a pointer": fmt.Sprintf("%v", &cfg), "Sprint": fmt.Sprint(cfg),
	} {
		if strings.Contains(out, secret) {
			t.Errorf("%s prints the DPoP nonce secret: %s", name, out)
		}
		if !strings.Contains(out, "[REDACTED]") || !strings.Contains(out, cfg.Domain) {
			t.Errorf("%s does not print the Config, secret redacted: %s", name, out)
		}
	}
}

package login_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/login"
)

// TestConfigRedacted: a Config printed or logged by an app never shows the
// client secret or an encryption key.
func TestConfigRedacted(t *testing.T) {
	const secret = "login-secret-value-1234"
	keys, err := login.ParseKeys(keyA)
	if err != nil {
		t.Fatal(err)
	}
	c := login.Config{ClientID: "cid", ClientSecret: secret, Keys: keys}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "cfg", c, "keys", keys)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "cfg", c, "keys", keys)
	out := buf.String() + fmt.Sprintf("%v %+v %#v %s %v %+v", c, c, c, c, keys, *keys)
	if strings.Contains(out, secret) || strings.Contains(out, strings.TrimPrefix(keyA, "a:")) {
		t.Fatalf("a secret is printed: %s", out)
	}
	if !strings.Contains(out, "cid") || !strings.Contains(out, "[REDACTED]") {
		t.Errorf("the printed config says too little: %s", out)
	}
}

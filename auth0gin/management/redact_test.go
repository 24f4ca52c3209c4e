package management

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestConfigRedacted: a Config printed or logged by an app (a common way to
// debug start-up) never shows the client secret.
func TestConfigRedacted(t *testing.T) {
	const secret = "m2m-secret-value-1234"
	c := Config{Domain: "tenant.example", ClientID: "cid", ClientSecret: secret}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "cfg", c)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "cfg", c)
	out := buf.String() + fmt.Sprintf("%v %+v %#v %s", c, c, c, c)
	if strings.Contains(out, secret) {
		t.Fatalf("the client secret is printed: %s", out)
	}
	if !strings.Contains(out, "cid") || !strings.Contains(out, redacted) {
		t.Errorf("the printed config says too little: %s", out)
	}
}

package auth0gin_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/internal/testutil"
)

// TestNoTokenInLogs: with debug logging on, refused and accepted requests and
// failing key fetches log reasons, never a token or a piece of one.
func TestNoTokenInLogs(t *testing.T) {
	ti := newTestIssuer(t)
	var logs testutil.SyncBuffer
	cfg := noCache(ti.config())
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg.KeyRefreshInterval = time.Nanosecond
	r := newEngine(t, mustNew(t, cfg))

	good := ti.token(t, nil)
	tokens := []string{
		good,
		ti.token(t, map[string]any{"exp": time.Now().Add(-time.Hour).Unix()}),
		ti.token(t, map[string]any{"aud": "https://other"}),
		ti.sign(t, "unknown-kid", nil),
		strings.Split(good, ".")[0] + ".eyJzdWIiOiJ4In0." + strings.Split(good, ".")[2],
	}
	for _, tok := range tokens {
		call(t, r, "/scoped", bearerH(tok))
	}
	ti.setMode("5xx", 0) // background refreshes now fail and log
	for _, tok := range tokens {
		call(t, r, "/scoped", bearerH(tok))
	}
	out := logs.String()
	if !strings.Contains(out, "request refused") {
		t.Fatalf("expected refusals in the debug log, got %q", out)
	}
	for _, tok := range tokens {
		for i, part := range strings.Split(tok, ".") {
			if len(part) > 8 && strings.Contains(out, part) {
				t.Errorf("part %d of a token appears in the logs", i)
			}
		}
	}
}

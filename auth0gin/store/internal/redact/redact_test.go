package redact

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
)

func TestURL(t *testing.T) {
	for raw, want := range map[string]string{
		"redis://u:pw@h:1/0":                 "redis://u:xxxxx@h:1/0",
		"postgres://u@h/db?password=pw&x=1":  "postgres://u@h/db?password=xxxxx&x=1",
		"postgres://u:pw@h/db?sslmode=false": "postgres://u:xxxxx@h/db?sslmode=false",
		"sqlite:///tmp/x.db":                 "sqlite:///tmp/x.db",
		"::pw":                               "(unparsable URL)",
	} {
		if got := URL(raw); got != want {
			t.Errorf("URL(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestError(t *testing.T) {
	inner := errors.New("cannot parse postgres://u:p%40ss@h: bad p@ss")
	raw := "postgres://u:p%40ss@h"
	err := Error(inner, raw)
	if strings.Contains(err.Error(), "p@ss") || strings.Contains(err.Error(), "p%40ss") {
		t.Fatalf("Error kept the password: %v", err)
	}
	if errors.Is(err, inner) {
		t.Fatal("Error exposes the driver's error (password and all) through Unwrap")
	}
	if clean := errors.New("no secret here"); Error(clean, raw) != clean {
		t.Fatal("Error rewrapped a clean error")
	}
	if Error(nil, raw) != nil {
		t.Fatal("Error(nil) is not nil")
	}
}

// Finding 3 of the review: a message that quotes an unparsable URL (as
// *url.Error does, with %q) escapes its ", \ and control characters, so
// replacing the raw URL missed it; and Unwrap handed back the original
// error. The quoted form is scrubbed too, and a scrubbed error unwraps to
// the sentinels the original matched, never to the original.
func TestErrorScrubsQuotedUnparsableURL(t *testing.T) {
	for _, raw := range []string{`redis://u:se"cr3t@h:1/0`, `redis://u:se\cr3t@h:1/0`, "redis://u:se\tcr3t@h:1/0"} {
		_, perr := url.Parse(raw)
		inner := fmt.Errorf("%w: open: %w", auth0gin.ErrUnavailable, perr)
		err := Error(inner, raw)
		if strings.Contains(err.Error(), "cr3t") {
			t.Errorf("Error(%q) prints the password: %v", raw, err)
		}
		var ue *url.Error
		if errors.As(err, &ue) || errors.Is(err, inner) {
			t.Errorf("Error(%q) exposes the original error", raw)
		}
		if !errors.Is(err, auth0gin.ErrUnavailable) || errors.Is(err, auth0gin.ErrConfig) {
			t.Errorf("Error(%q) = %v: want ErrUnavailable, as the original, and nothing else", raw, err)
		}
	}
	if err := Error(fmt.Errorf("dial postgres://u:pw@h: %w", context.DeadlineExceeded), "postgres://u:pw@h"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Error lost context.DeadlineExceeded: %v", err)
	}
}

// A query url.Query cannot read whole (a ';' separator, a bad escape) may
// hide a password= from it: URL shows no such query, and Error scrubs it.
func TestUnparsableQuery(t *testing.T) {
	raw := "postgres://u@h/db?sslmode=disable&password=s3c;ret"
	if got := URL(raw); strings.Contains(got, "s3c") || strings.Contains(got, "ret") {
		t.Errorf("URL(%q) = %q", raw, got)
	}
	if err := Error(errors.New("cannot connect to "+raw), raw); strings.Contains(err.Error(), "s3c") {
		t.Errorf("Error kept the password: %v", err)
	}
}

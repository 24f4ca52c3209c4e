package redact

import (
	"errors"
	"strings"
	"testing"
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
	if !errors.Is(err, inner) {
		t.Fatal("Error hid the wrapped error from errors.Is")
	}
	if clean := errors.New("no secret here"); Error(clean, raw) != clean {
		t.Fatal("Error rewrapped a clean error")
	}
	if Error(nil, raw) != nil {
		t.Fatal("Error(nil) is not nil")
	}
}

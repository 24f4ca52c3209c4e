// Package oascheck runs the tools client generators and gateways trust on a
// served spec: `swagger-cli validate` (@apidevtools/swagger-cli) and
// `spectral lint` with the oas ruleset (@stoplight/spectral-cli), both pinned
// by tests/openapi's package.json and package-lock.json, with the ruleset
// tests/openapi/.spectral.yaml. Any test of this module may call Validate.
//
// The tools are installed once (`npm ci`, by tests/internal/npmci) into
// tests/openapi/node_modules when it is missing; with no npm a test skips,
// except when the CI environment variable is set, where it fails.
package oascheck

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/auth0gin/auth0gin/tests/internal/npmci"
)

// Dir is tests/openapi, where package.json pins the tools.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "openapi")
}

// bin is the directory of the tools' binaries.
func bin() string { return filepath.Join(Dir(), "node_modules", ".bin") }

// installed reports whether both tools are there.
func installed() bool {
	for _, name := range []string{"spectral", "swagger-cli"} {
		if _, err := os.Stat(filepath.Join(bin(), name)); err != nil {
			return false
		}
	}
	return true
}

// Need returns the directory of the tools' binaries, installing them first
// (tests/internal/npmci) if need be. It skips t when npm is missing, unless
// CI is set.
func Need(t testing.TB) string {
	t.Helper()
	npmci.Need(t, Dir(), installed)
	return bin()
}

// Validate runs both tools on the spec and fails t on any error, and on the
// warnings that mean no operationId or an undefined tag; other warnings are
// logged.
func Validate(t testing.TB, spec []byte) {
	t.Helper()
	bin := Need(t)
	file := filepath.Join(t.TempDir(), "doc.json")
	if err := os.WriteFile(file, spec, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(filepath.Join(bin, "swagger-cli"), "validate", file).CombinedOutput(); err != nil {
		t.Errorf("swagger-cli validate: %v\n%s", err, out)
	}
	ruleset := filepath.Join(Dir(), ".spectral.yaml")
	cmd := exec.Command(filepath.Join(bin, "spectral"), "lint", "--ruleset", ruleset, "--format", "json", "--quiet", "--fail-severity", "error", file)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var results []struct {
		Code     string
		Message  string
		Severity int
		Path     []any
	}
	if err := json.Unmarshal(stdout.Bytes(), &results); err != nil {
		t.Fatalf("spectral lint (%v): %v\n%s\n%s", runErr, err, stdout.String(), stderr.String())
	}
	for _, r := range results {
		if r.Severity == 0 || r.Code == "operation-operationId" || r.Code == "operation-tag-defined" {
			t.Errorf("spectral %s (severity %d) at %v: %s", r.Code, r.Severity, r.Path, r.Message)
		} else {
			t.Logf("spectral warning %s at %v: %s", r.Code, r.Path, r.Message)
		}
	}
	if runErr != nil && !t.Failed() {
		t.Errorf("spectral lint: %v\n%s", runErr, stderr.String())
	}
}

// Package npmci installs the npm packages a test directory pins (its
// package.json and package-lock.json) with `npm ci`, once per process, for
// the tests that drive node tools or libraries: tests/openapi's validators
// (through tests/internal/oascheck) and tests/dpop-node's DPoP client.
//
// Several test processes (go test ./... runs packages in parallel) may
// install one directory at once: each runs npm ci in a directory of its own
// and renames its node_modules into place, so none sees a half-made one.
// With no npm a test skips, except when the CI environment variable is set,
// where it fails.
package npmci

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// ErrNoNPM is Install's error when npm is not on PATH.
var ErrNoNPM = errors.New("npm is not on PATH (install Node.js 20 or later)")

var (
	mu   sync.Mutex
	done = map[string]error{}
)

// Install makes dir/node_modules from dir's lock file unless installed
// reports it is there already (nil: unless dir/node_modules exists). It
// runs at most once per directory and process.
func Install(dir string, installed func() bool) error {
	mu.Lock()
	defer mu.Unlock()
	if err, ok := done[dir]; ok {
		return err
	}
	err := install(dir, installed)
	done[dir] = err
	return err
}

func install(dir string, installed func() bool) error {
	if installed == nil {
		installed = func() bool {
			_, err := os.Stat(filepath.Join(dir, "node_modules"))
			return err == nil
		}
	}
	if installed() {
		return nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return ErrNoNPM
	}
	tmp, err := os.MkdirTemp(dir, ".npm-ci-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for _, f := range []string{"package.json", "package-lock.json"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(tmp, f), b, 0o644); err != nil {
			return err
		}
	}
	cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts")
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm ci in %s: %w\n%s", dir, err, out)
	}
	if err := os.Rename(filepath.Join(tmp, "node_modules"), filepath.Join(dir, "node_modules")); err != nil && !installed() {
		return err
	}
	return nil
}

// Need installs dir's packages (see Install) or ends the test: it skips t
// when npm is missing, unless CI is set, and fails it on any other error.
func Need(t testing.TB, dir string, installed func() bool) {
	t.Helper()
	err := Install(dir, installed)
	if errors.Is(err, ErrNoNPM) && os.Getenv("CI") == "" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
}

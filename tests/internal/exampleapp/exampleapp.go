// Package exampleapp builds the example once per test binary and runs it as
// a process, for the tests that drive it from outside (tests/e2e,
// tests/failover).
package exampleapp

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/internal/testutil"
)

// StartTimeout bounds how long the example may take to start listening.
const StartTimeout = time.Minute

// Main builds the example (with the race detector when race is set, as the
// tests run), sets *bin to it, runs the tests, and removes the build: call it
// from TestMain as os.Exit(exampleapp.Main(m, "e2e", raceEnabled, &exampleBin)).
func Main(m *testing.M, name string, race bool, bin *string) int {
	dir, err := os.MkdirTemp("", "auth0gin-"+name+"-")
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		return 1
	}
	defer os.RemoveAll(dir)
	*bin = filepath.Join(dir, "example")
	args := []string{"build", "-o", *bin}
	if race {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "github.com/auth0gin/auth0gin/example")...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, name+": building the example:", err)
		return 1
	}
	return m.Run()
}

// CleanEnv is the test's environment without the variables the example
// reads, so a developer's own settings never reach it.
func CleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "AUTH0") || strings.HasPrefix(name, "SESSION_") || strings.HasPrefix(name, "DEVTENANT_") ||
			name == "PORT" || name == "HOST" || name == "GIN_MODE" || name == "DATABASE_URL" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// App is a running example process.
type App struct {
	URL    string // "http://127.0.0.1:PORT", no trailing slash
	Tenant string // the tenant it trusts, from its start-up log
	Log    *testutil.SyncBuffer
	cmd    *exec.Cmd
	done   chan struct{} // closed when the process has exited
	err    error         // cmd.Wait's result, set before done closes
}

var listening = regexp.MustCompile(`msg="example: listening" addr=\S*:(\d+) .* tenant=(\S+)`)

// Start runs bin with env on top of CleanEnv, in an empty directory (no
// .env), on a port of its own choosing, and waits until it serves requests.
// It is killed when t ends, and its log shown if t failed.
func Start(t testing.TB, bin string, env map[string]string) *App {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Dir = t.TempDir()
	cmd.Env = append(CleanEnv(), "PORT=0")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	a := &App{cmd: cmd, Log: &testutil.SyncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = a.Log, a.Log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the example: %v", err)
	}
	go func() {
		a.err = cmd.Wait()
		close(a.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-a.done
		if t.Failed() {
			t.Logf("example's log (last 8 KiB):\n%s", tail(a.Log.String(), 8192))
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	for a.URL == "" {
		if m := listening.FindStringSubmatch(a.Log.String()); m != nil {
			a.URL, a.Tenant = "http://127.0.0.1:"+m[1], m[2]
			break
		}
		select {
		case <-a.done:
			t.Fatalf("the example exited before listening (%v):\n%s", a.err, a.Log.String())
		case <-ctx.Done():
			t.Fatalf("the example did not start listening within %v:\n%s", StartTimeout, a.Log.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	for {
		res, err := http.Get(a.URL + "/api/public")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return a
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the example never answered /api/public: last error %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Stop sends SIGTERM and waits for the process to exit.
func (a *App) Stop(t testing.TB) error {
	t.Helper()
	if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("signalling the example: %v", err)
	}
	select {
	case <-a.done:
		return a.err
	case <-time.After(30 * time.Second):
		t.Fatal("the example did not exit within 30s of SIGTERM")
		return nil
	}
}

// CheckLogHasNo fails t when any of secrets appears in the example's log.
func (a *App) CheckLogHasNo(t testing.TB, secrets ...string) {
	t.Helper()
	log := a.Log.String()
	for i, s := range secrets {
		if s != "" && strings.Contains(log, s) {
			t.Errorf("secret #%d (%.12s…) appears in the example's log", i, s)
		}
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

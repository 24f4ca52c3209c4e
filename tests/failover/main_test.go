package failover

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

// exampleBin is the example app, built once for all tests by TestMain.
var exampleBin string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "auth0gin-failover-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "failover:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	exampleBin = filepath.Join(dir, "example")
	args := []string{"build", "-o", exampleBin}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "github.com/auth0gin/auth0gin/example")...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "failover: building the example:", err)
		return 1
	}
	return m.Run()
}

// app is a running example process.
type app struct {
	URL    string // "http://127.0.0.1:PORT"
	cmd    *exec.Cmd
	stderr *testutil.SyncBuffer
	done   chan struct{}
	err    error
}

// startExample runs the example with env on top of the test's environment
// stripped of the variables the example reads, in an empty directory (no
// .env), on a port of its own, and waits until it answers.
func startExample(t *testing.T, env map[string]string) *app {
	t.Helper()
	cmd := exec.Command(exampleBin)
	cmd.Dir = t.TempDir()
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "AUTH0") || strings.HasPrefix(name, "SESSION_") || strings.HasPrefix(name, "DEVTENANT_") ||
			name == "PORT" || name == "HOST" || name == "GIN_MODE" || name == "DATABASE_URL" {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, "PORT=0")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	a := &app{cmd: cmd, stderr: &testutil.SyncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = a.stderr, a.stderr
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
			t.Logf("example's log (last 8 KiB):\n%s", tail(a.stderr.String(), 8192))
		}
	})
	listening := regexp.MustCompile(`msg="example: listening" addr=\S*:(\d+) `)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for a.URL == "" {
		if m := listening.FindStringSubmatch(a.stderr.String()); m != nil {
			a.URL = "http://127.0.0.1:" + m[1]
			break
		}
		select {
		case <-a.done:
			t.Fatalf("the example exited before listening (%v):\n%s", a.err, a.stderr.String())
		case <-ctx.Done():
			t.Fatalf("the example did not listen within a minute:\n%s", a.stderr.String())
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
			t.Fatalf("the example never answered /api/public: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

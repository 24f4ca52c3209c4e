package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/internal/testutil"
)

// startTimeout bounds how long the example may take to start listening.
const startTimeout = 60 * time.Second

// app is a running example process.
type app struct {
	URL    string // "http://127.0.0.1:PORT", no trailing slash
	Tenant string // the tenant it trusts, from its start-up log
	cmd    *exec.Cmd
	stderr *testutil.SyncBuffer
	done   chan struct{} // closed when the process has exited
	err    error         // cmd.Wait's result, set before done closes
}

// startExample runs the example with env on top of a clean environment (no
// AUTH0_* variables of the developer's) in an empty directory (no .env), on
// a port of its own choosing, and waits until it serves requests.
func startExample(t *testing.T, env map[string]string) *app {
	t.Helper()
	cmd := exec.Command(exampleBin)
	cmd.Dir = t.TempDir()
	cmd.Env = cleanEnv()
	cmd.Env = append(cmd.Env, "PORT=0")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	a := &app{cmd: cmd, stderr: &testutil.SyncBuffer{}, done: make(chan struct{})}
	cmd.Stdout = a.stderr
	cmd.Stderr = a.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the example: %v", err)
	}
	go func() {
		a.err = cmd.Wait()
		close(a.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-a.done
		if t.Failed() {
			t.Logf("example's log:\n%s", a.stderr.String())
		}
	})

	listening := regexp.MustCompile(`msg="example: listening" addr=\S*:(\d+) .* tenant=(\S+)`)
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for {
		if m := listening.FindStringSubmatch(a.stderr.String()); m != nil {
			a.URL = "http://127.0.0.1:" + m[1]
			a.Tenant = m[2]
			break
		}
		select {
		case <-a.done:
			t.Fatalf("the example exited before listening (%v):\n%s", a.err, a.stderr.String())
		case <-ctx.Done():
			t.Fatalf("the example did not start listening within %v:\n%s", startTimeout, a.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	a.waitReady(ctx, t)
	return a
}

// waitReady polls the public route until it answers 200.
func (a *app) waitReady(ctx context.Context, t *testing.T) {
	t.Helper()
	for {
		res, err := http.Get(a.URL + "/api/public")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the example never answered /api/public: last error %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// stop sends SIGTERM and waits for the process to exit.
func (a *app) stop(t *testing.T) error {
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

// checkLogHasNo fails when any of the secrets appears in the example's output.
func (a *app) checkLogHasNo(t *testing.T, secrets ...string) {
	t.Helper()
	log := a.stderr.String()
	for i, s := range secrets {
		if s != "" && strings.Contains(log, s) {
			t.Errorf("secret #%d (%.12s…) appears in the example's log", i, s)
		}
	}
}

// cleanEnv is the test's environment without the variables the example reads.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "AUTH0_") || strings.HasPrefix(name, "SESSION_") || name == "PORT" || name == "HOST" || strings.HasPrefix(name, "DEVTENANT_") || name == "GIN_MODE" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// getJSON does a GET with an optional bearer token.
func get(t *testing.T, url, token string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	var body bytes.Buffer
	if _, err := body.ReadFrom(res.Body); err != nil {
		t.Fatalf("GET %s: reading body: %v", url, err)
	}
	return res, body.Bytes()
}

func describe(res *http.Response, body []byte) string {
	return fmt.Sprintf("%d %s, WWW-Authenticate %q, body %s", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("WWW-Authenticate"), body)
}

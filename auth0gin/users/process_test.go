package users_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/management"
	"github.com/auth0gin/auth0gin/auth0gin/users"
)

// The test binary re-executes itself as an app instance when these are set.
const (
	envChild  = "USERS_TEST_CHILD"
	envTable  = "USERS_TEST_CHILD_TABLE"
	envTenant = "USERS_TEST_CHILD_TENANT"
	envToken  = "USERS_TEST_CHILD_TOKEN"
)

func TestMain(m *testing.M) {
	if os.Getenv(envChild) != "" {
		if err := child(); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// childResult is what an instance reports.
type childResult struct {
	Fetches int64   `json:"fetches"`
	IDs     []int64 `json:"ids"`
	Errors  int     `json:"errors"`
}

// child is one app instance: it verifies the token, says "ready", waits for
// "go" on stdin, then resolves the user from 100 goroutines at once.
func child() error {
	ctx := context.Background()
	tenantURL := os.Getenv(envTenant)
	auth, err := auth0gin.New(auth0gin.Config{
		Domain: strings.TrimSuffix(tenantURL, "/"), Audience: []string{devtenant.Audience}, EmailClaim: devtenant.EmailClaim,
	})
	if err != nil {
		return err
	}
	u, err := auth.Verify(ctx, os.Getenv(envToken))
	if err != nil {
		return err
	}
	st, err := users.OpenSQL(ctx, pgURL(), os.Getenv(envTable))
	if err != nil {
		return err
	}
	defer st.Close()
	mc, err := management.New(management.Config{
		Domain: tenantURL, ClientID: devtenant.M2MClient.ID, ClientSecret: devtenant.M2MClient.Secret,
	})
	if err != nil {
		return err
	}
	src := &counting{src: users.ManagementSource(mc)}
	res, err := users.New(context.Background(), nil, users.Config[users.User]{Store: st, Profiles: src})
	if err != nil {
		return err
	}
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return err
	}
	const n = 100
	out := childResult{IDs: make([]int64, n)}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := range n {
		wg.Go(func() {
			cur, err := res.Resolve(ctx, u)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				out.Errors++
				return
			}
			out.IDs[i] = cur.User.ID
		})
	}
	wg.Wait()
	out.Fetches = src.n.Load()
	return json.NewEncoder(os.Stdout).Encode(out)
}

// TestTwoProcesses: two instances on one PostgreSQL, 100 concurrent first
// requests each, make exactly one row, and each instance fetches the
// profile at most once.
func TestTwoProcesses(t *testing.T) {
	tenant := newTenant(t)
	table := pgSchema(t)
	st, err := users.OpenSQL(context.Background(), pgURL(), table)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	token := tenant.Token(t)

	type proc struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
		out   *bufio.Reader
	}
	var procs []proc
	for range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envChild+"=1", envTable+"="+table, envTenant+"="+tenant.URL, envToken+"="+token)
		cmd.Stderr = os.Stderr
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		procs = append(procs, proc{cmd, stdin, bufio.NewReader(stdout)})
	}
	for i, p := range procs {
		line, err := p.out.ReadString('\n')
		if err != nil || strings.TrimSpace(line) != "ready" {
			t.Fatalf("instance %d: %q %v", i, line, err)
		}
	}
	for _, p := range procs { // both are ready: release them together
		if _, err := io.WriteString(p.stdin, "go\n"); err != nil {
			t.Fatal(err)
		}
	}
	var ids = map[int64]bool{}
	var fetches int64
	for i, p := range procs {
		var r childResult
		done := make(chan error, 1)
		go func() { done <- json.NewDecoder(p.out).Decode(&r) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("instance %d: %v", i, err)
			}
		case <-time.After(time.Minute):
			t.Fatalf("instance %d did not answer", i)
		}
		if r.Errors != 0 || r.Fetches > 1 {
			t.Errorf("instance %d: %d errors, %d profile fetches (want 0 and at most 1)", i, r.Errors, r.Fetches)
		}
		fetches += r.Fetches
		for _, id := range r.IDs {
			ids[id] = true
		}
	}
	if len(ids) != 1 {
		t.Errorf("the instances saw %d different rows: %v", len(ids), ids)
	}
	if n, err := st.Count(context.Background()); err != nil || n != 1 {
		t.Errorf("rows: %d (%v), want 1", n, err)
	}
	t.Logf("profile fetches over both instances: %d", fetches)
}

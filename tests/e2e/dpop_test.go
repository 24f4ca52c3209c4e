package e2e

import (
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The DPoP recipe of docs/dpop.md against the example process and its
// embedded dev tenant, with the cmd/dpop binary: `dpop call` logs in with a
// throwaway key and calls GET /api/private-bound (200); then the curl steps:
// a key file, a bound token, and one proof per request, which a request
// carries as curl would (200), and not twice (401).
func TestDPoPHelper(t *testing.T) {
	a := startExample(t, nil)
	dir := t.TempDir()
	bin := filepath.Join(dir, "dpop")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/auth0gin/auth0gin/cmd/dpop").CombinedOutput(); err != nil {
		t.Fatalf("building cmd/dpop: %v\n%s", err, out)
	}
	dpop := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), bin, args...)
		cmd.Env = cleanEnv()
		out, err := cmd.Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			t.Fatalf("dpop %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr)
		}
		return strings.TrimSpace(string(out))
	}
	route := a.URL + "/api/private-bound"
	if out := dpop("call", "-tenant", a.Tenant, route); !strings.Contains(out, "200 OK") || !strings.Contains(out, "@clients") {
		t.Errorf("dpop call: %s", out)
	}

	key := filepath.Join(dir, "key.pem")
	dpop("key", "-out", key)
	token := dpop("token", "-key", key, "-tenant", a.Tenant, "-username", "alice@example.com", "-password", "alice-password")
	proof := dpop("proof", "-key", key, "GET", route, token)
	curl := func() int {
		req, _ := http.NewRequest(http.MethodGet, route, nil)
		req.Header.Set("Authorization", "DPoP "+token)
		req.Header.Set("DPoP", proof)
		res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := curl(); got != http.StatusOK {
		t.Errorf("the curl recipe: %d", got)
	}
	if got := curl(); got != http.StatusUnauthorized {
		t.Errorf("the same proof again: %d, want 401", got)
	}
	if res, _ := get(t, route, token); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the bound token as Bearer: %d, want 401", res.StatusCode)
	}
}

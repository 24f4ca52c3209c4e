package swaggerdocs

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/testutil"
)

// userModule copies testdata/apps into a module of its own that requires
// this checkout through a replace directive, and runs `swag init` in each
// app, as its author would. It returns the module's directory.
func userModule(t *testing.T) string {
	t.Helper()
	root := checkout(t)
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/apps")); err != nil {
		t.Fatal(err)
	}
	// The checkout's requirements (same versions), so the user's module
	// builds what the checkout builds.
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go .*$`).Find(mod)
	var requires []string
	for _, m := range regexp.MustCompile(`(?s)require \(.*?\)`).FindAll(mod, -1) {
		requires = append(requires, string(m))
	}
	gomod := fmt.Sprintf("module example.com/apps\n\n%s\n\nrequire github.com/auth0gin/auth0gin v0.0.0\n\nreplace github.com/auth0gin/auth0gin => %s\n\n%s\n",
		goLine, root, strings.Join(requires, "\n\n"))
	write(t, filepath.Join(dir, "go.mod"), gomod)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "go.sum"), string(sum))

	// swag as the checkout's tool directive pins it, built with the user's
	// own go environment (downloading what it needs).
	swag := filepath.Join(t.TempDir(), "swag")
	build := exec.Command("go", "build", "-o", swag, "github.com/swaggo/swag/cmd/swag")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building swag: %v\n%s", err, out)
	}
	// newapp's /me answers the library's users.User: swag reads that
	// package's models from its directory (-d), as the docs tell users, with
	// no --parseDependency (which parses every dependency: 10 s and more).
	list := command(dir, "go", "list", "-f", "{{.Dir}}", "github.com/auth0gin/auth0gin/auth0gin/users")
	list.Stderr = nil // "go: downloading ..." goes there, not into the directory
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	usersDir := strings.TrimSpace(string(out))
	run(t, filepath.Join(dir, "newapp"), swag, "init", "--quiet", "-g", "main.go", "-o", "docs", "-d", "./,"+usersDir)
	run(t, filepath.Join(dir, "handwritten"), swag, "init", "--quiet", "-g", "main.go", "-o", "docs")
	return dir
}

// checkout is the root of this repository.
func checkout(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// goEnv builds in the user's module only. The go command downloads what
// the module cache lacks, as it does for a user: no step may count on what
// another test happened to download (on a fresh machine the cache is
// empty). GOFLAGS from the environment (-modcacherw, ...) are kept.
func goEnv() []string {
	return append(os.Environ(), "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"), "GOWORK=off", "GOTOOLCHAIN=local")
}

// run runs a command in dir and fails the test, with its output, when it fails.
func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	out, err := command(dir, name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func command(dir, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, goEnv()
	return cmd
}

func TestUserApps(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two apps in a module of their own")
	}
	dir := userModule(t)
	t.Run("new app: the served spec", func(t *testing.T) { newAppServesItsSecurity(t, dir) })
	t.Run("new app: its contract test passes", func(t *testing.T) {
		out := run(t, dir, "go", "test", "-count=1", "-timeout", "300s", "-v", "-run", "TestAPIContract", "./newapp/")
		if !strings.Contains(out, "--- PASS: TestAPIContract") {
			t.Errorf("the contract test did not run:\n%s", out)
		}
	})
	t.Run("hand-written annotations: the contract test names both routes", func(t *testing.T) {
		out, err := command(dir, "go", "test", "-count=1", "-timeout", "300s", "-run", "TestAPIContract", "./handwritten/").CombinedOutput()
		if err == nil {
			t.Fatalf("the contract test passed for docs that drifted:\n%s", out)
		}
		for _, want := range []string{
			`auth0test: GET /api/stale: enforces the scopes ["read:messages"], which the docs do not name`,
			`auth0test: GET /api/stale: the documented scope "write:messages" is not enforced`,
			`auth0test: GET /api/forgotten: protected (401 without a token) but not in the docs`,
		} {
			if !strings.Contains(string(out), want) {
				t.Errorf("the failure does not say %q:\n%s", want, out)
			}
		}
		for _, quiet := range []string{"GET /api/ok:", "GET /api/public:", "GET /docs/"} {
			if strings.Contains(string(out), quiet) {
				t.Errorf("a route that keeps its contract is reported (%s):\n%s", quiet, out)
			}
		}
	})
}

// newAppServesItsSecurity builds and starts the new app against a tenant,
// and checks what its doc.json says and what its routes answer.
func newAppServesItsSecurity(t *testing.T, dir string) {
	tenant := auth0test.NewTenant(t)
	bin := filepath.Join(t.TempDir(), "newapp")
	run(t, dir, "go", "build", "-o", bin, "./newapp/")
	base := start(t, bin, map[string]string{
		"AUTH0_DOMAIN":       strings.TrimSuffix(tenant.URL, "/"),
		"AUTH0_API_AUDIENCE": devtenant.Audience,
		"AUTH0_CLIENT_ID":    devtenant.SPAClient.ID,
	})

	var doc struct {
		Definitions map[string]struct {
			Type, Flow, AuthorizationURL, TokenURL string
			Scopes                                 map[string]string
		} `json:"securityDefinitions"`
		Models map[string]struct {
			Properties map[string]any
		} `json:"definitions"`
		Paths map[string]map[string]struct {
			Security  []map[string][]string
			Responses map[string]struct {
				Headers map[string]any
			}
		}
	}
	status, body := get(t, base+"/docs/doc.json", "")
	if status != http.StatusOK {
		t.Fatalf("doc.json: %d", status)
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("doc.json: %v\n%s", err, body)
	}
	authorize := tenant.URL + "authorize?" + url.Values{"audience": {devtenant.Audience}}.Encode()
	scopes := map[string]string{"read:messages": "Read your messages", "write:messages": "Write messages",
		"openid":  "OpenID Connect: identify the user (sub); needed for /userinfo",
		"profile": "OpenID Connect: the user's name, nickname and picture at /userinfo",
		"email":   "OpenID Connect: the user's email address at /userinfo"}
	if m := doc.Models["users.User"]; m.Properties["auth0_id"] == nil || m.Properties["created_at"] == nil {
		t.Errorf("the library's users.User is not among the models: %+v", doc.Models)
	}
	for name, flow := range map[string]string{"Auth0ImplicitBearer": "implicit", "Auth0PKCE": "accessCode"} {
		d := doc.Definitions[name]
		if d.Type != "oauth2" || d.Flow != flow || d.AuthorizationURL != authorize || !reflect.DeepEqual(d.Scopes, scopes) {
			t.Errorf("%s = %+v, want flow %s, authorizationUrl %s, scopes %v", name, d, flow, authorize, scopes)
		}
		if flow == "accessCode" && d.TokenURL != tenant.URL+"oauth/token" {
			t.Errorf("%s tokenUrl = %q", name, d.TokenURL)
		}
	}
	for _, c := range []struct{ path, method, scope string }{
		{"/api/messages/{id}", "get", "read:messages"},
		{"/api/messages", "post", "write:messages"},
	} {
		op := doc.Paths[c.path][c.method]
		want := []map[string][]string{{"Auth0ImplicitBearer": {c.scope}}, {"Auth0PKCE": {c.scope}}}
		if !reflect.DeepEqual(op.Security, want) {
			t.Errorf("%s %s security = %v, want %v", c.method, c.path, op.Security, want)
		}
		for _, code := range []string{"401", "403"} {
			if op.Responses[code].Headers["WWW-Authenticate"] == nil {
				t.Errorf("%s %s: no %s with WWW-Authenticate", c.method, c.path, code)
			}
		}
	}
	if op := doc.Paths["/api/public"]["get"]; op.Security != nil {
		t.Errorf("the public route has security %v", op.Security)
	}

	// The served routes do what the docs say.
	for _, c := range []struct {
		token string
		want  int
	}{
		{"", http.StatusUnauthorized},
		{tenant.Token(t, auth0test.Scopes("write:messages")), http.StatusForbidden},
		{tenant.Token(t, auth0test.Scopes("read:messages")), http.StatusOK},
	} {
		if status, body := get(t, base+"/api/messages/m-1", c.token); status != c.want {
			t.Errorf("GET /api/messages/m-1: %d %s, want %d", status, body, c.want)
		}
	}
}

// start runs the app on a free port with env and waits until it answers.
func start(t *testing.T, bin string, env map[string]string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Dir = t.TempDir() // no .env
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "PORT=" + port, "GIN_MODE=release"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	log := &testutil.SyncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("app's log:\n%s", log.String())
		}
	})
	base := "http://127.0.0.1:" + port
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if res, err := http.Get(base + "/api/public"); err == nil {
			res.Body.Close()
			return base
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("the app did not start:\n%s", log.String())
	return ""
}

func get(t *testing.T, u, token string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b
}

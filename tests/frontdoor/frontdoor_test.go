package frontdoor

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
	"github.com/auth0gin/auth0gin/internal/testutil"
	"github.com/auth0gin/auth0gin/tests/internal/oascheck"
)

// maxWiringLines is the acceptance's budget for the app's wiring.
const maxWiringLines = 40

// app is the README's five-minute app.
type app struct {
	files   map[string]string // file name (main.go, main_test.go) → source
	swagCmd string            // the README's `go tool swag init ...` line
}

var (
	fence    = regexp.MustCompile("(?s)```go\n(.*?)```\n")
	fileName = regexp.MustCompile(`^//\s*yourapp/([A-Za-z0-9_]+\.go)\s*\n`)
	shFence  = regexp.MustCompile("(?s)```sh\n(.*?)```\n")
)

// readmeApp reads the app from README.md.
func readmeApp(t *testing.T) app {
	t.Helper()
	md, err := os.ReadFile(filepath.Join(checkout(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	a := app{files: map[string]string{}}
	for _, m := range fence.FindAllStringSubmatch(string(md), -1) {
		if f := fileName.FindStringSubmatch(m[1]); f != nil {
			a.files[f[1]] = m[1]
		}
	}
	for _, m := range shFence.FindAllStringSubmatch(string(md), -1) {
		for line := range strings.SplitSeq(m[1], "\n") {
			if strings.HasPrefix(line, "go tool swag init") {
				a.swagCmd = strings.TrimSpace(line)
			}
		}
	}
	if a.files["main.go"] == "" || a.files["main_test.go"] == "" {
		t.Fatalf("README.md has no ```go blocks naming yourapp/main.go and yourapp/main_test.go (found %d)", len(a.files))
	}
	if a.swagCmd == "" {
		t.Fatal("README.md has no ```sh line starting with `go tool swag init`")
	}
	return a
}

// checkout is the root of this repository.
func checkout(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// isHandler reports whether fn is a Gin handler: func(*gin.Context).
func isHandler(fn *ast.FuncDecl) bool {
	p := fn.Type.Params.List
	if fn.Recv != nil || fn.Type.Results != nil || len(p) != 1 || len(p[0].Names) > 1 {
		return false
	}
	star, ok := p[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Context" && fmt.Sprint(sel.X) == "gin"
}

// wiringLines counts the lines of the app's declarations other than imports
// and handlers (funcs of type func(*gin.Context)): the bodies of its funcs
// (main, setup, any helper) and whole var, const and type declarations,
// leaving out blank lines and comments. It returns the count per declaration.
func wiringLines(t *testing.T, name, src string) map[string]int {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	comment := map[int]bool{} // lines holding only a comment
	lines := strings.Split(src, "\n")
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			for l := fset.Position(c.Pos()).Line; l <= fset.Position(c.End()).Line; l++ {
				if strings.HasPrefix(strings.TrimSpace(lines[l-1]), "//") || strings.HasPrefix(strings.TrimSpace(lines[l-1]), "/*") {
					comment[l] = true
				}
			}
		}
	}
	count := map[string]int{}
	for _, d := range f.Decls {
		var label string
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				continue
			}
			label = d.Tok.String()
		case *ast.FuncDecl:
			if isHandler(d) {
				continue
			}
			label = "func " + d.Name.Name
		}
		from, to := fset.Position(d.Pos()).Line, fset.Position(d.End()).Line
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Body != nil {
			// A func's body: the lines between its braces.
			from, to = fset.Position(fn.Body.Lbrace).Line+1, fset.Position(fn.Body.Rbrace).Line-1
		}
		for l := from; l <= to; l++ {
			if strings.TrimSpace(lines[l-1]) != "" && !comment[l] {
				count[label]++
			}
		}
	}
	return count
}

// TestReadmeAppShape checks the README's app without building it: its
// wiring fits the budget, it annotates no library route, and swag runs
// without --parseDependency, from the README's command and from the app's
// //go:generate line alike.
func TestReadmeAppShape(t *testing.T) {
	a := readmeApp(t)
	total, parts := 0, []string{}
	for _, name := range []string{"main.go"} {
		for decl, n := range wiringLines(t, name, a.files[name]) {
			total += n
			parts = append(parts, fmt.Sprintf("%s: %d", decl, n))
		}
	}
	sort.Strings(parts)
	t.Logf("wiring: %d lines (%s)", total, strings.Join(parts, ", "))
	if total > maxWiringLines {
		t.Errorf("the README app's wiring is %d lines (%s), over the budget of %d", total, strings.Join(parts, ", "), maxWiringLines)
	}

	for name, src := range a.files {
		if regexp.MustCompile(`@Router\s+/auth/`).MatchString(src) {
			t.Errorf("%s annotates a library route (@Router /auth/...): Mount documents them", name)
		}
	}
	for _, want := range []string{
		`"github.com/auth0gin/auth0gin/auth0gin/store/redis"`,  // sessions on Redis
		`"github.com/auth0gin/auth0gin/auth0gin/store/sqlite"`, // users in SQLite
		"session.New(", "auth.Attach(sess)", "login.New(", ".Device(", "dev.Mount(api)", "users.New(",
		"swagger.Handler(", "auth.Router(", "{object}\tusers.User",
	} {
		if !strings.Contains(a.files["main.go"], want) {
			t.Errorf("the README app no longer has %s", want)
		}
	}
	if !strings.Contains(a.files["main_test.go"], "auth0test.CheckContract(") {
		t.Error("the README app's test does not call auth0test.CheckContract")
	}

	gen := generateLine(t, a)
	for _, cmd := range []string{a.swagCmd, gen} {
		if strings.Contains(cmd, "parseDependency") || strings.Contains(cmd, "--pd") {
			t.Errorf("swag parses every dependency (slow): %s", cmd)
		}
	}
	if gen != a.swagCmd {
		t.Errorf("the README's swag command and the app's //go:generate line differ:\n  %s\n  %s", a.swagCmd, gen)
	}
}

// generateLine is the command of main.go's //go:generate line, which runs
// it through sh -c.
func generateLine(t *testing.T, a app) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^//go:generate sh -c (".*")$`).FindStringSubmatch(a.files["main.go"])
	if m == nil {
		t.Fatal(`the README app's main.go has no //go:generate sh -c "go tool swag init ..." line`)
	}
	var cmd string
	if err := json.Unmarshal([]byte(m[1]), &cmd); err != nil {
		t.Fatalf("//go:generate %s: %v", m[1], err)
	}
	return cmd
}

// userModule writes the README's app into a module of its own that
// requires this checkout through a replace directive, with swag as a tool
// (what `go get -tool github.com/swaggo/swag/cmd/swag` leaves), and runs
// the README's swag command in it. It returns the module's directory.
func userModule(t *testing.T, a app) string {
	t.Helper()
	root := checkout(t)
	dir := t.TempDir()
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	// The checkout's requirements (same versions), so the user's module
	// builds what the checkout builds, swag included.
	goLine := regexp.MustCompile(`(?m)^go .*$`).Find(mod)
	var requires []string
	for _, m := range regexp.MustCompile(`(?s)require \(.*?\)`).FindAll(mod, -1) {
		requires = append(requires, string(m))
	}
	write(t, filepath.Join(dir, "go.mod"), fmt.Sprintf(
		"module example.com/yourapp\n\n%s\n\nrequire github.com/auth0gin/auth0gin v0.0.0\n\nreplace github.com/auth0gin/auth0gin => %s\n\n%s\n\ntool github.com/swaggo/swag/cmd/swag\n",
		goLine, root, strings.Join(requires, "\n\n")))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "go.sum"), string(sum))
	for name, src := range a.files {
		write(t, filepath.Join(dir, name), src)
	}
	start := time.Now()
	run(t, dir, nil, "sh", "-c", a.swagCmd)
	t.Logf("%s: %v", a.swagCmd, time.Since(start).Round(time.Millisecond))
	if _, err := os.Stat(filepath.Join(dir, "docs", "docs.go")); err != nil {
		t.Fatalf("swag init wrote no docs/docs.go: %v", err)
	}
	// Once the module builds, `go generate` runs the same command.
	if err := os.RemoveAll(filepath.Join(dir, "docs")); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	run(t, dir, nil, "go", "generate", ".")
	t.Logf("go generate: %v", time.Since(start).Round(time.Millisecond))
	if _, err := os.Stat(filepath.Join(dir, "docs", "docs.go")); err != nil {
		t.Fatalf("go generate wrote no docs/docs.go: %v", err)
	}
	return dir
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// env is the environment of a command in the user's module: the user's own
// go environment (the go command downloads what the module cache lacks; no
// step may count on what another test downloaded), without the settings of
// an app (AUTH0_*, SESSION_*, DATABASE_URL) the developer's shell may hold,
// plus extra.
func env(extra map[string]string) []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "AUTH0") || strings.HasPrefix(name, "SESSION_") || strings.HasPrefix(name, "DEVTENANT_") ||
			name == "DATABASE_URL" || name == "PORT" || name == "GOFLAGS" || name == "GOWORK" || name == "GOTOOLCHAIN" {
			continue
		}
		out = append(out, kv)
	}
	out = append(out, "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"), "GOWORK=off", "GOTOOLCHAIN=local")
	for k, v := range extra {
		out = append(out, k+"="+v)
	}
	return out
}

// run runs a command in dir and fails the test, with its output, when it fails.
func run(t *testing.T, dir string, extra map[string]string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env(extra)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestReadmeApp(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the README's app in a module of its own")
	}
	oascheck.Need(t) // before the slow steps: fail (CI) or skip at once
	a := readmeApp(t)
	dir := userModule(t, a)

	t.Run("its contract test passes, sessions on Redis", func(t *testing.T) {
		storeURL := redistest.WithPrefix(redistest.URL(), redistest.Prefix(t))
		args := []string{"test", "-count=1", "-v", "-run", "^TestContract$", "."}
		if raceEnabled {
			args = append(args[:1], append([]string{"-race"}, args[1:]...)...)
		}
		start := time.Now()
		out := run(t, dir, map[string]string{"SESSION_STORE_URL": storeURL, "DATABASE_URL": ""}, "go", args...)
		t.Logf("go %s: %v", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
		if !strings.Contains(out, "--- PASS: TestContract") {
			t.Errorf("the contract test did not run:\n%s", out)
		}
	})

	bin := filepath.Join(t.TempDir(), "yourapp")
	run(t, dir, nil, "go", "build", "-o", bin, ".")

	t.Run("its served spec passes swagger-cli and spectral; its logins answer", func(t *testing.T) {
		servedApp(t, bin)
	})

	t.Run("it links the drivers it imports, and only those", func(t *testing.T) {
		mods := modules(t, dir, bin)
		if !mods["modernc.org/sqlite"] || !mods["github.com/redis/go-redis/v9"] {
			t.Errorf("the app links neither SQLite nor Redis, which it imports: %v", mods)
		}
		// The same app on Redis alone: its store/sqlite import removed
		// (DATABASE_URL then needs store/postgres; it is left unset).
		var kept []string
		removed := 0
		for line := range strings.SplitSeq(a.files["main.go"], "\n") {
			if strings.Contains(line, `"github.com/auth0gin/auth0gin/auth0gin/store/sqlite"`) {
				removed++
				continue
			}
			kept = append(kept, line)
		}
		if removed != 1 {
			t.Fatalf("main.go imports store/sqlite on %d lines, want 1", removed)
		}
		write(t, filepath.Join(dir, "redisonly", "main.go"), strings.Join(kept, "\n"))
		redisOnly := filepath.Join(t.TempDir(), "redisonly")
		run(t, dir, nil, "go", "build", "-o", redisOnly, "./redisonly")
		mods = modules(t, dir, redisOnly)
		for m := range mods {
			if strings.HasPrefix(m, "modernc.org/sqlite") || strings.HasPrefix(m, "github.com/jackc/pgx") {
				t.Errorf("the app on Redis alone links %s", m)
			}
		}
		if !mods["github.com/redis/go-redis/v9"] {
			t.Errorf("the app on Redis alone does not link go-redis: %v", mods)
		}
	})
}

// modules lists the modules `go version -m` shows in a binary.
func modules(t *testing.T, dir, bin string) map[string]bool {
	t.Helper()
	out := run(t, dir, nil, "go", "version", "-m", bin)
	mods := map[string]bool{}
	for line := range strings.SplitSeq(out, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && (f[0] == "dep" || f[0] == "=>") {
			mods[f[1]] = true
		}
	}
	if len(mods) == 0 {
		t.Fatalf("go version -m lists no dependency:\n%s", out)
	}
	return mods
}

// servedApp runs the app against a tenant, with sessions in SQLite in
// memory, validates its /docs/doc.json and calls the README's routes.
func servedApp(t *testing.T, bin string) {
	tenant := auth0test.NewTenant(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Dir = t.TempDir() // no .env
	cmd.Env = env(map[string]string{
		"PORT":                      port,
		"GIN_MODE":                  "release",
		"AUTH0_DOMAIN":              strings.TrimSuffix(tenant.URL, "/"),
		"AUTH0_API_AUDIENCE":        devtenant.Audience,
		"AUTH0_CLIENT_ID":           devtenant.SPAClient.ID,
		"AUTH0_EMAIL_CLAIM":         devtenant.EmailClaim,
		"AUTH0_LOGIN_CLIENT_ID":     devtenant.RegularClient.ID,
		"AUTH0_LOGIN_CLIENT_SECRET": devtenant.RegularClient.Secret,
		"AUTH0GIN_ENCRYPTION_KEYS":  "test:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	})
	log := &testutil.SyncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("the app's log:\n%s", log.String())
		}
	})
	base := "http://127.0.0.1:" + port
	var spec []byte
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for spec == nil {
		if status, body := call(t, http.MethodGet, base+"/docs/doc.json", "", nil, false); status == http.StatusOK {
			spec = body
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the app did not serve /docs/doc.json:\n%s", log.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	oascheck.Validate(t, spec)

	token := tenant.Token(t, auth0test.Scopes("read:messages"))
	if status, body := call(t, http.MethodGet, base+"/api/me", token, nil, true); status != http.StatusOK || !strings.Contains(string(body), devtenant.Alice.Email) {
		t.Errorf("GET /api/me: %d %s", status, body)
	}
	form := url.Values{"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}}
	if status, body := call(t, http.MethodPost, base+"/auth/login", "", form, true); status != http.StatusOK || !strings.Contains(string(body), "access_token") {
		t.Errorf("POST /auth/login: %d %s", status, body)
	}
	if status, body := call(t, http.MethodPost, base+"/auth/device", "", url.Values{}, true); status != http.StatusOK || !strings.Contains(string(body), "user_code") {
		t.Errorf("POST /auth/device: %d %s", status, body)
	}
}

// call makes one request; a non-nil form is its body. A transport error
// fails t when must is set, else it is status 0.
func call(t *testing.T, method, u, token string, form url.Values, must bool) (int, []byte) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		if must {
			t.Fatalf("%s %s: %v", method, u, err)
		}
		return 0, nil
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b
}

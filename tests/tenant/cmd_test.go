package tenant

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

var issuerLine = regexp.MustCompile(`issuer\s+(http://127\.0\.0\.1:\d+/)`)

// startProgram builds cmd/devtenant and runs it on a free loopback port, as a
// developer would with `go run ./cmd/devtenant`, and returns its issuer.
func startProgram(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "devtenant")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/auth0gin/auth0gin/cmd/devtenant").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if m := issuerLine.FindStringSubmatch(lines.Text()); m != nil {
			go func() { // keep draining so the program never blocks on a full pipe
				for lines.Scan() {
				}
			}()
			return m[1]
		}
	}
	t.Fatalf("cmd/devtenant printed no issuer (%v)", lines.Err())
	return ""
}

func tokenFrom(t *testing.T, issuer string, form url.Values) string {
	t.Helper()
	res, err := http.PostForm(issuer+"oauth/token", form)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		Error        string `json:"error"`
	}
	if err := json.Unmarshal([]byte(readAll(t, res)), &body); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("/oauth/token: %d %v %+v", res.StatusCode, err, body)
	}
	return body.AccessToken
}

// TestProgramTokensValidateThroughCore: a password-grant and a client
// credentials token from the cmd/devtenant program give the Auth0User an app
// expects: the email from the namespaced claim for the person, none for the
// machine.
func TestProgramTokensValidateThroughCore(t *testing.T) {
	issuer := startProgram(t)
	auth := auth0gin.MustNew(auth0gin.Config{
		Domain: issuer, Audience: []string{devtenant.Audience}, EmailClaim: devtenant.EmailClaim, RolesClaim: devtenant.RolesClaim,
	})

	user, err := auth.Verify(t.Context(), tokenFrom(t, issuer, url.Values{
		"grant_type": {"password"}, "client_id": {devtenant.SPAClient.ID}, "audience": {devtenant.Audience},
		"username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password}, "scope": {"openid read:messages"},
	}))
	if err != nil {
		t.Fatal(err)
	}
	if user.ID != devtenant.Alice.ID || user.Email == nil || *user.Email != devtenant.Alice.Email || user.IsM2M() ||
		user.GrantType != "password" || !user.HasPermission("read:messages") || !user.HasRole("admin") {
		t.Errorf("password-grant user %+v", user)
	}

	machine, err := auth.Verify(t.Context(), tokenFrom(t, issuer, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {devtenant.M2MClient.ID},
		"client_secret": {devtenant.M2MClient.Secret}, "audience": {devtenant.Audience},
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !machine.IsM2M() || machine.Email != nil || machine.ID != devtenant.M2MClient.ID+"@clients" || machine.GrantType != "client-credentials" {
		t.Errorf("client-credentials user %+v", machine)
	}
}

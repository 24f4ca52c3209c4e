package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/joho/godotenv"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
	"github.com/auth0gin/auth0gin/auth0gin/management"
)

func TestCheckAddr(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:4000": true, "localhost:4000": true, "[::1]:4000": true,
		"0.0.0.0:4000": false, ":4000": false, "192.168.1.2:4000": false, "nonsense": false,
	} {
		if err := checkAddr(addr, false); (err == nil) != ok {
			t.Errorf("checkAddr(%q) = %v", addr, err)
		}
	}
	if err := checkAddr("0.0.0.0:4000", true); err != nil {
		t.Errorf("-allow-public: %v", err)
	}
}

func listen(t *testing.T) (*devtenant.Server, devtenant.Config) {
	t.Helper()
	cfg := devtenant.Default()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := devtenant.Listen("127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, cfg
}

func TestBanner(t *testing.T) {
	s, cfg := listen(t)
	var buf bytes.Buffer
	printBanner(&buf, s, cfg, true)
	for _, want := range []string{s.Issuer(), devtenant.Audience, devtenant.SPAClient.ID, devtenant.Alice.Email, devtenant.Alice.Password, "org_acme", "Acme Corporation", "org_globex", "auth0|alice (admin)", "devtenant: MFA one-time code", "https://example.com/amr"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, buf.String())
		}
	}
	buf.Reset()
	printBanner(&buf, s, cfg, false)
	for _, secret := range []string{devtenant.Alice.Password, devtenant.M2MClient.Secret, devtenant.RegularClient.Secret} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("banner shows the secret %q of a custom config:\n%s", secret, buf.String())
		}
	}
}

// The "Try:" block is everything an app needs: pasted as environment, the
// core trusts the tenant and reads the email of a token the printed curl
// command gets, password login has its client and keys, and the Management
// API client works.
func TestTryBlock(t *testing.T) {
	s, cfg := listen(t)
	var buf bytes.Buffer
	printBanner(&buf, s, cfg, true)
	_, try, ok := strings.Cut(buf.String(), "\nTry:")
	if !ok {
		t.Fatalf("no Try: block:\n%s", buf.String())
	}
	var exports, curl []string
	for _, line := range strings.Split(try, "\n") {
		switch {
		case strings.HasPrefix(line, "export "):
			exports = append(exports, line)
		case strings.HasPrefix(line, "curl "):
			curl = shellWords(t, line)
		}
	}
	env, err := godotenv.Unmarshal(strings.Join(exports, "\n")) // as a .env file
	if err != nil {
		t.Fatalf("the block is not a valid .env: %v\n%s", err, try)
	}
	want := map[string]string{
		"AUTH0_DOMAIN":              strings.TrimSuffix(s.Issuer(), "/"),
		"AUTH0_API_AUDIENCE":        devtenant.Audience,
		"AUTH0_CLIENT_ID":           devtenant.SPAClient.ID,
		"AUTH0_EMAIL_CLAIM":         devtenant.EmailClaim,
		"AUTH0_ROLES_CLAIM":         devtenant.RolesClaim,
		"AUTH0_AUTH_TIME_CLAIM":     "https://example.com/auth_time",
		"AUTH0_ACR_CLAIM":           "https://example.com/acr",
		"AUTH0_AMR_CLAIM":           "https://example.com/amr",
		"AUTH0_LOGIN_CLIENT_ID":     devtenant.RegularClient.ID,
		"AUTH0_LOGIN_CLIENT_SECRET": devtenant.RegularClient.Secret,
		"AUTH0_M2M_CLIENT_ID":       devtenant.M2MClient.ID,
		"AUTH0_M2M_CLIENT_SECRET":   devtenant.M2MClient.Secret,
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	if _, err := login.ParseKeys(env["AUTH0GIN_ENCRYPTION_KEYS"]); err != nil {
		t.Errorf("AUTH0GIN_ENCRYPTION_KEYS: %v", err)
	}
	for k, v := range env {
		t.Setenv(k, v)
	}

	// The curl command: curl -s URL -d k=v ...
	if len(curl) < 3 || curl[1] != "-s" {
		t.Fatalf("curl command: %q", curl)
	}
	form := url.Values{}
	for i := 3; i+1 < len(curl); i += 2 {
		k, v, _ := strings.Cut(curl[i+1], "=")
		if curl[i] != "-d" {
			t.Fatalf("curl command: %q", curl)
		}
		form.Set(k, v)
	}
	res, err := http.PostForm(curl[2], form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("curl's token request: %d %v", res.StatusCode, err)
	}

	ctx := context.Background()
	auth, err := auth0gin.New(auth0gin.FromEnv())
	if err != nil {
		t.Fatal(err)
	}
	user, err := auth.Verify(ctx, body.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if user.Email == nil || *user.Email != devtenant.Alice.Email || !user.HasScope("read:messages") {
		t.Errorf("the token's user: %+v", user)
	}
	if lc := login.FromEnv(); lc.ClientID != devtenant.RegularClient.ID || lc.ClientSecret != devtenant.RegularClient.Secret || lc.Keys == nil {
		t.Errorf("login.FromEnv: client %q, keys %v", lc.ClientID, lc.Keys)
	}
	mgmt, err := management.New(management.FromEnv())
	if err != nil {
		t.Fatal(err)
	}
	if u, err := mgmt.GetUser(ctx, devtenant.Alice.ID); err != nil || u.Email != devtenant.Alice.Email {
		t.Errorf("Management API: %+v, %v", u, err)
	}
}

// shellWords splits a command line of plain and single-quoted words.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for _, r := range line {
		switch {
		case quoted && r == '\'':
			quoted = false
		case quoted:
			cur.WriteRune(r)
		case r == '\'':
			quoted, inWord = true, true
		case r == ' ':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quote in %q", line)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

func TestRunRejectsPublicAddr(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run([]string{"-addr", "0.0.0.0:0"}, &out, &errOut); err == nil || !strings.Contains(err.Error(), "allow-public") {
		t.Errorf("run = %v", err)
	}
}

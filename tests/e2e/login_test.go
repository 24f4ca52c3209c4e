package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/testenv/redistest"
)

type loginAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

func postJSON(t *testing.T, url, bearer string, body any) (*http.Response, []byte) {
	t.Helper()
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(res.Body)
	return res, out.Bytes()
}

// TestExamplePasswordLogin: the example with its embedded tenant serves
// POST /auth/login and POST /auth/refresh with the tenant's regular web
// client and an ephemeral key; no refresh token or client secret shows.
func TestExamplePasswordLogin(t *testing.T) {
	app := startExample(t, map[string]string{"DEVTENANT_ADDR": "127.0.0.1:0", "AUTH0GIN_ENCRYPTION_KEYS": "", "SESSION_STORE_URL": ""})
	res, body := postJSON(t, app.URL+"/auth/login", "", map[string]string{"username": devtenant.Alice.Email, "password": devtenant.Alice.Password})
	var a loginAnswer
	if res.StatusCode != 200 || json.Unmarshal(body, &a) != nil || a.AccessToken == "" || a.TokenType != "Bearer" {
		t.Fatalf("login: %s", describe(res, body))
	}
	if strings.Contains(string(body), "refresh") || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("login answer: %s, Cache-Control %q", body, res.Header.Get("Cache-Control"))
	}
	if res, body := get(t, app.URL+"/api/private-scoped", a.AccessToken); res.StatusCode != 200 {
		t.Fatalf("the login's token: %s", describe(res, body))
	}
	res, body = postJSON(t, app.URL+"/auth/refresh", a.AccessToken, nil)
	var b loginAnswer
	if res.StatusCode != 200 || json.Unmarshal(body, &b) != nil || b.AccessToken == "" || b.AccessToken == a.AccessToken {
		t.Fatalf("refresh: %s", describe(res, body))
	}
	if res, body := get(t, app.URL+"/api/private-scoped", b.AccessToken); res.StatusCode != 200 {
		t.Fatalf("the refreshed token: %s", describe(res, body))
	}
	res, body = postJSON(t, app.URL+"/auth/login", "", map[string]string{"username": devtenant.Alice.Email, "password": "wrong"})
	if res.StatusCode != 401 || !strings.Contains(string(body), "Wrong email or password.") {
		t.Errorf("wrong password: %s", describe(res, body))
	}
	if !strings.Contains(app.Log.String(), "ephemeral key") {
		t.Error("no warning about the ephemeral key")
	}
	if err := app.Stop(t); err != nil {
		t.Errorf("exit: %v", err)
	}
	app.CheckLogHasNo(t, a.AccessToken, b.AccessToken, devtenant.RegularClient.Secret)
}

// TestExampleRefusesWithoutKey: with a real tenant and a login client but
// no AUTH0GIN_ENCRYPTION_KEYS, the example does not start.
func TestExampleRefusesWithoutKey(t *testing.T) {
	tenant := startTenant(t)
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exampleBin)
	cmd.Dir = t.TempDir()
	cmd.Env = append(cleanEnv(), "PORT=0", "AUTH0GIN_ENCRYPTION_KEYS=", "SESSION_STORE_URL=",
		"AUTH0_DOMAIN="+strings.TrimSuffix(tenant.URL, "/"), "AUTH0_API_AUDIENCE="+devtenant.Audience,
		"AUTH0_LOGIN_CLIENT_ID="+devtenant.RegularClient.ID, "AUTH0_LOGIN_CLIENT_SECRET="+devtenant.RegularClient.Secret)
	out, err := cmd.CombinedOutput()
	if err == nil || ctx.Err() != nil {
		t.Fatalf("the example started without a key (%v):\n%s", err, out)
	}
	if !strings.Contains(string(out), "AUTH0GIN_ENCRYPTION_KEYS") {
		t.Errorf("the refusal does not name AUTH0GIN_ENCRYPTION_KEYS:\n%s", out)
	}
	if strings.Contains(string(out), devtenant.RegularClient.Secret) {
		t.Error("the client secret appears in the output")
	}
}

// TestExamplePasswordLoginTwoInstances: two example processes on one Redis
// (SESSION_STORE_URL with a key prefix of the test's own) and one tenant:
// a login on A refreshes on B, and 5 + 5 racing refreshes of one token on A
// and B make one refresh grant at the tenant and all get the same token.
func TestExamplePasswordLoginTwoInstances(t *testing.T) {
	tenant := startTenant(t)
	var raw [32]byte
	_, _ = rand.Read(raw[:])
	key := "e2e:" + base64.StdEncoding.EncodeToString(raw[:])
	env := map[string]string{
		"AUTH0_DOMAIN":              tenant.URL,
		"AUTH0_API_AUDIENCE":        devtenant.Audience,
		"AUTH0_CLIENT_ID":           devtenant.SPAClient.ID,
		"AUTH0_LOGIN_CLIENT_ID":     devtenant.RegularClient.ID,
		"AUTH0_LOGIN_CLIENT_SECRET": devtenant.RegularClient.Secret,
		"AUTH0GIN_ENCRYPTION_KEYS":  key,
		"SESSION_STORE_URL":         redistest.URL() + "?key_prefix=" + redistest.Prefix(t),
	}
	a, b := startExample(t, env), startExample(t, env)
	res, body := postJSON(t, a.URL+"/auth/login", "", map[string]string{"username": devtenant.Alice.Email, "password": devtenant.Alice.Password})
	var first loginAnswer
	if res.StatusCode != 200 || json.Unmarshal(body, &first) != nil {
		t.Fatalf("login on A: %s", describe(res, body))
	}
	before := tenant.Stats().Grants["refresh_token"]
	got := make([]string, 10)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, body := postJSON(t, []*app{a, b}[i%2].URL+"/auth/refresh", first.AccessToken, nil)
			var x loginAnswer
			if res.StatusCode == 200 && json.Unmarshal(body, &x) == nil {
				got[i] = x.AccessToken
			} else {
				t.Errorf("refresh %d: %s", i, describe(res, body))
			}
		}()
	}
	wg.Wait()
	for i := range got {
		if got[i] == "" || got[i] != got[0] || got[i] == first.AccessToken {
			t.Fatalf("refresh %d got another token", i)
		}
	}
	if n := tenant.Stats().Grants["refresh_token"] - before; n != 1 {
		t.Errorf("%d refresh grants at the tenant, want 1", n)
	}
	if s := tenant.Stats(); s.RefreshReuseRevocations != 0 {
		t.Errorf("reuse detection fired: %+v", s)
	}
	if res, body := postJSON(t, b.URL+"/auth/refresh", got[0], nil); res.StatusCode != 200 {
		t.Fatalf("refresh of the new token on B: %s", describe(res, body))
	}
	a.CheckLogHasNo(t, key, devtenant.RegularClient.Secret)
	b.CheckLogHasNo(t, key, devtenant.RegularClient.Secret)
}

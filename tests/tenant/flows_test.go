package tenant

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// callback is where Swagger UI would receive the answer; nothing listens
// there: the client stops at the redirect and reads it.
const callback = "http://127.0.0.1:6060/docs/oauth2-redirect.html"

var (
	formAction = regexp.MustCompile(`<form method="post" action="([^"]*)"`)
	formState  = regexp.MustCompile(`name="state" value="([^"]*)"`)
)

// browser is a plain HTTP client with a cookie jar that stops at the
// callback, as a browser's address bar would show it.
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), callback) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
}

// login opens /authorize with q, fills the login page as alice and returns
// the URL the tenant redirects to.
func login(t *testing.T, tenant *auth0test.Tenant, q url.Values) *url.URL {
	t.Helper()
	c := browser(t)
	res, err := c.Get(tenant.URL + "authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(t, res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/authorize: %d %s", res.StatusCode, page)
	}
	action, state := formAction.FindStringSubmatch(page), formState.FindStringSubmatch(page)
	if action == nil || state == nil {
		t.Fatalf("no login form in %s", page)
	}
	target, err := res.Request.URL.Parse(html.UnescapeString(action[1]))
	if err != nil {
		t.Fatal(err)
	}
	res, err = c.PostForm(target.String(), url.Values{
		"state": {html.UnescapeString(state[1])}, "username": {devtenant.Alice.Email}, "password": {devtenant.Alice.Password},
	})
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, res)
	loc, err := res.Location()
	if err != nil || !strings.HasPrefix(loc.String(), callback) {
		t.Fatalf("login answered %d (%v) %s", res.StatusCode, err, body)
	}
	return loc
}

func authorizeQuery(responseType string) url.Values {
	return url.Values{
		"response_type": {responseType},
		"client_id":     {devtenant.SPAClient.ID},
		"redirect_uri":  {callback},
		"audience":      {devtenant.Audience},
		"scope":         {"openid email read:messages"},
		"state":         {"st-" + rand.Text()},
		"nonce":         {"n-" + rand.Text()},
	}
}

func checkUser(t *testing.T, tenant *auth0test.Tenant, token string) {
	t.Helper()
	auth := auth0gin.MustNew(tenant.Config())
	u, err := auth.Verify(t.Context(), token)
	if err != nil {
		t.Fatalf("auth0gin refused the flow's token: %v", err)
	}
	if u.ID != devtenant.Alice.ID || u.Email == nil || *u.Email != devtenant.Alice.Email || !u.HasScope("read:messages") {
		t.Errorf("user %+v", u)
	}
}

func TestImplicitFlowThroughLoginPage(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	q := authorizeQuery("token")
	loc := login(t, tenant, q)
	frag, err := url.ParseQuery(loc.Fragment)
	if err != nil {
		t.Fatal(err)
	}
	if frag.Get("state") != q.Get("state") || frag.Get("token_type") != "Bearer" || frag.Get("expires_in") == "" {
		t.Fatalf("fragment %v", frag)
	}
	checkUser(t, tenant, frag.Get("access_token"))
}

func TestCodePKCEFlowThroughLoginPage(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	// start logs in with a fresh PKCE pair and returns the code and its verifier.
	start := func() (code, verifier string) {
		verifier = rand.Text() + rand.Text()
		sum := sha256.Sum256([]byte(verifier))
		q := authorizeQuery("code")
		q.Set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
		q.Set("code_challenge_method", "S256")
		loc := login(t, tenant, q)
		if loc.Query().Get("state") != q.Get("state") || loc.Query().Get("code") == "" {
			t.Fatalf("redirect %v", loc)
		}
		return loc.Query().Get("code"), verifier
	}
	exchange := func(code, verifier string) (int, map[string]any) {
		res, err := http.PostForm(tenant.URL+"oauth/token", url.Values{
			"grant_type": {"authorization_code"}, "client_id": {devtenant.SPAClient.ID},
			"code": {code}, "redirect_uri": {callback}, "code_verifier": {verifier},
		})
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, jsonBody(t, res)
	}

	code, verifier := start()
	status, body := exchange(code, verifier)
	if status != http.StatusOK || body["token_type"] != "Bearer" {
		t.Fatalf("token exchange: %d %v", status, body)
	}
	checkUser(t, tenant, body["access_token"].(string))
	if status, body := exchange(code, verifier); status != http.StatusForbidden || body["error"] != "invalid_grant" {
		t.Errorf("a code is single use: %d %v", status, body)
	}

	code, _ = start()
	if status, body := exchange(code, "a-wrong-verifier-"+rand.Text()); status != http.StatusForbidden || body["error"] != "invalid_grant" {
		t.Errorf("wrong verifier: %d %v", status, body)
	}
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// jsonBody reads and decodes a JSON object answer.
func jsonBody(t *testing.T, res *http.Response) map[string]any {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal([]byte(readAll(t, res)), &body); err != nil {
		t.Fatal(err)
	}
	return body
}

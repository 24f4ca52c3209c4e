package login_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
)

// specName is the name the swagger writer gives a model: its Go type's,
// first letter upper-cased.
func specName(v any) string {
	if v == nil {
		return ""
	}
	n := reflect.TypeOf(v).Name()
	return string(unicode.ToUpper(rune(n[0]))) + n[1:]
}

// Password login composed with sessions as an app writes it: the login
// starts a session through the session Manager (Config.Sessions), and the
// session's POST /auth/logout ends the refresh token too (sess.Mount(api,
// lg)). Every route answers under the group's prefix and is documented.
func TestMountWithSessions(t *testing.T) {
	tenant := newTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	sst, err := store.Open(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer sst.Close()
	sess, err := session.New(t.Context(), auth, sst, session.Config{LoginsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	auth.Attach(sess)
	keys, err := login.ParseKeys(keyA)
	if err != nil {
		t.Fatal(err)
	}
	lg, err := login.New(auth, newMemStore(), login.Config{
		ClientID: regularClientID, ClientSecret: regularClientSecret, Keys: keys,
		LoginsPerMinute: -1, Sessions: sess,
	})
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.TestMode)
	r := gin.New()
	api := auth.Router(r).Group("/v1")
	sess.Mount(api, lg)
	lg.Mount(api)
	api.GET("/me", auth.RequireScopes(), func(c *gin.Context) { c.String(200, auth0gin.MustUser(c).ID) })
	srv := httptest.NewServer(r)
	defer srv.Close()

	docs := map[string]*auth0gin.Operation{}
	for _, op := range auth.Operations() {
		docs[op.Path] = &op
	}
	for path, want := range map[string]struct {
		id      string
		guarded bool
		models  []string
	}{
		"/v1/auth/login":   {"login", false, []string{"LoginCredentials", "LoginAnswer", "LoginError"}},
		"/v1/auth/refresh": {"refreshToken", true, []string{"LoginAnswer", "LoginError"}},
		"/v1/auth/logout":  {"logout", false, nil},
	} {
		op := docs[path]
		if op == nil || op.Doc == nil || op.Doc.ID != want.id || op.Guarded != want.guarded || op.Doc.Summary == "" {
			t.Errorf("%s: %+v", path, op)
			continue
		}
		if want.id != "logout" && (op.Doc.Tag != "login" || (want.guarded && op.ExpiredWithin <= 0)) {
			t.Errorf("%s: tag %q, expired within %v", path, op.Doc.Tag, op.ExpiredWithin)
		}
		models := map[string]bool{specName(op.Doc.Body): true}
		for _, res := range op.Doc.Responses {
			models[specName(res.Model)] = true
		}
		for _, m := range want.models {
			if !models[m] {
				t.Errorf("%s: no model %s among %v", path, m, models)
			}
		}
	}

	send := func(method, path string, hdr map[string]string, body string) (int, http.Header, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, string(b)
	}
	creds := `{"username":"` + devtenant.Alice.Email + `","password":"` + devtenant.Alice.Password + `"}`
	jsonH := map[string]string{"Content-Type": "application/json"}

	// A page of another site cannot log its visitor in (login CSRF).
	if code, _, body := send("POST", "/v1/auth/login", map[string]string{"Content-Type": "application/json",
		"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, creds); code != 403 || !strings.Contains(body, "csrf_rejected") {
		t.Errorf("a cross-site login: %d %s", code, body)
	}
	code, h, body := send("POST", "/v1/auth/login", jsonH, creds)
	cs := (&http.Response{Header: h}).Cookies()
	if code != 200 || len(cs) != 1 || cs[0].Name != "auth0gin_session" || !cs[0].HttpOnly || strings.Contains(body, "refresh_token") {
		t.Fatalf("login: %d %v %s", code, h, body)
	}
	var a login.Answer
	if err := json.Unmarshal([]byte(body), &a); err != nil || a.AccessToken == "" {
		t.Fatalf("login: %s", body)
	}
	cookie := map[string]string{"Cookie": cs[0].Name + "=" + cs[0].Value}
	if code, _, body := send("GET", "/v1/me", cookie, ""); code != 200 || body != devtenant.Alice.ID {
		t.Errorf("the session of a password login: %d %s", code, body)
	}
	code, _, body = send("POST", "/v1/auth/refresh", map[string]string{"Authorization": "Bearer " + a.AccessToken}, "")
	var b login.Answer
	if err := json.Unmarshal([]byte(body), &b); code != 200 || err != nil || b.AccessToken == "" {
		t.Fatalf("refresh: %d %s", code, body)
	}
	// One logout ends both: the cookie's session and the refresh token.
	if code, h, body := send("POST", "/v1/auth/logout", map[string]string{"Cookie": cookie["Cookie"], "Authorization": "Bearer " + b.AccessToken}, ""); code != 204 ||
		!strings.Contains(h.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("logout: %d %v %s", code, h, body)
	}
	if code, _, body := send("GET", "/v1/me", cookie, ""); code != 401 {
		t.Errorf("the session after logout: %d %s", code, body)
	}
	if code, _, body := send("POST", "/v1/auth/refresh", map[string]string{"Authorization": "Bearer " + b.AccessToken}, ""); code != 401 || !strings.Contains(body, "invalid_token") {
		t.Errorf("a refresh after logout: %d %s", code, body)
	}
	if s := tenant.Stats(); s.RefreshRevocations < 1 {
		t.Errorf("the logout revoked no refresh token: %+v", s)
	}
	if code, _, _ := send("POST", "/auth/login", jsonH, creds); code != 404 {
		t.Errorf("outside the prefix: %d", code)
	}
}

// An API that requires DPoP everywhere still mounts password login: its
// refresh route takes the Bearer tokens the login issues (DPoP "off" on
// that route), where ExpiredWithin under "required" would panic.
func TestMountUnderDPoPRequired(t *testing.T) {
	tenant := newTenant(t)
	cfg := tenant.Config()
	cfg.DPoP = "required"
	cfg.PublicOrigin = "https://api.example.com"
	auth := auth0gin.MustNew(cfg)
	keys, err := login.ParseKeys(keyA)
	if err != nil {
		t.Fatal(err)
	}
	lg, err := login.New(auth, newMemStore(), login.Config{
		ClientID: regularClientID, ClientSecret: regularClientSecret, Keys: keys, LoginsPerMinute: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	lg.Mount(auth.Router(r)) // panicked before the route said DPoP "off"
	for _, op := range auth.Operations() {
		if op.Path == "/auth/refresh" && op.DPoP != "off" {
			t.Errorf("/auth/refresh documents DPoP %q, want off", op.DPoP)
		}
	}
}

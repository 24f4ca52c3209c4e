package devtenant_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// TestBadInputNever5xx throws broken and hostile requests at every endpoint.
func TestBadInputNever5xx(t *testing.T) {
	e := newEnv(t)
	big := bytes.Repeat([]byte("a"), 2<<20)
	bodies := []struct{ ct, body string }{
		{"application/json", `{"grant_type":`},
		{"application/json", `[1,2,3]`},
		{"application/json", `{"grant_type":{"x":1},"client_id":["a"]}`},
		{"application/json", `null`},
		{"application/x-www-form-urlencoded", "%zz=%%%&;;"},
		{"application/x-www-form-urlencoded", "grant_type=password&client_id=" + devtenant.SPAClient.ID + "&username=a&password=b&scope=%00%01"},
		{"text/plain", "hello"},
		{"application/json", `{"grant_type":"refresh_token","client_id":"` + devtenant.SPAClient.ID + `","refresh_token":null}`},
		{"application/x-www-form-urlencoded", "grant_type=password&" + string(big)},
		{"application/json", `{"email":"` + string(big) + `"}`},
	}
	m2m := e.m2m(t, e.ManagementAudience())
	paths := []struct{ method, path string }{
		{"POST", "oauth/token"}, {"POST", "oauth/device/code"}, {"POST", "oauth/revoke"}, {"POST", "u/login"}, {"POST", "activate"},
		{"POST", "api/v2/users"}, {"PATCH", "api/v2/users/" + url.PathEscape(devtenant.Alice.ID)},
	}
	for _, p := range paths {
		for _, b := range bodies {
			req, _ := http.NewRequest(p.method, e.url+p.path, strings.NewReader(b.body))
			req.Header.Set("Content-Type", b.ct)
			if strings.HasPrefix(p.path, "api/") {
				req.Header.Set("Authorization", "Bearer "+m2m)
			}
			r := do(t, nil, req)
			if r.status >= 500 || (r.status < 400 && p.path != "oauth/device/code") {
				t.Errorf("%s %s with %.40q: %d %s", p.method, p.path, b.body, r.status, r.body)
			}
			if len(b.body) > 1<<20 && r.status != http.StatusRequestEntityTooLarge && !strings.HasPrefix(p.path, "u/") && p.path != "activate" {
				t.Errorf("%s %s with a 2 MiB body: %d, want 413", p.method, p.path, r.status)
			}
		}
	}
	if r := e.postJSON(t, "oauth/token", `{"grant_type":`, ""); r.str("error") != "invalid_request" {
		t.Errorf("broken JSON: %s", r.body)
	}
	for _, path := range []string{
		"authorize?" + strings.Repeat("a=b&", 2000), "authorize?client_id=%ff%fe", "userinfo", "api/v2/users/%00", "v2/logout?returnTo=%zz",
		"api/v2/users?q=" + url.QueryEscape(`email:"`), "api/v2/users?page=-1", "activate?user_code=<script>", "nope", ".well-known/nope",
	} {
		req, _ := http.NewRequest("GET", e.url+path, nil)
		req.Header.Set("Authorization", "Bearer "+m2m)
		if r := do(t, nil, req); r.status >= 500 {
			t.Errorf("GET %s: %d %s", path, r.status, r.body)
		}
	}
	for _, h := range []string{"Bearer", "Bearer ", "Basic xxx", "Bearer a.b.c", "Bearer " + strings.Repeat("x", 20000), "Bearer eyJhbGciOiJub25lIn0.e30."} {
		req, _ := http.NewRequest("GET", e.url+"userinfo", nil)
		req.Header.Set("Authorization", h)
		if r := do(t, nil, req); r.status != 401 {
			t.Errorf("userinfo with %.30q: %d", h, r.status)
		}
	}
}

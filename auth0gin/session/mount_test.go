package session_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/session"
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

// Mount serves the session and device routes under the router's prefix,
// and records each with its Doc: an operation id, a tag, and the models of
// the API's names.
func TestMount(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	sess, err := session.New(t.Context(), auth, newStore(t), session.Config{LoginsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	auth.Attach(sess)
	dev, err := sess.Device(session.DeviceConfig{})
	if err != nil {
		t.Fatal(err)
	}
	end := &ender{}
	gin.SetMode(gin.TestMode)
	r := gin.New()
	v1 := auth.Router(r).Group("/v1")
	sess.Mount(v1, end)
	dev.Mount(v1)
	v1.GET("/me", auth.RequireScopes(), func(c *gin.Context) { c.String(200, auth0gin.MustUser(c).ID) })
	e := &env{t: t, tenant: tenant, srv: httptest.NewServer(r), seen: &seenLog{}}
	defer e.srv.Close()

	type want struct {
		id, tag string
		guarded bool
		models  []string
	}
	wants := map[string]want{
		"/v1/auth/session":     {"createSession", "session", true, []string{"SessionInfo", "ErrorBody"}},
		"/v1/auth/ping":        {"pingSession", "session", false, []string{"ErrorBody"}},
		"/v1/auth/logout":      {"logout", "session", false, []string{"ErrorBody"}},
		"/v1/auth/device":      {"startDeviceLogin", "device", false, []string{"DeviceStart", "ErrorBody"}},
		"/v1/auth/device/poll": {"pollDeviceLogin", "device", false, []string{"DevicePollRequest", "DeviceSession", "DevicePollError", "ErrorBody"}},
	}
	seen := map[string]bool{}
	for _, op := range auth.Operations() {
		w, ok := wants[op.Path]
		if !ok {
			continue
		}
		seen[op.Path] = true
		if op.Method != http.MethodPost || op.Doc == nil || op.Doc.ID != w.id || op.Doc.Tag != w.tag || op.Guarded != w.guarded ||
			op.Doc.Summary == "" || op.Doc.Description == "" || len(op.Doc.Responses) < 2 {
			t.Errorf("%s: %+v, doc %+v", op.Path, op, op.Doc)
			continue
		}
		models := map[string]bool{specName(op.Doc.Body): op.Doc.Body != nil}
		for _, res := range op.Doc.Responses {
			if res.Description == "" {
				t.Errorf("%s %d: no description", op.Path, res.Status)
			}
			models[specName(res.Model)] = res.Model != nil
		}
		for _, m := range w.models {
			if !models[m] {
				t.Errorf("%s: no model %s among %v", op.Path, m, models)
			}
		}
	}
	for p := range wants {
		if !seen[p] {
			t.Errorf("%s is not documented", p)
		}
	}

	// The routes answer under the prefix.
	if r := e.do("POST", "/v1/auth/session", nil); r.code != 401 {
		t.Errorf("a login without a token: %d %s", r.code, r.raw)
	}
	r1 := e.do("POST", "/v1/auth/session", map[string]string{"Authorization": "Bearer " + tenant.Token(t)})
	cs := (&http.Response{Header: r1.h}).Cookies()
	if r1.code != 200 || len(cs) != 1 || !cs[0].HttpOnly || strings.Contains(r1.raw, cs[0].Value) {
		t.Fatalf("login: %d %v %s", r1.code, r1.h, r1.raw)
	}
	if r := e.do("GET", "/v1/me", cookieH(cs[0])); r.code != 200 {
		t.Errorf("the cookie on a guarded route: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/v1/auth/ping", cookieH(cs[0])); r.code != 204 {
		t.Errorf("ping: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/v1/auth/ping", with(cookieH(cs[0]), "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")); r.code != 403 || r.body["error"] != "csrf_rejected" {
		t.Errorf("a cross-site ping: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/v1/auth/device", nil); r.code != 200 || r.body["poll_id"] == nil || r.body["device_code"] != nil {
		t.Errorf("device start: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/v1/auth/device/poll", nil); r.code != 400 || r.body["error"] != "invalid_request" {
		t.Errorf("a poll without a body: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/v1/auth/logout", with(cookieH(cs[0]), "Authorization", "Bearer tok")); r.code != 204 || len(end.ended) != 1 || end.ended[0] != "tok" {
		t.Errorf("logout: %d %s, ended %v", r.code, r.raw, end.ended)
	}
	if r := e.do("GET", "/v1/me", cookieH(cs[0])); r.code != 401 {
		t.Errorf("the cookie after logout: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/auth/session", nil); r.code != 404 {
		t.Errorf("outside the prefix: %d", r.code)
	}
}

// With opaque tokens accepted, /auth/session has no JWT guard in front (it
// would refuse every opaque token), and the spec says it is public.
func TestMountOpaque(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	sess, err := session.New(t.Context(), auth, newStore(t), session.Config{OpaqueTokens: &session.OpaqueConfig{}})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	sess.Mount(auth.Router(gin.New()))
	for _, op := range auth.Operations() {
		if op.Path == "/auth/session" && (op.Guarded || op.Doc == nil || op.Doc.ID != "createSession") {
			t.Errorf("%+v", op)
		}
	}
}

// FromEnv reads the SESSION_* variables; a value it cannot read is
// reported by New as a configuration error naming the variable.
func TestFromEnv(t *testing.T) {
	for k, v := range map[string]string{
		"SESSION_STORE_URL":          "redis://127.0.0.1:6379/0",
		"SESSION_TRUSTED_ORIGINS":    " https://app.example.com/ ,http://localhost:5173,",
		"SESSION_KEY_PREFIX":         "myapp:",
		"SESSION_OPAQUE_TOKENS":      "true",
		"SESSION_IDLE_TIMEOUT":       "20m",
		"SESSION_MAX_LIFETIME":       "48h",
		"SESSION_LOCAL_CACHE_TTL":    "-1s",
		"AUTH0GIN_LOGINS_PER_MINUTE": "-1",
		"AUTH0_DEVICE_CLIENT_ID":     "cli-native",
		"AUTH0_DEVICE_SCOPES":        "openid read:messages,offline_access",
	} {
		t.Setenv(k, v)
	}
	c := session.FromEnv()
	if c.Device.ClientID != "cli-native" || !reflect.DeepEqual(c.Device.Scopes, []string{"openid", "read:messages", "offline_access"}) {
		t.Errorf("Device: %+v", c.Device)
	}
	if c.StoreURL != "redis://127.0.0.1:6379/0" || c.KeyPrefix != "myapp:" ||
		!reflect.DeepEqual(c.TrustedOrigins, []string{"https://app.example.com", "http://localhost:5173"}) ||
		c.OpaqueTokens == nil || c.IdleTimeout != 20*time.Minute || c.MaxLifetime != 48*time.Hour ||
		c.LocalCacheTTL != -time.Second || c.LoginsPerMinute != -1 {
		t.Fatalf("%+v", c)
	}
	tenant := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	sess, err := session.New(t.Context(), auth, newStore(t), c)
	if err != nil {
		t.Fatal(err)
	}
	_ = sess.Close()

	t.Setenv("SESSION_OPAQUE_TOKENS", "false")
	if c := session.FromEnv(); c.OpaqueTokens != nil {
		t.Error("SESSION_OPAQUE_TOKENS=false turned opaque tokens on")
	}
	for name, bad := range map[string]string{
		"SESSION_OPAQUE_TOKENS":      "yes please",
		"SESSION_IDLE_TIMEOUT":       "an hour",
		"SESSION_MAX_LIFETIME":       "30",
		"SESSION_LOCAL_CACHE_TTL":    "5 s",
		"AUTH0GIN_LOGINS_PER_MINUTE": "ten",
		"SESSION_TRUSTED_ORIGINS":    "app.example.com",
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(name, bad)
			_, err := session.New(t.Context(), auth, newStore(t), session.FromEnv())
			if !errors.Is(err, auth0gin.ErrConfig) {
				t.Fatalf("%s=%q: %v", name, bad, err)
			}
			if name != "SESSION_TRUSTED_ORIGINS" && !strings.Contains(err.Error(), name) {
				t.Errorf("%s=%q: the error does not name the variable: %v", name, bad, err)
			}
		})
	}
}

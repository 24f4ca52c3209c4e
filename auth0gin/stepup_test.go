package auth0gin_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// The test's oracle writes every expected answer itself: status, the whole
// WWW-Authenticate header and the whole body.

const mfaACR = "http://schemas.openid.net/pape/policies/2007/06/multi-factor"

// stepUpEngine has one route per step-up and organization requirement.
func stepUpEngine(t testing.TB, a *auth0gin.Auth0) *gin.Engine {
	t.Helper()
	r := gin.New()
	api := a.Router(r)
	api.GET("/fresh", a.Require(auth0gin.MaxAge(5*time.Minute)), userJSON)
	api.GET("/mfa", a.Require(auth0gin.AuthContext("mfa")), userJSON)
	api.GET("/gold", a.Require(auth0gin.AuthContext("urn:gold", "urn:silver")), userJSON)
	api.GET("/fresh-mfa", a.Require(auth0gin.MaxAge(5*time.Minute), auth0gin.AuthContext("mfa")), userJSON)
	api.GET("/org-any", a.Require(auth0gin.Organization("")), userJSON)
	api.GET("/org-fixed", a.Require(auth0gin.Organization("org_A")), userJSON)
	api.GET("/org-named", a.Require(auth0gin.Organization("acme")), userJSON)
	api.GET("/orgs/:org/messages", a.Require(auth0gin.Organization(":org")), userJSON)
	api.GET("/orgs/:org/danger", a.Require(auth0gin.Organization(":org"), auth0gin.MaxAge(5*time.Minute), auth0gin.AuthContext("mfa")), userJSON)
	return r
}

// want is an expected answer; a 200 has no challenge and a body with the user.
type want struct {
	code      int
	challenge string
	body      map[string]any
}

func stepUpWant(realm, desc, acr string, maxAge int) want {
	ch := fmt.Sprintf(`Bearer realm="%s", error="insufficient_user_authentication", error_description="%s"`, realm, desc)
	body := map[string]any{"error": "insufficient_user_authentication", "error_description": desc}
	if acr != "" {
		ch += fmt.Sprintf(`, acr_values="%s"`, acr)
		body["acr_values"] = acr
	}
	if maxAge > 0 {
		ch += fmt.Sprintf(", max_age=%d", maxAge)
		body["max_age"] = float64(maxAge)
	}
	return want{http.StatusUnauthorized, ch, body}
}

func orgWant(realm, desc, org string) want {
	ch := fmt.Sprintf(`Bearer realm="%s", error="invalid_organization", error_description="%s"`, realm, desc)
	body := map[string]any{"error": "invalid_organization", "error_description": desc}
	if org != "" {
		ch += fmt.Sprintf(`, organization="%s"`, org)
		body["organization"] = org
	}
	return want{http.StatusForbidden, ch, body}
}

// check calls path with tok and compares the answer with w in full.
func (w want) check(t *testing.T, h http.Handler, path, tok, what string) {
	t.Helper()
	got := call(t, h, path, bearerH(tok))
	if got.code != w.code || got.challenge != w.challenge {
		t.Errorf("%s %s: %d %q\nwant %d %q", what, path, got.code, got.challenge, w.code, w.challenge)
		return
	}
	if w.code == http.StatusOK {
		if got.body["user"] == nil {
			t.Errorf("%s %s: 200 without a user: %v", what, path, got.body)
		}
		return
	}
	if !reflect.DeepEqual(got.body, w.body) {
		t.Errorf("%s %s: body %v\nwant %v", what, path, got.body, w.body)
	}
}

// loginClaims is one combination of the login claims; a nil field is absent.
type loginClaims struct {
	name     string
	authTime any
	acr, amr any
}

func loginCombinations(now time.Time) []loginClaims {
	var out []loginClaims
	times := []struct {
		n string
		v any
	}{{"no-auth_time", nil}, {"old", now.Add(-10 * time.Minute).Unix()}, {"recent", now.Add(-time.Minute).Unix()}}
	acrs := []struct {
		n string
		v any
	}{{"no-acr", nil}, {"acr-other", "urn:bronze"}, {"acr-gold", "urn:gold"}, {"acr-mfa", mfaACR}}
	amrs := []struct {
		n string
		v any
	}{{"no-amr", nil}, {"amr-pwd", []string{"pwd"}}, {"amr-mfa", []string{"pwd", "mfa"}}}
	for _, tm := range times {
		for _, acr := range acrs {
			for _, amr := range amrs {
				out = append(out, loginClaims{tm.n + "/" + acr.n + "/" + amr.n, tm.v, acr.v, amr.v})
			}
		}
	}
	return out
}

// TestStepUpTable: every combination of auth_time (missing, old, recent),
// acr (missing, other, right) and amr (with or without mfa) on each step-up
// route, with the cache (each token twice: verified, then from the cache)
// and without.
func TestStepUpTable(t *testing.T) {
	ti := newTestIssuer(t)
	for _, cached := range []bool{true, false} {
		cfg := ti.config()
		cfg.DisableCache = !cached
		a := mustNew(t, cfg)
		realm := a.Config().Realm
		h := stepUpEngine(t, a)
		for _, lc := range loginCombinations(time.Now()) {
			tok := ti.token(t, map[string]any{"gty": nil, "auth_time": lc.authTime, "acr": lc.acr, "amr": lc.amr})
			recent := lc.name[:6] == "recent"
			hasTime := lc.authTime != nil
			amrMFA := strings.Contains(lc.name, "amr-mfa")
			mfa := amrMFA || lc.acr == mfaACR
			gold := lc.acr == "urn:gold"
			ageWhy := "a login within the last 300 seconds is required"
			if !hasTime {
				ageWhy = "the token does not say when the user logged in"
			}
			ok := want{code: http.StatusOK}
			expect := map[string]want{}
			expect["/fresh"] = ok
			if !recent {
				expect["/fresh"] = stepUpWant(realm, ageWhy, "", 300)
			}
			expect["/mfa"] = ok
			if !mfa {
				expect["/mfa"] = stepUpWant(realm, "a stronger authentication is required", mfaACR, 0)
			}
			expect["/gold"] = ok
			if !gold {
				expect["/gold"] = stepUpWant(realm, "a stronger authentication is required", "urn:gold urn:silver", 0)
			}
			switch {
			case recent && mfa:
				expect["/fresh-mfa"] = ok
			case recent:
				expect["/fresh-mfa"] = stepUpWant(realm, "a stronger authentication is required", mfaACR, 300)
			case mfa:
				expect["/fresh-mfa"] = stepUpWant(realm, ageWhy, mfaACR, 300)
			default:
				expect["/fresh-mfa"] = stepUpWant(realm, ageWhy+", with a stronger authentication", mfaACR, 300)
			}
			for path, w := range expect {
				for range 1 + btoi(cached) {
					w.check(t, h, path, tok, fmt.Sprintf("cache=%v %s", cached, lc.name))
				}
			}
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestOrganizationTable: org_id missing, other or right, org_name in the
// token or not, and OrgNameClaim read or not ("-"), on each organization
// route and path value.
func TestOrganizationTable(t *testing.T) {
	ti := newTestIssuer(t)
	for _, cached := range []bool{true, false} {
		for _, nameClaim := range []string{"", "-"} {
			cfg := ti.config()
			cfg.DisableCache = !cached
			cfg.OrgNameClaim = nameClaim
			a := mustNew(t, cfg)
			realm := a.Config().Realm
			h := stepUpEngine(t, a)
			for _, orgID := range []any{nil, "org_B", "org_A"} {
				for _, orgName := range []any{nil, "acme"} {
					if orgID == nil && orgName != nil {
						continue // Auth0 writes no name without an id
					}
					tok := ti.token(t, map[string]any{"gty": nil, "org_id": orgID, "org_name": orgName})
					what := fmt.Sprintf("cache=%v OrgNameClaim=%q org_id=%v org_name=%v", cached, nameClaim, orgID, orgName)
					// matches is the oracle: does the token belong to wanted?
					matches := func(wanted string) bool {
						if orgID == nil {
							return false
						}
						if orgID == wanted || wanted == "" {
							return true
						}
						return !strings.HasPrefix(wanted, "org_") && nameClaim == "" && orgName != nil && strings.EqualFold(orgName.(string), wanted)
					}
					expect := func(path, wanted string) want {
						switch {
						case matches(wanted):
							return want{code: http.StatusOK}
						case orgID == nil:
							return orgWant(realm, "the token was issued for no organization", wanted)
						}
						return orgWant(realm, "the token was issued for another organization", wanted)
					}
					for _, c := range []struct{ path, wanted string }{
						{"/org-any", ""}, {"/org-fixed", "org_A"}, {"/org-named", "acme"},
						{"/orgs/org_A/messages", "org_A"}, {"/orgs/org_B/messages", "org_B"},
						{"/orgs/acme/messages", "acme"}, {"/orgs/ACME/messages", "ACME"},
						{"/orgs/other/messages", "other"}, {"/orgs/org_acme/messages", "org_acme"},
					} {
						w := expect(c.path, c.wanted)
						for range 1 + btoi(cached) {
							w.check(t, h, c.path, tok, what)
						}
					}
				}
			}
		}
	}
}

// One token of organization A: 200 on A, 403 on B, 200 on A again, with the
// verdict cache and without.
func TestOrganizationABA(t *testing.T) {
	ti := newTestIssuer(t)
	for _, cached := range []bool{true, false} {
		cfg := ti.config()
		cfg.DisableCache = !cached
		a := mustNew(t, cfg)
		h := stepUpEngine(t, a)
		tok := ti.token(t, map[string]any{"gty": nil, "org_id": "org_A", "org_name": "a"})
		ok := want{code: http.StatusOK}
		what := fmt.Sprintf("cache=%v", cached)
		ok.check(t, h, "/orgs/org_A/messages", tok, what)
		orgWant(a.Config().Realm, "the token was issued for another organization", "org_B").check(t, h, "/orgs/org_B/messages", tok, what)
		ok.check(t, h, "/orgs/org_A/messages", tok, what)
		ok.check(t, h, "/orgs/A/messages", tok, what) // by name, case-insensitively
	}
}

// Machine and password-login tokens get answers of their own.
func TestStepUpMachineAndPasswordTokens(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	realm := a.Config().Realm
	h := stepUpEngine(t, a)
	m2m := ti.token(t, map[string]any{"sub": "m2m@clients", "azp": "m2m", "gty": "client-credentials", "scope": "read:messages"})
	m2mOrg := ti.token(t, map[string]any{"sub": "m2m@clients", "azp": "m2m", "gty": "client-credentials", "org_id": "org_A"})
	password := ti.token(t, nil) // gty password
	passwordFresh := ti.token(t, map[string]any{"auth_time": time.Now().Unix(), "amr": []string{"mfa"}})

	stepUpWant(realm, "a machine token carries no user login", mfaACR, 300).
		check(t, h, "/fresh-mfa", m2m, "m2m")
	orgWant(realm, "a machine token issued for no organization", "org_A").check(t, h, "/orgs/org_A/messages", m2m, "m2m")
	want{code: http.StatusOK}.check(t, h, "/orgs/org_A/messages", m2mOrg, "m2m of org_A")
	orgWant(realm, "a password-login token is issued for no organization: log in through the organization", "").
		check(t, h, "/org-any", password, "password")
	stepUpWant(realm, "the token does not say when the user logged in", "", 300).check(t, h, "/fresh", password, "password")
	want{code: http.StatusOK}.check(t, h, "/fresh-mfa", passwordFresh, "password with an Action's claims")
}

// A refusal for the organization comes before a step-up challenge: a new
// login through the wrong organization would not help.
func TestOrganizationBeforeStepUp(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	h := stepUpEngine(t, a)
	tok := ti.token(t, map[string]any{"gty": nil, "org_id": "org_A"})
	orgWant(a.Config().Realm, "the token was issued for another organization", "org_B").check(t, h, "/orgs/org_B/danger", tok, "")
	stepUpWant(a.Config().Realm, "the token does not say when the user logged in, with a stronger authentication", mfaACR, 300).
		check(t, h, "/orgs/org_A/danger", tok, "")
	fresh := ti.token(t, map[string]any{"gty": nil, "org_id": "org_A", "auth_time": time.Now().Unix(), "acr": mfaACR})
	want{code: http.StatusOK}.check(t, h, "/orgs/org_A/danger", fresh, "")
}

// Namespaced claim names (what an Action writes) are read instead of the
// defaults, and a clash of names is a configuration error.
func TestStepUpClaimNames(t *testing.T) {
	ti := newTestIssuer(t)
	cfg := ti.config()
	cfg.AuthTimeClaim, cfg.ACRClaim, cfg.AMRClaim, cfg.OrgNameClaim =
		"https://example.com/auth_time", "https://example.com/acr", "https://example.com/amr", "https://example.com/org_name"
	a := mustNew(t, cfg)
	h := stepUpEngine(t, a)
	ns := ti.token(t, map[string]any{"https://example.com/auth_time": time.Now().Unix(), "https://example.com/amr": []string{"mfa"},
		"https://example.com/acr": "urn:gold", "org_id": "org_A", "https://example.com/org_name": "acme"})
	plain := ti.token(t, map[string]any{"auth_time": time.Now().Unix(), "amr": []string{"mfa"}, "acr": "urn:gold"})
	for _, p := range []string{"/fresh", "/mfa", "/gold", "/orgs/acme/messages"} {
		want{code: http.StatusOK}.check(t, h, p, ns, "namespaced")
	}
	for _, p := range []string{"/fresh", "/mfa", "/gold"} {
		if got := call(t, h, p, bearerH(plain)); got.code != http.StatusUnauthorized {
			t.Errorf("%s: plain claims read although namespaced names are configured: %d", p, got.code)
		}
	}
	u, err := a.Verify(t.Context(), ns)
	if err != nil || u.OrgName != "acme" || u.ACR != "urn:gold" || !reflect.DeepEqual(u.AMR, []string{"mfa"}) || u.AuthTime.IsZero() {
		t.Errorf("user %+v, %v", u, err)
	}
	for _, bad := range []func(*auth0gin.Config){
		func(c *auth0gin.Config) { c.ACRClaim = "amr" },
		func(c *auth0gin.Config) { c.AMRClaim = testRolesClaim },
		func(c *auth0gin.Config) { c.OrgNameClaim = "org_id" },
		func(c *auth0gin.Config) { c.AuthTimeClaim = "sub" },
		func(c *auth0gin.Config) { c.ACRClaim = "email" },
	} {
		c := ti.config()
		bad(&c)
		if _, err := auth0gin.New(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	// A wrongly shaped claim makes the token invalid, as for every claim read.
	bad := ti.token(t, map[string]any{"amr": "mfa"})
	if _, err := mustNew(t, ti.config()).Verify(t.Context(), bad); err == nil {
		t.Error("an amr that is not an array was accepted")
	}
}

// Requirements that cannot be met fail at registration.
func TestStepUpRegistrationPanics(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	for name, f := range map[string]func(){
		"MaxAge(0)":               func() { a.Require(auth0gin.MaxAge(0)) },
		"MaxAge(1.5s)":            func() { a.Require(auth0gin.MaxAge(1500 * time.Millisecond)) },
		"AuthContext()":           func() { a.Require(auth0gin.AuthContext()) },
		"AuthContext(a b)":        func() { a.Require(auth0gin.AuthContext("a b")) },
		"two AuthContext":         func() { a.Require(auth0gin.AuthContext("a"), auth0gin.AuthContext("b")) },
		"two Organization":        func() { a.Require(auth0gin.Organization(""), auth0gin.Organization("")) },
		"Organization(:)":         func() { a.Require(auth0gin.Organization(":")) },
		"Organization(\"x\\\"\")": func() { a.Require(auth0gin.Organization(`x"`)) },
		"no such path parameter": func() {
			a.Router(gin.New()).GET("/orgs/:id", a.Require(auth0gin.Organization(":org")), userJSON)
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// Middleware reads the organization from the request's path value.
func TestOrganizationMiddleware(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	mux := http.NewServeMux()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"user":{}}`)) })
	mux.Handle("GET /orgs/{org}/messages", a.Middleware(auth0gin.Organization(":org"))(ok))
	tok := ti.token(t, map[string]any{"gty": nil, "org_id": "org_A"})
	want{code: http.StatusOK}.check(t, mux, "/orgs/org_A/messages", tok, "mux")
	orgWant(a.Config().Realm, "the token was issued for another organization", "org_B").check(t, mux, "/orgs/org_B/messages", tok, "mux")
}

// The routes document their requirements for the API docs.
func TestStepUpOperations(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	stepUpEngine(t, a)
	got := map[string]auth0gin.Operation{}
	for _, op := range a.Operations() {
		got[op.Path] = op
	}
	if op := got["/fresh-mfa"]; op.MaxAge != 5*time.Minute || !reflect.DeepEqual(op.ACRValues, []string{mfaACR}) || op.OrgRequired {
		t.Errorf("/fresh-mfa: %+v", op)
	}
	if op := got["/gold"]; !reflect.DeepEqual(op.ACRValues, []string{"urn:gold", "urn:silver"}) {
		t.Errorf("/gold: %+v", op)
	}
	if op := got["/orgs/:org/messages"]; !op.OrgRequired || op.Organization != ":org" {
		t.Errorf("/orgs/:org/messages: %+v", op)
	}
	if op := got["/org-any"]; !op.OrgRequired || op.Organization != "" {
		t.Errorf("/org-any: %+v", op)
	}
}

// The user's JSON carries the new claims.
func TestStepUpUserJSON(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	at := time.Now().Add(-time.Minute).Truncate(time.Second)
	u, err := a.Verify(t.Context(), ti.token(t, map[string]any{"auth_time": at.Unix(), "acr": "urn:gold", "amr": []string{"mfa"}, "org_id": "org_A", "org_name": "acme"}))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(u)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	if m["org_name"] != "acme" || m["acr"] != "urn:gold" || m["auth_time"] != at.Format(time.RFC3339) {
		t.Errorf("%s", b)
	}
	u2, _ := a.Verify(t.Context(), ti.token(t, nil))
	b, _ = json.Marshal(u2)
	if strings.Contains(string(b), "auth_time") {
		t.Errorf("zero auth_time written: %s", b)
	}
}

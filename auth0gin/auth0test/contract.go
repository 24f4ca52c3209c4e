package auth0test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// contractSubject is the user of the tokens CheckContract mints: unknown to
// the tenant, so it holds exactly the scopes and roles each token is given.
const contractSubject = "auth0|auth0test-contract"

// CheckContract checks that engine does what its API docs say about
// authentication, and reports every route where they disagree with
// t.Errorf, naming the route. It calls each route of engine.Routes() in
// process, with the tenant's tokens:
//
//   - with no token: a route answering 401 must be documented, and
//     documented as protected; a route documented as protected must answer 401;
//   - for each set of scopes the docs accept (each alternative of the
//     operation's `security`), with a token holding exactly those: it must not
//     be refused (a 403 means the route enforces a scope the docs do not name);
//   - for each of those scopes, with a token lacking just that one: it must be
//     answered 403 (otherwise the documented scope is not enforced).
//
// Routes a flow package mounted (sessions, password and device login) are
// checked for being in the docs only: the library tests what they answer.
//
// A documented role (the x-auth0-roles auth0gin/swagger writes) is put in
// the tokens' roles claim, and a token without it must be refused 403.
//
// A documented step-up (x-auth0-step-up) or organization
// (x-auth0-organization) is met by the tokens (Authenticated, now, with the
// first acr value; Organization, the path's or the documented one), and a
// token failing each part must be answered as documented: 401
// insufficient_user_authentication with the documented acr_values and
// max_age for a login with no claims, too old, or of another acr; 403
// invalid_organization for a token of no organization.
//
// spec is the OpenAPI document (Swagger 2.0 or OpenAPI 3) as JSON: swag's
// docs.SwaggerInfo.ReadDoc(), or a swagger.json's contents; or, when it begins
// with "/", the path at which engine serves it, such as "/docs/doc.json".
// Use the served path when the security comes from the routes (auth0gin's
// Router and swagger.Handler): ReadDoc() is the spec before they wrote it.
//
// A route documented as requiring DPoP (x-auth0-dpop "required") gets
// tokens bound to a key of the check's own (Bound) with a fresh proof
// (Proof) for each call, whose htu is the request's own URL (the app's
// Config.PublicOrigin must be unset); and a Bearer token with the
// documented scopes, like a bound token without its proof, must be answered
// 401.
//
// Path parameters take the spec's example (`example`, `x-example` or the
// default), or "1". Handlers really run, with an empty body: point engine at
// test data. The tenant must be the one engine's auth0gin.Auth0 trusts, with
// Config.RolesClaim devtenant.RolesClaim when roles are checked (as
// Tenant.Config sets it).
func CheckContract(t testing.TB, tenant *Tenant, engine *gin.Engine, spec string) {
	t.Helper()
	doc, err := loadSpec(engine, spec)
	if err != nil {
		t.Fatalf("auth0test: CheckContract: %v", err)
	}
	for _, rt := range engine.Routes() {
		c := contractCall{t: t, tenant: tenant, engine: engine, method: rt.Method, route: rt.Path}
		c.op = doc.operation(rt.Method, rt.Path)
		c.path = fillPath(rt.Path, c.op)
		c.check(doc)
	}
}

// contractCall checks one route.
type contractCall struct {
	t             testing.TB
	tenant        *Tenant
	engine        *gin.Engine
	method, route string // as registered
	path          string // with its parameters filled in
	op            map[string]any
	meet          []TokenOption // the login and organization the docs require
	dpopKey       crypto.Signer // the key tokens are bound to, when the docs require DPoP
	bearer        bool          // send the next token as Bearer, with no proof, whatever dpopKey says
}

func (c *contractCall) errorf(format string, args ...any) {
	c.t.Helper()
	c.t.Errorf("auth0test: %s %s: %s", c.method, c.route, fmt.Sprintf(format, args...))
}

func (c *contractCall) check(doc *openAPIDoc) {
	c.t.Helper()
	if _, mounted := c.op["x-auth0gin-mounted"]; mounted {
		// A route a flow package mounted (session, login, device): it is in
		// the docs, and the library's own tests cover what it answers; its
		// credential may be a session cookie or a refresh token held for
		// the caller, which a minted token cannot stand for.
		return
	}
	alts, documented := doc.security(c.op)
	sets, optional := scopeSets(alts)
	protected := documented && len(sets) > 0 && !optional
	status, _ := c.call("")
	switch {
	case status == http.StatusUnauthorized && c.op == nil:
		c.errorf("protected (401 without a token) but not in the docs")
		return
	case status == http.StatusUnauthorized && len(sets) == 0:
		c.errorf("documented as open, but answers 401 without a token")
		return
	case status == http.StatusUnauthorized && optional:
		c.errorf("documented as optional (an empty security alternative), but answers 401 without a token")
	case status != http.StatusUnauthorized && protected:
		c.errorf("documented as protected, but answers %d without a token", status)
		return
	}
	if len(sets) == 0 {
		return
	}
	roles := stringList(c.op["x-auth0-roles"])
	stepUp, org := c.requirements()
	if c.op["x-auth0-dpop"] == "required" {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			c.t.Fatalf("auth0test: CheckContract: %v", err)
		}
		c.dpopKey = key
	}
	for _, set := range sets {
		have, status, refusal := c.learn(set, roles)
		if extra := slices.DeleteFunc(slices.Clone(have), func(s string) bool { return slices.Contains(set, s) }); len(extra) > 0 {
			c.errorf("enforces the scopes %q, which the docs do not name: a token with exactly the documented scopes %q is refused 403", extra, set)
		}
		switch status {
		case http.StatusUnauthorized:
			c.errorf("a token with exactly the documented scopes %q is refused 401 (%s)", set, refusal.Description)
			continue
		case http.StatusForbidden:
			c.errorf("enforces a scope or role the docs do not name: a token with the documented scopes %q is refused 403 (%s)", have, refusal.Description)
			continue
		}
		for _, s := range set {
			fewer := slices.DeleteFunc(slices.Clone(have), func(e string) bool { return e == s })
			if slices.ContainsFunc(sets, func(alt []string) bool { return subset(alt, fewer) }) {
				continue // another documented alternative accepts it
			}
			if status, _ := c.call(c.token(fewer, roles)); status != http.StatusForbidden {
				c.errorf("the documented scope %q is not enforced: a token without it is answered %d", s, status)
			}
		}
		if len(roles) > 0 {
			if status, _ := c.call(c.token(have, nil)); status != http.StatusForbidden {
				c.errorf("the documented roles %q are not enforced: a token with none is answered %d", roles, status)
			}
		}
		c.checkStepUp(have, roles, stepUp, org)
		c.checkDPoP(have, roles)
	}
}

// checkDPoP checks that a route documented as requiring DPoP refuses a
// Bearer token and a bound token without its proof, 401 both.
func (c *contractCall) checkDPoP(scopes, roles []string) {
	c.t.Helper()
	if c.dpopKey == nil {
		return
	}
	key := c.dpopKey
	c.dpopKey = nil
	bearer := c.token(scopes, roles)
	c.dpopKey = key
	bound := c.token(scopes, roles)
	c.bearer = true
	defer func() { c.bearer = false }()
	if status, _ := c.call(bearer); status != http.StatusUnauthorized {
		c.errorf("the documented DPoP requirement is not enforced: a Bearer token is answered %d, want 401", status)
	}
	if status, _ := c.call(bound); status != http.StatusUnauthorized {
		c.errorf("a DPoP-bound token sent as Bearer, with no proof, is answered %d, want 401", status)
	}
}

// stepUpDoc is a route's documented step-up requirement (x-auth0-step-up).
type stepUpDoc struct {
	maxAge    time.Duration
	acrValues []string
}

// requirements reads the documented step-up and organization requirements
// and sets c.meet to the token options that meet them: a login now, with
// the first documented acr value, and the documented organization (the
// path's value for a path parameter, an id of the test's own for any).
func (c *contractCall) requirements() (stepUp *stepUpDoc, org *string) {
	c.meet = nil
	if m, ok := c.op["x-auth0-step-up"].(map[string]any); ok {
		stepUp = &stepUpDoc{}
		if s, ok := m["max_age"].(float64); ok {
			stepUp.maxAge = time.Duration(s) * time.Second
		}
		if v, ok := m["acr_values"].(string); ok {
			stepUp.acrValues = strings.Fields(v)
		}
		acr := ""
		if len(stepUp.acrValues) > 0 {
			acr = stepUp.acrValues[0]
		}
		c.meet = append(c.meet, Authenticated(time.Now(), acr))
	}
	if m, ok := c.op["x-auth0-organization"].(map[string]any); ok {
		want, _ := m["organization"].(string)
		if p, ok := m["parameter"].(string); ok {
			want = pathValue(c.route, c.path, p)
		}
		switch {
		case want == "":
			c.meet = append(c.meet, Organization("org_auth0test", ""))
		case strings.HasPrefix(want, "org_"):
			c.meet = append(c.meet, Organization(want, ""))
		default:
			c.meet = append(c.meet, Organization("org_auth0test", want))
		}
		org = &want
	}
	return stepUp, org
}

// checkStepUp checks that a token failing each documented step-up or
// organization requirement gets the documented answer: 401
// insufficient_user_authentication with the documented acr_values and
// max_age, or 403 invalid_organization.
func (c *contractCall) checkStepUp(scopes, roles []string, stepUp *stepUpDoc, org *string) {
	c.t.Helper()
	if stepUp == nil && org == nil {
		return
	}
	login, organization := []TokenOption{}, []TokenOption{} // not nil: token then uses no others
	for _, o := range c.meet {
		var probe tokenOptions
		o(&probe)
		if probe.orgID != "" {
			organization = append(organization, o)
		} else {
			login = append(login, o)
		}
	}
	challenge := func(what string, opts ...TokenOption) {
		status, r := c.call(c.token(scopes, roles, opts...))
		acr := strings.Join(stepUp.acrValues, " ")
		if status != http.StatusUnauthorized || r.Error != "insufficient_user_authentication" || r.ACRValues != acr ||
			time.Duration(r.MaxAge)*time.Second != stepUp.maxAge {
			c.errorf("the documented step-up is not enforced: a token %s is answered %d %s (acr_values %q, max_age %d), want 401 insufficient_user_authentication (acr_values %q, max_age %d)",
				what, status, r.Error, r.ACRValues, r.MaxAge, acr, int64(stepUp.maxAge/time.Second))
		}
	}
	if stepUp != nil {
		challenge("with no login claims", organization...)
		if stepUp.maxAge > 0 {
			acr := ""
			if len(stepUp.acrValues) > 0 {
				acr = stepUp.acrValues[0]
			}
			challenge("whose login is older than max_age", append(slices.Clone(organization), Authenticated(time.Now().Add(-stepUp.maxAge-time.Minute), acr))...)
		}
		if len(stepUp.acrValues) > 0 {
			challenge("whose login has another acr", append(slices.Clone(organization), Authenticated(time.Now(), "urn:auth0test:other"))...)
		}
	}
	if org != nil {
		if status, r := c.call(c.token(scopes, roles, login...)); status != http.StatusForbidden || r.Error != "invalid_organization" {
			c.errorf("the documented organization is not enforced: a token of no organization is answered %d %s, want 403 invalid_organization", status, r.Error)
		}
	}
}

// pathValue is the value the request path gives the route's parameter name.
func pathValue(route, path, name string) string {
	rs, ps := strings.Split(route, "/"), strings.Split(path, "/")
	for i, s := range rs {
		if i < len(ps) && len(s) > 1 && (s[0] == ':' || s[0] == '*') && s[1:] == name {
			v, err := url.PathUnescape(ps[i])
			if err != nil {
				return ps[i]
			}
			return v
		}
	}
	return ""
}

// learn calls the route with a token holding exactly set (and roles). While
// it is refused 403 naming scopes the token lacks (the RFC 6750 scope
// attribute), it adds them and calls again, so that the checks of the
// documented scopes run against what the route really needs. It returns the
// scopes of the last token, its status and its refusal.
func (c *contractCall) learn(set, roles []string) ([]string, int, refusal) {
	have := slices.Clone(set)
	status, r := c.call(c.token(have, roles))
	for range 4 {
		if status != http.StatusForbidden {
			break
		}
		added := false
		for _, s := range strings.Fields(r.Scope) {
			if !slices.Contains(have, s) {
				have, added = append(have, s), true
			}
		}
		if !added {
			break
		}
		status, r = c.call(c.token(have, roles))
	}
	return have, status, r
}

// token mints a token for a user holding exactly scopes and roles, with
// login, or else what meets the route's documented login and organization.
func (c *contractCall) token(scopes, roles []string, login ...TokenOption) string {
	c.t.Helper()
	opts := []TokenOption{Subject(contractSubject), Scopes(scopes...)}
	if len(roles) > 0 {
		opts = append(opts, Claims(map[string]any{devtenant.RolesClaim: roles}))
	}
	if login == nil {
		login = c.meet
	}
	if c.dpopKey != nil {
		opts = append(opts, Bound(c.dpopKey))
	}
	return c.tenant.Token(c.t, append(opts, login...)...)
}

// refusal is the body of a 401 or 403 (auth0gin.ErrorBody).
type refusal struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	Scope       string `json:"scope"`
	ACRValues   string `json:"acr_values"`
	MaxAge      int64  `json:"max_age"`
}

// call sends the route's request with token (none when empty) and returns
// the status and, for a 401 or 403, its body.
func (c *contractCall) call(token string) (int, refusal) {
	req := httptest.NewRequest(c.method, c.path, nil)
	switch {
	case token != "" && c.dpopKey != nil && !c.bearer:
		req.Header.Set("Authorization", "DPoP "+token)
		req.Header.Set("DPoP", Proof(c.t, c.dpopKey, c.method, "http://"+req.Host+req.URL.Path, token))
	case token != "":
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	c.engine.ServeHTTP(w, req)
	var r refusal
	if w.Code == http.StatusUnauthorized || w.Code == http.StatusForbidden {
		_ = json.Unmarshal(w.Body.Bytes(), &r)
	}
	return w.Code, r
}

// openAPIDoc is the part of a spec CheckContract reads.
type openAPIDoc struct {
	base       string
	paths      map[string]map[string]any // by path with its parameter names blanked
	defaultSec []any                     // the document's default
	hasSec     bool
}

// loadSpec reads spec, or fetches it from engine when it is a path.
func loadSpec(engine *gin.Engine, spec string) (*openAPIDoc, error) {
	raw := []byte(spec)
	if strings.HasPrefix(spec, "/") {
		w := httptest.NewRecorder()
		engine.ServeHTTP(w, httptest.NewRequest(http.MethodGet, spec, nil))
		if w.Code != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %d", spec, w.Code)
		}
		raw = w.Body.Bytes()
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, fmt.Errorf("the spec is not a JSON object: %v", err)
	}
	d := &openAPIDoc{paths: map[string]map[string]any{}}
	if m["openapi"] != nil {
		if servers, ok := m["servers"].([]any); ok && len(servers) > 0 {
			if s, ok := servers[0].(map[string]any); ok {
				su, _ := s["url"].(string)
				if u, err := url.Parse(su); err == nil {
					d.base = u.Path
				}
			}
		}
	} else {
		d.base, _ = m["basePath"].(string)
	}
	d.base = strings.TrimSuffix(d.base, "/")
	paths, _ := m["paths"].(map[string]any)
	for p, item := range paths {
		if ops, ok := item.(map[string]any); ok {
			d.paths[blankParams(p)] = ops
		}
	}
	d.defaultSec, d.hasSec = m["security"].([]any)
	return d, nil
}

// operation returns the spec's operation for a Gin route, or nil.
func (d *openAPIDoc) operation(method, ginPath string) map[string]any {
	p, ok := strings.CutPrefix(ginPath, d.base)
	if !ok || (p != "" && p[0] != '/') {
		return nil
	}
	if p == "" {
		p = "/"
	}
	op, _ := d.paths[blankParams(p)][strings.ToLower(method)].(map[string]any)
	return op
}

// security returns an operation's security alternatives (its own, else the
// document's) and whether there are any.
func (d *openAPIDoc) security(op map[string]any) ([]any, bool) {
	if op == nil {
		return nil, false
	}
	if s, ok := op["security"].([]any); ok {
		return s, len(s) > 0
	}
	return d.defaultSec, d.hasSec && len(d.defaultSec) > 0
}

// scopeSets turns security alternatives into the scope sets that satisfy
// them (an alternative naming several schemes needs all their scopes) and
// tells whether an empty alternative makes authentication optional.
func scopeSets(alts []any) (sets [][]string, optional bool) {
	for _, a := range alts {
		m, _ := a.(map[string]any)
		if len(m) == 0 {
			optional = true
			continue
		}
		set := []string{}
		for _, scopes := range m {
			for _, s := range stringList(scopes) {
				if !slices.Contains(set, s) {
					set = append(set, s)
				}
			}
		}
		slices.Sort(set)
		if !slices.ContainsFunc(sets, func(e []string) bool { return slices.Equal(e, set) }) {
			sets = append(sets, set)
		}
	}
	return sets, optional
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, s := range a {
		if !slices.Contains(b, s) {
			return false
		}
	}
	return true
}

func stringList(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// blankParams writes every path parameter as "{}", so that "/users/:id",
// "/users/{id}" and "/users/{userId}" compare equal.
func blankParams(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		switch {
		case len(s) > 1 && (s[0] == ':' || s[0] == '*'):
			segs[i] = "{}"
		case len(s) > 2 && s[0] == '{' && s[len(s)-1] == '}':
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

// fillPath puts a value in each of a Gin path's parameters: the spec's
// example for it, or "1".
func fillPath(ginPath string, op map[string]any) string {
	segs := strings.Split(ginPath, "/")
	for i, s := range segs {
		if len(s) > 1 && (s[0] == ':' || s[0] == '*') {
			segs[i] = url.PathEscape(paramExample(op, s[1:]))
		}
	}
	return strings.Join(segs, "/")
}

// paramExample returns the example of the path parameter name, or "1".
func paramExample(op map[string]any, name string) string {
	params, _ := op["parameters"].([]any)
	for _, p := range params {
		pm, _ := p.(map[string]any)
		if pm["in"] != "path" || pm["name"] != name {
			continue
		}
		schema, _ := pm["schema"].(map[string]any)
		for _, v := range []any{pm["example"], pm["x-example"], schema["example"], pm["default"], schema["default"]} {
			if v != nil {
				return fmt.Sprint(v)
			}
		}
	}
	return "1"
}

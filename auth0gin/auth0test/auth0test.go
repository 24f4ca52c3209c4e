// Package auth0test starts an Auth0-compatible tenant inside a Go test and
// mints the tokens a test needs: no Auth0 account, no network. It is to
// auth0gin what net/http/httptest is to net/http.
//
//	import "github.com/auth0gin/auth0gin/auth0gin/auth0test"
//
// A complete test of a Gin API protected by auth0gin:
//
//	func TestMessages(t *testing.T) {
//		tenant := auth0test.NewTenant(t) // closed by t.Cleanup
//		auth := auth0gin.MustNew(tenant.Config())
//
//		r := gin.New()
//		r.GET("/api/messages", auth.RequireScopes("read:messages"), func(c *gin.Context) {
//			user := auth0gin.MustUser(c)
//			c.JSON(200, gin.H{"id": user.ID, "email": user.Email})
//		})
//		api := httptest.NewServer(r)
//		defer api.Close()
//
//		get := func(token string) int {
//			req, _ := http.NewRequest("GET", api.URL+"/api/messages", nil)
//			req.Header.Set("Authorization", "Bearer "+token)
//			res, err := http.DefaultClient.Do(req)
//			if err != nil {
//				t.Fatal(err)
//			}
//			res.Body.Close()
//			return res.StatusCode
//		}
//		if got := get(tenant.Token(t)); got != 200 { // alice, with read:messages and write:messages
//			t.Errorf("alice: %d", got)
//		}
//		if got := get(tenant.Token(t, auth0test.Scopes("write:messages"))); got != 403 {
//			t.Errorf("without read:messages: %d", got)
//		}
//		if got := get(tenant.Token(t, auth0test.Expired())); got != 401 {
//			t.Errorf("expired: %d", got)
//		}
//		if got := get(tenant.M2MToken(t, "read:messages")); got != 200 {
//			t.Errorf("machine: %d", got)
//		}
//		// A real login through the tenant's /oauth/token:
//		if got := get(tenant.PasswordToken(t, devtenant.Bob.Email, devtenant.Bob.Password, "read:messages")); got != 403 {
//			t.Errorf("bob has no permissions: %d", got)
//		}
//		// Key rotation: tokens of the previous key keep working, and so do
//		// tokens of the new current key.
//		old := tenant.Token(t)
//		tenant.RotateKeys()
//		if get(old) != 200 || get(tenant.Token(t)) != 200 {
//			t.Error("key rotation broke tokens")
//		}
//	}
//
// CheckContract checks that an app's routes do what its API docs say:
//
//	auth0test.CheckContract(t, tenant, router(auth), "/docs/doc.json")
//
// The tenant is devtenant.Default() unless options change it: the users
// devtenant.Alice (read:messages, write:messages, role admin) and
// devtenant.Bob (nothing), the API devtenant.Audience, and the applications
// devtenant.SPAClient, devtenant.M2MClient and devtenant.RegularClient.
// Everything devtenant.Tenant offers (FailNext, RotateKeys, IssueToken,
// Stats, the Management API, ...) is available on the returned Tenant. A
// token for another API of the tenant, which Config does not accept:
//
//	tenant.Token(t, auth0test.Audience(tenant.ManagementAudience()))
package auth0test

import (
	"context"
	"crypto"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// Tenant is a dev tenant served by an httptest.Server on 127.0.0.1.
type Tenant struct {
	*devtenant.Tenant
	// URL is the tenant's base URL, with a trailing slash (= the issuer).
	URL string

	cfg devtenant.Config
}

// Option changes the tenant's configuration before it starts. Any function
// of a *devtenant.Config is one, so a field without a With function is set
// in place:
//
//	tenant := auth0test.NewTenant(t, func(c *devtenant.Config) {
//		c.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil)) // by default it logs nothing
//		c.Dialect = "rfc9068"
//	})
type Option func(*devtenant.Config)

// WithConfig replaces the whole configuration (its Issuer is set by
// NewTenant).
func WithConfig(cfg devtenant.Config) Option {
	return func(c *devtenant.Config) { *c = cfg }
}

// WithUsers adds users to the tenant.
func WithUsers(users ...devtenant.User) Option {
	return func(c *devtenant.Config) { c.Users = append(c.Users, users...) }
}

// WithClock gives the tenant a clock, to test expiry without sleeping.
func WithClock(now func() time.Time) Option {
	return func(c *devtenant.Config) { c.Now = now }
}

// NewTenant starts a tenant for the test; it is closed by t.Cleanup.
func NewTenant(t testing.TB, opts ...Option) *Tenant {
	t.Helper()
	var h http.Handler = http.NotFoundHandler()
	ready := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-ready
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	cfg := devtenant.Default()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, o := range opts {
		o(&cfg)
	}
	cfg.Issuer = srv.URL + "/"
	tn, err := devtenant.New(cfg)
	if err != nil {
		close(ready)
		t.Fatalf("auth0test: %v", err)
	}
	h = tn
	close(ready)
	return &Tenant{Tenant: tn, URL: tn.Issuer(), cfg: cfg}
}

// Config returns a core configuration trusting this tenant: its domain, the
// first API as audience with its scopes, the SPA client and the custom email
// and roles claims. With other tenants it trusts their issuers too (each with
// its own key set), this tenant's first:
//
//	a, b := auth0test.NewTenant(t), auth0test.NewTenant(t)
//	auth := auth0gin.MustNew(a.Config(b)) // tokens of a and of b
func (tt *Tenant) Config(also ...*Tenant) auth0gin.Config {
	c := auth0gin.Config{
		Domain:     strings.TrimSuffix(tt.URL, "/"),
		ClientID:   devtenant.SPAClient.ID,
		EmailClaim: devtenant.EmailClaim,
		RolesClaim: devtenant.RolesClaim,
		// The names an Action writes the login's claims under (Auth0 keeps
		// auth_time, acr and amr out of access tokens otherwise); Authenticated
		// mints them.
		AuthTimeClaim: authTimeClaim,
		ACRClaim:      acrClaim,
		AMRClaim:      amrClaim,
	}
	if len(also) > 0 {
		c.Issuers = []string{tt.URL}
		for _, o := range also {
			c.Issuers = append(c.Issuers, o.URL)
		}
	}
	if len(tt.cfg.APIs) > 0 {
		api := tt.cfg.APIs[0]
		c.Audience = []string{api.Identifier}
		c.Scopes = map[string]string{}
		for _, s := range api.Scopes {
			c.Scopes[s.Name] = s.Description
		}
	} else {
		c.Audience = []string{devtenant.Audience}
	}
	return c
}

// TokenOption shapes a token minted by Token.
type TokenOption func(*tokenOptions)

type tokenOptions struct {
	req                devtenant.TokenRequest
	scopesSet, permSet bool
	orgID, orgName     string
	bound              crypto.Signer // Bound's key
}

// The claims Authenticated writes the login's time, context and methods
// under, as the Action of docs/step-up.md does on a real tenant; Tenant.Config
// names them in auth0gin.Config (AuthTimeClaim, ACRClaim, AMRClaim).
const (
	authTimeClaim = "https://example.com/auth_time"
	acrClaim      = "https://example.com/acr"
	amrClaim      = "https://example.com/amr"
)

// Authenticated describes the login behind the token, for step-up routes
// (auth0gin.MaxAge, auth0gin.AuthContext): when it happened (auth_time; a
// zero time leaves it out), its authentication context (acr; "" leaves it
// out) and methods (amr, such as "pwd" and "mfa"; none leaves it out). They
// are written under the namespaced names Tenant.Config reads, as a real
// tenant's Action writes them (Auth0 lets no Action set plain auth_time,
// acr or amr):
//
//	tenant.Token(t, auth0test.Authenticated(time.Now(), "", "pwd", "mfa"))
func Authenticated(at time.Time, acr string, amr ...string) TokenOption {
	return Claims(loginClaims(at, acr, amr))
}

func loginClaims(at time.Time, acr string, amr []string) map[string]any {
	m := map[string]any{}
	if !at.IsZero() {
		m[authTimeClaim] = at.Unix()
	}
	if acr != "" {
		m[acrClaim] = acr
	}
	if len(amr) > 0 {
		m[amrClaim] = append([]string{}, amr...)
	}
	return m
}

// Organization issues the token for an Auth0 organization: org_id id and,
// when name is not empty, org_name name (auth0gin.Organization).
func Organization(id, name string) TokenOption {
	return func(o *tokenOptions) { o.orgID, o.orgName = id, name }
}

// Scopes sets the token's scopes; unless Permissions is also given, the user
// is treated as holding exactly these permissions, so the token carries them
// in both `scope` and `permissions`. Scopes() with no argument gives none.
func Scopes(scopes ...string) TokenOption {
	return func(o *tokenOptions) {
		o.req.Scopes, o.scopesSet = append([]string{}, scopes...), true
	}
}

// Permissions sets the user's permissions (the `permissions` claim; `scope`
// is then what was requested among them).
func Permissions(perms ...string) TokenOption {
	return func(o *tokenOptions) {
		o.req.Permissions, o.permSet = append([]string{}, perms...), true
	}
}

// Claims adds custom claims (Auth0's rules apply: restricted names and
// auth0.com namespaces are dropped).
func Claims(claims map[string]any) TokenOption {
	return func(o *tokenOptions) {
		if o.req.Claims == nil {
			o.req.Claims = map[string]any{}
		}
		for k, v := range claims {
			o.req.Claims[k] = v
		}
	}
}

// User picks a configured user by email or ID (default: the first user, alice).
func User(emailOrID string) TokenOption {
	return func(o *tokenOptions) { o.req.User = emailOrID }
}

// Subject sets `sub`; without User the token is for a user the tenant does
// not know.
func Subject(sub string) TokenOption {
	return func(o *tokenOptions) { o.req.Subject = sub }
}

// Email sets the email the custom email claim carries.
func Email(email string) TokenOption {
	return func(o *tokenOptions) { o.req.Email = email }
}

// Audience sets the API the token is for.
func Audience(aud string) TokenOption {
	return func(o *tokenOptions) { o.req.Audience = aud }
}

// ClientID sets the client the token is issued to (azp).
func ClientID(id string) TokenOption {
	return func(o *tokenOptions) { o.req.ClientID = id }
}

// ExpiresIn sets the token's lifetime.
func ExpiresIn(d time.Duration) TokenOption {
	return func(o *tokenOptions) { o.req.ExpiresIn = d }
}

// Expired makes a token that expired an hour ago.
func Expired() TokenOption {
	return func(o *tokenOptions) {
		o.req.IssuedAt, o.req.ExpiresAt = time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour)
	}
}

// KeyID signs the token with that key of the JWKS (see Tenant.Keys).
func KeyID(kid string) TokenOption {
	return func(o *tokenOptions) { o.req.KeyID = kid }
}

// Token mints a user's access token, by default alice's with every scope of
// the API she holds (read:messages and write:messages).
func (tt *Tenant) Token(t testing.TB, opts ...TokenOption) string {
	t.Helper()
	var o tokenOptions
	for _, f := range opts {
		f(&o)
	}
	if o.req.User == "" && o.req.Subject == "" && len(tt.cfg.Users) > 0 {
		o.req.User = tt.cfg.Users[0].Email
	}
	if o.scopesSet && !o.permSet {
		o.req.Permissions = o.req.Scopes
	}
	if o.orgID != "" {
		if err := withOrganization(&o.req, o.orgID, o.orgName); err != nil {
			t.Fatalf("auth0test: %v", err)
		}
	}
	bind(t, &o)
	tok, err := tt.IssueToken(context.Background(), o.req)
	if err != nil {
		t.Fatalf("auth0test: %v", err)
	}
	return tok
}

// M2MToken mints a client-credentials token of the M2M client for the API,
// with these scopes (default: those of its client grant).
func (tt *Tenant) M2MToken(t testing.TB, scopes ...string) string {
	t.Helper()
	req := devtenant.TokenRequest{ClientCredentials: true}
	if len(scopes) > 0 {
		req.Scopes, req.Permissions = scopes, scopes
	}
	tok, err := tt.IssueToken(context.Background(), req)
	if err != nil {
		t.Fatalf("auth0test: %v", err)
	}
	return tok
}

// PasswordToken logs in through the tenant's real /oauth/token (password
// grant, SPA client, the first API as audience) and returns the access token.
func (tt *Tenant) PasswordToken(t testing.TB, username, password string, scopes ...string) string {
	t.Helper()
	form := url.Values{
		"grant_type": {"password"}, "client_id": {devtenant.SPAClient.ID},
		"username": {username}, "password": {password}, "scope": {strings.Join(scopes, " ")},
	}
	if aud := tt.Config().Audience; len(aud) > 0 {
		form.Set("audience", aud[0])
	}
	res, err := http.PostForm(tt.URL+"oauth/token", form)
	if err != nil {
		t.Fatalf("auth0test: %v", err)
	}
	defer res.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&body); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("auth0test: password grant for %s: %d %s %s (%v)", username, res.StatusCode, body.Error, body.Description, err)
	}
	return body.AccessToken
}

package devtenant

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/auth0gin/auth0gin/internal/dpop"
)

// Tenant is an Auth0-compatible tenant; it is an http.Handler. Create it with
// New; it is safe for concurrent use.
type Tenant struct {
	cfg    Config
	issuer string
	log    *slog.Logger
	now    func() time.Time
	mux    *http.ServeMux

	apis    map[string]*api
	clients map[string]*client
	claims  []extraClaim
	orgs    []*organization // in configuration order; members resolved to user IDs

	keyMu                   sync.RWMutex
	current, next, previous *signingKey

	tokenURL    string       // <issuer>oauth/token, the htu of token-endpoint proofs
	userinfoURL string       // <issuer>userinfo, the htu of /userinfo proofs
	nonces      *dpop.Nonces // the DPoP-Nonce values (Config.DPoPNonce), under a random secret

	failNext atomic.Int64
	rl       rateLimiter
	stats    counters
	jtis     *jtiSet // the jti of DPoP proofs seen, until they expire

	mu          sync.Mutex // guards everything below
	users       *userStore
	sessions    map[string]session
	txs         map[string]*authTx
	mfaFails    map[string]mfaFailures // by user id: wrong MFA codes across transactions
	codes       map[string]*authCode
	rts         map[string]*refreshToken // by hash of the token
	families    map[string]*rtFamily
	devices     map[string]*deviceAuth   // by hash of the device code
	opaque      map[string]opaqueToken   // by hash of the token
	activations map[string]*activation   // activation-form transactions and confirmations
	userCodes   map[string]string        // user code → hash of its device code
	attempts    map[attemptKey]*attempts // failed logins and brute-force blocks

	codeFailures      int // wrong user codes since codeFailuresSince, tenant-wide
	codeFailuresSince time.Time
	lastSweep         time.Time
}

// api is a configured API with its lookups.
type api struct {
	API
	scopes   map[string]bool
	lifetime time.Duration
	mgmt     bool
}

// client is a configured client with its lookups.
type client struct {
	Client
	grantTypes map[string]bool
	callbacks  []urlPattern
	logout     []urlPattern
}

// Management API scopes checked by the users endpoints.
const (
	scopeReadUsers   = "read:users"
	scopeCreateUsers = "create:users"
	scopeUpdateUsers = "update:users"
	scopeDeleteUsers = "delete:users"

	scopeReadOrganizations  = "read:organizations"
	scopeReadOrgMembers     = "read:organization_members"
	scopeReadOrgMemberRoles = "read:organization_member_roles"
)

// New validates cfg and returns a tenant serving it. It generates the signing
// keys (or loads them from cfg.KeyFile) and takes a private copy of the users,
// so changes made through the Management API do not touch cfg.
func New(cfg Config) (*Tenant, error) {
	issuer, err := normalizeIssuer(cfg.Issuer)
	if err != nil {
		return nil, err
	}
	cfg.Issuer = issuer
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.AccessTokenLifetime, defaultAccessTokenLifetime)
	def(&cfg.IDTokenLifetime, defaultIDTokenLifetime)
	def(&cfg.RefreshTokenLifetime, defaultRefreshTokenLifetime)
	def(&cfg.DeviceCodeLifetime, defaultDeviceCodeLifetime)
	def(&cfg.DeviceInterval, defaultDeviceInterval)
	switch strings.ToLower(strings.TrimSpace(cfg.Dialect)) {
	case "", dialectAuth0:
		cfg.Dialect = dialectAuth0
	case dialectRFC9068, "rfc 9068", "rfc9068_profile":
		cfg.Dialect = dialectRFC9068
	default:
		return nil, fmt.Errorf("devtenant: Config.Dialect %q: want %q or %q", cfg.Dialect, dialectAuth0, dialectRFC9068)
	}
	if cfg.RefreshReuseLeeway < 0 {
		cfg.RefreshReuseLeeway = 0
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	t := &Tenant{
		cfg:         cfg,
		issuer:      issuer,
		log:         cfg.Logger,
		now:         cfg.Now,
		apis:        map[string]*api{},
		clients:     map[string]*client{},
		sessions:    map[string]session{},
		txs:         map[string]*authTx{},
		mfaFails:    map[string]mfaFailures{},
		codes:       map[string]*authCode{},
		rts:         map[string]*refreshToken{},
		families:    map[string]*rtFamily{},
		devices:     map[string]*deviceAuth{},
		opaque:      map[string]opaqueToken{},
		activations: map[string]*activation{},
		userCodes:   map[string]string{},
		attempts:    map[attemptKey]*attempts{},
		jtis:        newJTISet(maxPending),
		tokenURL:    dpopURL(issuer + "oauth/token"),
		userinfoURL: dpopURL(issuer + "userinfo"),
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	t.nonces = dpop.NewNonces(secret, dpopNonceSlot)
	t.rl.limit = cfg.RateLimit
	if err := t.setupAPIs(); err != nil {
		return nil, err
	}
	if err := t.setupClients(); err != nil {
		return nil, err
	}
	users := make([]User, len(cfg.Users))
	for i, u := range cfg.Users {
		u = cloneUser(u)
		for aud, perms := range u.Permissions {
			if x := t.expandIssuer(aud); x != aud {
				delete(u.Permissions, aud)
				u.Permissions[x] = perms
			}
		}
		users[i] = u
	}
	if t.users, err = newUserStore(users, t.now()); err != nil {
		return nil, err
	}
	if t.claims, err = parseExtraClaims(cfg.ExtraClaims); err != nil {
		return nil, err
	}
	if err := t.setupOrgs(); err != nil {
		return nil, err
	}
	if err := checkAuthClaimNames(cfg); err != nil {
		return nil, err
	}
	if err := t.setupKeys(); err != nil {
		return nil, err
	}
	t.routes()
	return t, nil
}

func normalizeIssuer(s string) (string, error) {
	if s == "" {
		return "", errors.New("devtenant: Config.Issuer is required (e.g. \"http://127.0.0.1:4000/\")")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("devtenant: issuer %q must be an http(s) base URL", s)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), nil
}

// ManagementAudience returns the audience of the tenant's Management API,
// "<issuer>api/v2/".
func (t *Tenant) ManagementAudience() string { return t.issuer + "api/v2/" }

func (t *Tenant) expandIssuer(s string) string {
	return strings.ReplaceAll(s, "{issuer}", t.issuer)
}

func (t *Tenant) setupAPIs() error {
	for _, a := range t.cfg.APIs {
		a.Identifier = t.expandIssuer(a.Identifier)
		if a.Identifier == "" {
			return errors.New("devtenant: an API needs an Identifier")
		}
		if _, dup := t.apis[a.Identifier]; dup {
			return fmt.Errorf("devtenant: API %q is listed twice", a.Identifier)
		}
		a.Scopes = append([]Scope(nil), a.Scopes...)
		t.apis[a.Identifier] = t.newAPI(a)
	}
	mgmtScopes := []Scope{
		{Name: scopeReadUsers, Description: "Read Users"},
		{Name: scopeCreateUsers, Description: "Create Users"},
		{Name: scopeUpdateUsers, Description: "Update Users"},
		{Name: scopeDeleteUsers, Description: "Delete Users"},
		{Name: scopeReadOrganizations, Description: "Read Organizations"},
		{Name: scopeReadOrgMembers, Description: "Read Organization Members"},
		{Name: scopeReadOrgMemberRoles, Description: "Read Organization Member Roles"},
	}
	if mgmt := t.ManagementAudience(); t.apis[mgmt] == nil {
		t.apis[mgmt] = t.newAPI(API{Identifier: mgmt, Name: "Auth0 Management API", Scopes: mgmtScopes, RBAC: true})
	} else {
		// A configured Management API (say, for its token lifetime) still
		// defines the scopes its endpoints check, as Auth0's cannot drop them.
		a := t.apis[mgmt]
		for _, sc := range mgmtScopes {
			if !a.scopes[sc.Name] {
				a.Scopes = append(a.Scopes, sc)
				a.scopes[sc.Name] = true
			}
		}
	}
	t.apis[t.ManagementAudience()].mgmt = true
	t.cfg.DefaultAudience = t.expandIssuer(t.cfg.DefaultAudience)
	if aud := t.cfg.DefaultAudience; aud != "" && t.apis[aud] == nil {
		return fmt.Errorf("devtenant: DefaultAudience %q is not an API of the tenant", aud)
	}
	return nil
}

func (t *Tenant) newAPI(a API) *api {
	out := &api{API: a, scopes: map[string]bool{}, lifetime: a.TokenLifetime}
	for _, s := range a.Scopes {
		out.scopes[s.Name] = true
	}
	if out.lifetime <= 0 {
		out.lifetime = t.cfg.AccessTokenLifetime
	}
	return out
}

func (t *Tenant) setupClients() error {
	for _, c := range t.cfg.Clients {
		if c.ID == "" {
			return errors.New("devtenant: a client needs an ID")
		}
		if _, dup := t.clients[c.ID]; dup {
			return fmt.Errorf("devtenant: client %q is listed twice", c.ID)
		}
		switch c.Type {
		case "":
			c.Type = clientSPA
		case clientSPA, clientRegular, clientM2M, clientNative:
		default:
			return fmt.Errorf("devtenant: client %q: unknown type %q (want spa, regular_web, non_interactive or native)", c.ID, c.Type)
		}
		out := &client{Client: c, grantTypes: map[string]bool{}}
		gts := c.GrantTypes
		if len(gts) == 0 {
			gts = defaultGrantTypes(c.Type)
		}
		for _, g := range gts {
			if g == "device_code" {
				g = grantDeviceCode
			}
			switch g {
			case grantImplicit, grantAuthorizationCode, grantRefreshToken, grantPassword, grantPasswordRealm, grantClientCredentials, grantDeviceCode:
				out.grantTypes[g] = true
			default:
				return fmt.Errorf("devtenant: client %q: unknown grant type %q", c.ID, g)
			}
		}
		for _, cb := range c.Callbacks {
			p, err := parseURLPattern(cb)
			if err != nil {
				return fmt.Errorf("devtenant: client %q callback: %w", c.ID, err)
			}
			out.callbacks = append(out.callbacks, p)
		}
		for _, lu := range c.LogoutURLs {
			p, err := parseURLPattern(lu)
			if err != nil {
				return fmt.Errorf("devtenant: client %q logout URL: %w", c.ID, err)
			}
			out.logout = append(out.logout, p)
		}
		out.Grants = map[string][]string{}
		for aud, scopes := range c.Grants {
			aud = t.expandIssuer(aud)
			a := t.apis[aud]
			if a == nil {
				return fmt.Errorf("devtenant: client %q is granted unknown API %q", c.ID, aud)
			}
			for _, s := range scopes {
				if !a.scopes[s] {
					return fmt.Errorf("devtenant: client %q is granted scope %q that API %q does not define", c.ID, s, aud)
				}
			}
			out.Grants[aud] = append([]string{}, scopes...)
		}
		t.clients[c.ID] = out
	}
	return nil
}

func (t *Tenant) setupKeys() error {
	if t.cfg.KeyFile != "" {
		cur, next, prev, ok, err := loadKeys(t.cfg.KeyFile, t.now())
		if err != nil {
			return err
		}
		if ok {
			t.current, t.next, t.previous = cur, next, prev
			return nil
		}
	}
	// Two keys in parallel: RSA generation dominates New's cost.
	var nextErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		t.next, nextErr = newSigningKey(t.now())
	}()
	cur, err := newSigningKey(t.now())
	<-done
	if err = errors.Join(err, nextErr); err != nil {
		return err
	}
	t.current = cur
	t.persistKeys()
	return nil
}

// Issuer returns the issuer, with its trailing slash.
func (t *Tenant) Issuer() string { return t.issuer }

// randomToken returns n random bytes, base64url-encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return b64(b)
}

// hashToken is how stored secrets (refresh tokens, codes, device codes) are keyed.
func hashToken(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// maxPending bounds each map of short-lived state (login transactions, codes,
// opaque tokens, device codes, sessions), so a flood of requests cannot grow
// the tenant without limit; beyond it, arbitrary entries are dropped.
const maxPending = 50_000

func capMap[K comparable, V any](m map[K]V) {
	for k := range m {
		if len(m) < maxPending {
			return
		}
		delete(m, k)
	}
}

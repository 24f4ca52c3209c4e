package auth0gin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/auth0gin/auth0gin/auth0gin/internal/envfile"
	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry"
	"github.com/auth0gin/auth0gin/auth0gin/internal/tenanturl"
)

// ScopeSource says which claim satisfies a required scope.
type ScopeSource int

const (
	// ScopeOrPermissions accepts a scope found in either the space-separated
	// `scope` claim or the `permissions` array (Auth0 RBAC). The default.
	ScopeOrPermissions ScopeSource = iota
	// ScopeClaimOnly accepts only the `scope` claim.
	ScopeClaimOnly
	// PermissionsClaimOnly accepts only the `permissions` claim.
	PermissionsClaimOnly
)

// defaultHTTPTimeout bounds every outbound call when Config.HTTPClient is nil
// or has no Timeout.
const defaultHTTPTimeout = 10 * time.Second

// Defaults applied by New when the corresponding Config field is zero.
const (
	defaultMaxTokenBytes      = 16 << 10
	defaultKeyRefreshInterval = 10 * time.Minute
	defaultKeyMinRefetch      = 5 * time.Second
	defaultKeyMaxStale        = 12 * time.Hour
	defaultCacheMaxEntries    = 100_000
	defaultCacheMaxBytes      = 64 << 20
	defaultCacheMaxTTL        = 5 * time.Minute
	defaultKeyFetchWait       = time.Second
	defaultMinRSAKeyBits      = 2048
)

// Config describes the Auth0 tenant and API a protected app trusts.
// Only Domain and Audience are required; FromEnv fills it from the environment.
type Config struct {
	// Domain is the tenant domain ("tenant.eu.auth0.com", giving the issuer
	// "https://tenant.eu.auth0.com/") or a base URL ("http://127.0.0.1:4000").
	// Plain http is accepted only for loopback hosts.
	Domain string
	// Issuers lists the accepted `iss` values, matched exactly (default: the
	// Domain's base URL with a trailing slash, as Auth0 issues it). List
	// several to trust a custom domain beside the canonical one, or several
	// tenants: each issuer has its own discovery (under the issuer URL) and
	// key set, a token's `iss` picks the key set before any key is looked up,
	// so one issuer's key never verifies another's token, and an `iss`
	// outside the list is refused before any fetch. The first issuer is where
	// the Swagger UI logs in. Each must be https, or http on a
	// loopback host.
	Issuers []string
	// SharedUserBases groups issuers that share one user base, such as a
	// tenant's canonical domain and its custom domain: a user's identity is
	// (Auth0User.UserBase, Auth0User.ID), and UserBase is the token's issuer,
	// or the first issuer of its group here. Issuers in no group never share
	// identity, so the same `sub` from two tenants is two users. Every issuer
	// named must be one of Issuers, in one group at most.
	SharedUserBases [][]string
	// Audience lists the API identifiers accepted in `aud`; a token needs one of them.
	Audience []string
	// ClientID is the SPA client id used by the Swagger UI login.
	ClientID string
	// EmailClaim names the namespaced email claim (e.g. "https://example.com/email").
	// A plain `email` claim is used when it is absent. Names match exactly;
	// any name will do except a claim the core reads itself (sub, scope,
	// permissions, azp, ...).
	EmailClaim string
	// RolesClaim names a namespaced roles claim (an array of strings), if any,
	// with the same rules as EmailClaim.
	RolesClaim string
	// AuthTimeClaim, ACRClaim and AMRClaim name the claims that say when and
	// how the user logged in, read by the step-up requirements MaxAge and
	// AuthContext (defaults "auth_time", "acr" and "amr", as in ID tokens and
	// RFC 9068 access tokens). Auth0 puts them in access tokens only through
	// an Action, under namespaced names ("https://example.com/auth_time"):
	// name those here. "-" reads no such claim. Same rules as EmailClaim.
	AuthTimeClaim, ACRClaim, AMRClaim string
	// OrgNameClaim names the organization's name claim (default "org_name",
	// as Auth0 issues it when the tenant enables it); "-" reads none, so that
	// Organization requirements match organization ids only.
	OrgNameClaim string
	// Algorithms lists the accepted asymmetric signing algorithms (default RS256).
	// HS* and "none" are always refused.
	Algorithms []string
	// ScopeSource says which claims satisfy RequireScopes (default: either).
	ScopeSource ScopeSource
	// Scopes declares the API's scopes (name → description). It feeds the
	// Swagger security definitions, and when it is not empty RequireScopes
	// panics at route registration for a scope it does not declare.
	Scopes map[string]string
	// ClockSkew is the leeway allowed on exp, nbf and iat (default 0), and
	// on a DPoP proof's iat beyond DPoPWindow. The token cache takes it off
	// instead: a cached token is trusted only until exp − ClockSkew, and
	// verified in full after that.
	ClockSkew time.Duration
	// Realm is the realm of WWW-Authenticate challenges (default: the first audience).
	Realm string
	// JWKSURL skips discovery and fetches keys from this URL.
	JWKSURL string
	// HTTPClient makes every outbound call, bounded by its Timeout. Nil means
	// a client with a 10s Timeout; a client whose Timeout is zero is copied
	// and given 10s, so no call to the tenant can wait forever.
	HTTPClient *http.Client
	// MaxTokenBytes bounds the size of an accepted token (default 16 KiB).
	MaxTokenBytes int
	// KeyRefreshInterval is how old the key set may grow before it is
	// refreshed in the background (default 10m).
	KeyRefreshInterval time.Duration
	// KeyMinRefetch is the least time between two fetches of the key set, which
	// bounds what a flood of tokens with unknown `kid`s can cost the tenant (default 5s).
	KeyMinRefetch time.Duration
	// KeyFetchWait bounds the wait for a key-set fetch while no usable keys
	// are held: requests wait until KeyFetchWait after the fetch started
	// (default 1s), then are answered 503 with Retry-After, and later ones at
	// once. Once a fetch has failed, requests that need a fetch do not wait
	// at all (503 with no usable keys, 401 for a kid not among the keys held)
	// while the next fetch runs in the background, KeyMinRefetch after the
	// failure and twice as long after each further one, up to a minute.
	// Tokens whose key is known never wait.
	KeyFetchWait time.Duration
	// MinRSAKeyBits is the smallest RSA key accepted from the JWKS (default
	// and least 2048, what Auth0 signs with); smaller keys are skipped. It
	// may be raised, never lowered.
	MinRSAKeyBits int
	// KeyMaxStale is how long known keys keep working while the tenant cannot be
	// reached or answers garbage (default 12h). It must be longer than
	// KeyRefreshInterval.
	KeyMaxStale time.Duration
	// Cache holds validated tokens. Nil means an in-memory cache of at most
	// 100,000 entries and about 64 MiB (NewMemoryCache(0, 0)); pass
	// NewMemoryCache with other bounds, or a shared cache, to change it. Set
	// DisableCache to verify every request.
	Cache TokenCache
	// DisableCache turns the validated-token cache off.
	DisableCache bool
	// CacheMaxTTL bounds how long a validated token is trusted without being
	// verified again, whatever its exp (default 5m).
	CacheMaxTTL time.Duration
	// Logger receives the package's logs (default slog.Default()). Tokens and
	// secrets are never logged.
	Logger *slog.Logger
	// MeterProvider and TracerProvider receive the package's metrics and
	// spans (default: OpenTelemetry's global providers, which discard them
	// until the app installs an SDK); session, login, users and device take
	// them from the Auth0. The library never configures an exporter; see
	// docs/observability.md for every metric. Its logs carry trace_id and
	// span_id when a span is active.
	MeterProvider  metric.MeterProvider
	TracerProvider trace.TracerProvider

	// PublicOrigin is the origin clients use to reach the app, such as
	// "https://api.example.com", for an app behind a reverse proxy or load
	// balancer (AUTH0GIN_PUBLIC_ORIGIN; FromEnv reads the deprecated
	// SESSION_PUBLIC_ORIGIN when it is unset, logs a warning at New, and
	// reports both set to different origins as ErrConfig). It is the one public origin of the
	// module: the guards build a DPoP proof's expected htu from it (scheme
	// and host; the path is the request's), and package session takes its
	// cookie's Secure attribute and CSRF origin from it. Empty means each
	// request's own: https when it came over TLS, else http, and its Host
	// header, which a proxy may rewrite and any client may set, so set it in
	// production. It is an origin (scheme://host[:port], no path); plain
	// http only for a loopback host.
	PublicOrigin string
	// DPoP is the API's policy for DPoP (RFC 9449), sender-constrained
	// tokens (AUTH0GIN_DPOP), overridden per route by the DPoP requirement:
	//   - "allowed" (the default, also ""): a request may present
	//     `Authorization: DPoP <token>` with a `DPoP` proof, or a Bearer token;
	//   - "required": only `Authorization: DPoP` with a proof is accepted,
	//     and no CredentialSource (session cookie) is consulted;
	//   - "off": the DPoP scheme is not accepted.
	// In every mode a bound token (one with cnf.jkt) needs its proof: sent
	// as Bearer, or under "off", it is refused.
	DPoP string
	// DPoPWindow is how far a proof's iat may lie from now, either way
	// (default 60s); ClockSkew is added to it. A proof's jti is remembered
	// (Config.DPoPReplay) for one window more than the proof is accepted,
	// so that an instance whose clock lags still finds it.
	DPoPWindow time.Duration
	// DPoPAlgorithms lists the signature algorithms a proof may use (default
	// ES256, ES384, ES512, PS256, PS384, PS512, RS256, RS384, RS512 and
	// EdDSA); HS* and "none" are always refused.
	DPoPAlgorithms []string
	// DPoPReplay remembers the jti of every accepted proof until it expires,
	// so that a proof is used once: Add inserts key unless present and
	// reports whether it did (store.Store has this method). Nil means a
	// bounded in-memory cache (one proof key may hold a 16th of it; past
	// that its proofs are refused), which covers one instance only: an API that
	// runs several instances passes its shared store (Redis), so that a
	// proof replayed against another instance is refused too. When Add
	// fails the request is answered 503 with Retry-After, never accepted.
	DPoPReplay interface {
		Add(ctx context.Context, key string, value []byte, expiresAt time.Time) (bool, error)
	}
	// DPoPNonceSecret, when set, makes the guards require a server nonce in
	// DPoP proofs (RFC 9449 §9; AUTH0GIN_DPOP_NONCE_SECRET): a proof without
	// a current one is answered 401 use_dpop_nonce with a DPoP-Nonce header,
	// and successful DPoP requests carry the current nonce in DPoP-Nonce. A
	// nonce is an HMAC of a time slot under this secret, so every instance
	// given the same secret accepts every other's nonces with no shared
	// state. At least 32 bytes; never logged.
	DPoPNonceSecret string
	// DPoPNonceLifetime is the length of a nonce's time slot (default 5m): a
	// nonce is accepted during its slot and the next (and the one before, for
	// an instance whose clock runs ahead), so between one and two lifetimes.
	DPoPNonceLifetime time.Duration

	envErr error // a value FromEnv could not parse, reported by New
	// legacyOrigin: FromEnv took PublicOrigin from the deprecated
	// SESSION_PUBLIC_ORIGIN; New logs one warning naming the new variable.
	legacyOrigin bool
}

// Environment variables read by FromEnv (the configuration table of
// docs/guards.md in the repository).
const (
	envDomain      = "AUTH0_DOMAIN"
	envIssuer      = "AUTH0_ISSUER"
	envAudience    = "AUTH0_API_AUDIENCE"
	envClientID    = "AUTH0_CLIENT_ID"
	envEmailClaim  = "AUTH0_EMAIL_CLAIM"
	envRolesClaim  = "AUTH0_ROLES_CLAIM"
	envAuthTime    = "AUTH0_AUTH_TIME_CLAIM"
	envACR         = "AUTH0_ACR_CLAIM"
	envAMR         = "AUTH0_AMR_CLAIM"
	envOrgName     = "AUTH0_ORG_NAME_CLAIM"
	envAlgorithms  = "AUTH0_ALGORITHMS"
	envScopeSource = "AUTH0_SCOPE_SOURCE"
	envClockSkew   = "AUTH0_CLOCK_SKEW"
	envJWKSURL     = "AUTH0_JWKS_URL"
	envCache       = "AUTH0_TOKEN_CACHE"
	envPublicOrig  = "AUTH0GIN_PUBLIC_ORIGIN"
	// envSessionOrig is the deprecated alias of envPublicOrig, read when
	// envPublicOrig is unset (package session read it before the public
	// origin moved to the core).
	envSessionOrig = "SESSION_PUBLIC_ORIGIN"
	envDPoP        = "AUTH0GIN_DPOP"
	envDPoPNonce   = "AUTH0GIN_DPOP_NONCE_SECRET"
)

// FromEnv reads a Config from the environment, loading `.env` from the working
// directory first when it exists. With AUTH0_ENV set (say to "dev"), it loads
// `.env.dev` and then `.env`. The precedence is: the real environment, then
// `.env.<AUTH0_ENV>`, then `.env`. As with godotenv, every variable of these
// files (PORT, store URLs, secrets, not only AUTH0_*) is put into the process
// environment where it is not already set, so the whole app can read them.
//
// AUTH0_ENV is taken from the real environment, or else from `.env`. A
// missing `.env.<AUTH0_ENV>`, or a value it cannot parse, is reported by New,
// so `MustNew(FromEnv())` fails at start-up.
func FromEnv() Config {
	if err := loadDotEnv(); err != nil {
		return Config{envErr: err}
	}
	return configFromLookup(os.Getenv)
}

// loadDotEnv loads `.env.<AUTH0_ENV>` and `.env` as every FromEnv of the
// module does (package internal/envfile holds the rule).
func loadDotEnv() error {
	if err := envfile.Load(); err != nil {
		return fmt.Errorf("auth0gin: %w", err)
	}
	return nil
}

func configFromLookup(get func(string) string) Config {
	c := Config{
		Domain:        strings.TrimSpace(get(envDomain)),
		Issuers:       splitList(get(envIssuer)),
		Audience:      splitList(get(envAudience)),
		ClientID:      strings.TrimSpace(get(envClientID)),
		EmailClaim:    strings.TrimSpace(get(envEmailClaim)),
		RolesClaim:    strings.TrimSpace(get(envRolesClaim)),
		AuthTimeClaim: strings.TrimSpace(get(envAuthTime)),
		ACRClaim:      strings.TrimSpace(get(envACR)),
		AMRClaim:      strings.TrimSpace(get(envAMR)),
		OrgNameClaim:  strings.TrimSpace(get(envOrgName)),
		Algorithms:    splitList(get(envAlgorithms)),
		JWKSURL:       strings.TrimSpace(get(envJWKSURL)),
		PublicOrigin:  strings.TrimSpace(get(envPublicOrig)),
		DPoP:          strings.ToLower(strings.TrimSpace(get(envDPoP))),
		// Not trimmed: a secret is taken as given.
		DPoPNonceSecret: get(envDPoPNonce),
	}
	var errs []error
	if old := strings.TrimSpace(get(envSessionOrig)); old != "" {
		switch {
		case c.PublicOrigin == "":
			c.PublicOrigin, c.legacyOrigin = old, true
		case !sameOrigin(c.PublicOrigin, old):
			errs = append(errs, fmt.Errorf("%s=%q and the deprecated %s=%q differ: set %s only",
				envPublicOrig, printable(c.PublicOrigin), envSessionOrig, printable(old), envPublicOrig))
		}
	}
	switch v := strings.ToLower(strings.TrimSpace(get(envScopeSource))); v {
	case "", "either", "any", "both":
	case "scope":
		c.ScopeSource = ScopeClaimOnly
	case "permissions":
		c.ScopeSource = PermissionsClaimOnly
	default:
		errs = append(errs, fmt.Errorf("%s=%q: want scope, permissions or either", envScopeSource, v))
	}
	if v := strings.TrimSpace(get(envClockSkew)); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", envClockSkew, err))
		}
		c.ClockSkew = d
	}
	if v := strings.TrimSpace(get(envCache)); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", envCache, err))
		}
		c.DisableCache = !on
	}
	if len(errs) > 0 {
		c.envErr = fmt.Errorf("auth0gin: environment: %w", errors.Join(errs...))
	}
	return c
}

// sameOrigin reports whether a and b name one origin, once normalised
// (each compared as given when it is not an origin).
func sameOrigin(a, b string) bool {
	if na, err := publicOrigin(a); err == nil {
		a = na
	}
	if nb, err := publicOrigin(b); err == nil {
		b = nb
	}
	return a == b
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ErrConfig is wrapped by every error New returns for a bad Config.
var ErrConfig = errors.New("auth0gin: invalid config")

// clone returns a copy of c that shares no slice or map with it, so that
// neither the caller of New nor the caller of Auth0.Config can change what an
// Auth0 accepts after the fact. Every slice or map field is copied here.
func (c Config) clone() Config {
	c.Issuers = slices.Clone(c.Issuers)
	c.Audience = slices.Clone(c.Audience)
	c.Algorithms = slices.Clone(c.Algorithms)
	c.DPoPAlgorithms = slices.Clone(c.DPoPAlgorithms)
	c.Scopes = maps.Clone(c.Scopes)
	if c.SharedUserBases != nil {
		groups := make([][]string, len(c.SharedUserBases))
		for i, g := range c.SharedUserBases {
			groups[i] = slices.Clone(g)
		}
		c.SharedUserBases = groups
	}
	return c
}

// resolve validates c and returns a copy with every default filled in. The
// copy shares no slice or map with c.
func (c Config) resolve() (Config, error) {
	c = c.clone()
	if c.envErr != nil {
		return c, fmt.Errorf("%w: %w", ErrConfig, c.envErr)
	}
	bad := func(format string, args ...any) (Config, error) {
		return c, fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, args...))
	}
	base, err := tenanturl.Base(c.Domain)
	if err != nil {
		return c, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	c.Domain = base
	if err := c.resolveIssuers(); err != nil {
		return c, err
	}
	if err := c.checkUserBases(); err != nil {
		return c, err
	}
	if len(c.Audience) == 0 {
		return bad("an audience (%s) is required: without one any API's token of the tenant would be accepted", envAudience)
	}
	for _, aud := range c.Audience {
		if strings.TrimSpace(aud) == "" {
			return bad("an empty audience would accept tokens with an empty aud")
		}
		for _, iss := range c.Issuers {
			if aud == discoveryBase(iss)+"userinfo" {
				return bad("audience %q is the userinfo endpoint, which every token requested with openid carries", aud)
			}
		}
	}
	if len(c.Algorithms) == 0 {
		c.Algorithms = []string{"RS256"}
	}
	for _, alg := range c.Algorithms {
		if !asymmetric(alg) {
			return bad("algorithm %q is not allowed: use an asymmetric one (RS256, PS256, ES256, EdDSA, ...)", alg)
		}
	}
	if c.ScopeSource < ScopeOrPermissions || c.ScopeSource > PermissionsClaimOnly {
		return bad("unknown ScopeSource %d", c.ScopeSource)
	}
	if c.JWKSURL != "" {
		u, err := url.Parse(c.JWKSURL)
		if err != nil {
			return bad("the JWKS URL does not parse") // not echoed: it may hold a password
		}
		if !secureURL(u) {
			return bad("JWKS URL %q must be https, or http on a loopback host, with no user or password", u.Redacted())
		}
	}
	if c.MinRSAKeyBits == 0 {
		c.MinRSAKeyBits = defaultMinRSAKeyBits
	}
	if c.MinRSAKeyBits < defaultMinRSAKeyBits {
		return bad("MinRSAKeyBits %d is under %d: the floor may be raised, never lowered", c.MinRSAKeyBits, defaultMinRSAKeyBits)
	}
	if c.KeyFetchWait < 0 {
		return bad("durations must not be negative")
	}
	for _, d := range []*time.Duration{&c.ClockSkew, &c.KeyRefreshInterval, &c.KeyMinRefetch, &c.KeyMaxStale, &c.CacheMaxTTL} {
		if *d < 0 {
			return bad("durations must not be negative")
		}
	}
	if c.MaxTokenBytes < 0 {
		return bad("limits must not be negative")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.KeyRefreshInterval, defaultKeyRefreshInterval)
	def(&c.KeyMinRefetch, defaultKeyMinRefetch)
	def(&c.KeyMaxStale, defaultKeyMaxStale)
	def(&c.CacheMaxTTL, defaultCacheMaxTTL)
	def(&c.KeyFetchWait, defaultKeyFetchWait)
	if c.KeyMaxStale <= c.KeyRefreshInterval {
		// Keys would go stale before any background refresh, and requests
		// with a known key would wait on a fetch.
		return bad("KeyMaxStale (%v) must be longer than KeyRefreshInterval (%v)", c.KeyMaxStale, c.KeyRefreshInterval)
	}
	if c.MaxTokenBytes == 0 {
		c.MaxTokenBytes = defaultMaxTokenBytes
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: defaultHTTPTimeout}
	} else if c.HTTPClient.Timeout == 0 {
		hc := *c.HTTPClient
		hc.Timeout = defaultHTTPTimeout
		c.HTTPClient = &hc
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	c.Logger = telemetry.Logger(c.Logger) // records carry trace_id and span_id
	if c.legacyOrigin {
		c.Logger.Warn("auth0gin: SESSION_PUBLIC_ORIGIN is deprecated: rename it " + envPublicOrig + " (one setting for the guards and sessions)")
		c.legacyOrigin = false
	}
	if c.Realm == "" {
		c.Realm = c.Audience[0]
	}
	if err := c.resolveDPoP(); err != nil {
		return c, err
	}
	for _, n := range []struct {
		f   *string
		def string
	}{{&c.AuthTimeClaim, "auth_time"}, {&c.ACRClaim, "acr"}, {&c.AMRClaim, "amr"}, {&c.OrgNameClaim, "org_name"}} {
		if *n.f == "" {
			*n.f = n.def
		}
	}
	return c, nil
}

// resolveIssuers fills Issuers in (the Domain's base URL by default) and
// checks each: an exact `iss` that is also where its discovery document
// lives, so https, or http on a loopback host, without credentials.
func (c *Config) resolveIssuers() error {
	if len(c.Issuers) == 0 {
		c.Issuers = []string{c.Domain}
		return nil
	}
	c.Issuers = slices.Clone(c.Issuers)
	for i, iss := range c.Issuers {
		u, err := url.Parse(iss)
		if err != nil {
			return fmt.Errorf("%w: issuer %d does not parse as a URL", ErrConfig, i+1) // not echoed: it may hold a password
		}
		if !secureURL(u) || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("%w: issuer %q must be an https URL (plain http only for loopback hosts) with no user, password, query or fragment", ErrConfig, u.Redacted())
		}
		if slices.Contains(c.Issuers[:i], iss) {
			return fmt.Errorf("%w: issuer %q is listed twice", ErrConfig, iss)
		}
	}
	if c.JWKSURL != "" && len(c.Issuers) > 1 {
		return fmt.Errorf("%w: JWKSURL names one key set, but %d issuers each have their own: leave it empty", ErrConfig, len(c.Issuers))
	}
	return nil
}

// checkUserBases checks SharedUserBases: every issuer named is trusted, and
// none is in two groups (or twice in one).
func (c *Config) checkUserBases() error {
	seen := map[string]bool{}
	for i, g := range c.SharedUserBases {
		if len(g) == 0 {
			return fmt.Errorf("%w: SharedUserBases group %d is empty", ErrConfig, i+1)
		}
		for _, iss := range g {
			if !slices.Contains(c.Issuers, iss) {
				return fmt.Errorf("%w: SharedUserBases names %q, which is not one of the trusted issuers %q", ErrConfig, printable(iss), c.Issuers)
			}
			if seen[iss] {
				return fmt.Errorf("%w: SharedUserBases names issuer %q twice: an issuer has one user base", ErrConfig, iss)
			}
			seen[iss] = true
		}
	}
	return nil
}

// userBase returns the user base of the trusted issuer iss: the first issuer
// of its SharedUserBases group, or iss itself.
func (c *Config) userBase(iss string) string {
	for _, g := range c.SharedUserBases {
		if slices.Contains(g, iss) {
			return g[0]
		}
	}
	return iss
}

// secureURL reports whether u may reach the tenant (tenanturl.Secure): https,
// or plain http to a loopback host, and no user or password.
func secureURL(u *url.URL) bool { return tenanturl.Secure(u) }

// asymmetric reports whether alg is a public-key signature algorithm that
// go-jwt-middleware's validator supports.
func asymmetric(alg string) bool {
	switch alg {
	case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA":
		return true
	}
	return false
}

package login

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/envfile"
	"github.com/auth0gin/auth0gin/auth0gin/internal/ratelimit"

	"github.com/auth0gin/auth0gin/auth0gin/internal/tenanturl"
)

// Environment variables read by FromEnv (AUTH0GIN_ENCRYPTION_KEYS is
// envEncryptionKeys).
const (
	envClientID        = "AUTH0_LOGIN_CLIENT_ID"
	envClientSecret    = "AUTH0_LOGIN_CLIENT_SECRET"
	envConnection      = "AUTH0_CONNECTION"
	envRefreshLifetime = "AUTH0_REFRESH_TOKEN_LIFETIME"
)

// Defaults applied by New for zero Config fields (each field's doc states
// its default).
const (
	defaultConnection      = "Username-Password-Authentication"
	defaultScope           = "openid profile email offline_access"
	defaultRefreshLifetime = 30 * 24 * time.Hour
	defaultGraceWindow     = 30 * time.Second
	defaultLockTimeout     = 15 * time.Second
	defaultTenantTimeout   = 10 * time.Second
	defaultKeyPrefix       = "login:"
)

// Config configures a Manager. ClientID, ClientSecret and Keys are required
// (FromEnv reads them); the rest have defaults.
type Config struct {
	// ClientID and ClientSecret are the tenant's confidential ("regular web")
	// client with the password and refresh_token grants and token endpoint
	// authentication "Post". The secret is sent in the request body only,
	// and never logged.
	ClientID     string
	ClientSecret string
	// Connection is the database connection (realm) users log in to
	// (default "Username-Password-Authentication").
	Connection string
	// Audience is the API the access tokens are for (default: the core's
	// first audience).
	Audience string
	// Scope is requested at login; offline_access is what brings a refresh
	// token (default "openid profile email offline_access").
	Scope string
	// TokenURL and RevokeURL default to the tenant's /oauth/token and
	// /oauth/revoke.
	TokenURL  string
	RevokeURL string
	// Keys encrypt the refresh tokens at rest (ParseKeys). Required.
	Keys *Keyring
	// RefreshLifetime is the tenant's absolute refresh token lifetime: rows
	// expire then, rotation does not extend it, and an access token that
	// expired longer ago cannot refresh (default 30 days, as Auth0's).
	RefreshLifetime time.Duration
	// GraceWindow is how long the answer of a refresh is remembered for
	// refreshes racing with the same access token (default 30s). After it,
	// the old access token refreshes nothing.
	GraceWindow time.Duration
	// LockTimeout bounds how long a refresh holds the cross-instance lock
	// and how long racing refreshes wait for its answer (default 15s; more
	// than TenantTimeout, which bounds the one slow step).
	LockTimeout time.Duration
	// TenantTimeout bounds each call to the tenant (default 10s).
	TenantTimeout time.Duration
	// HTTPClient makes the calls to the tenant (default: the core's).
	HTTPClient *http.Client
	// LoginsPerMinute limits login attempts per client address, an IPv4
	// address or an IPv6 /64, with a looser tier of 4× per IPv6 /48, and
	// as many per username across all addresses (default 10 a minute, with
	// bursts of as many; negative disables both;
	// AUTH0GIN_LOGINS_PER_MINUTE). Over it, the answer is 429
	// too_many_requests with Retry-After. Whatever its value, 10
	// consecutive failures of one username from one address make the next
	// wrong password 429 too_many_attempts, for names the tenant knows and
	// names it does not alike. The counts live in the store, shared by
	// every instance, in fixed one-minute windows (one store operation per
	// decision and tier). package session has the same knobs.
	LoginsPerMinute int
	// LimitOutage is what the limiter does while the store fails: "refuse"
	// (the default) answers 503 with Retry-After, so the limit fails closed
	// and a store outage never opens the door to unlimited password
	// guessing; "local" counts in each instance's memory meanwhile (the
	// limit holds per instance: N instances allow N times the budget)
	// (AUTH0GIN_LIMIT_OUTAGE). Anything else is refused by New.
	LimitOutage string
	// TrustedProxies are the reverse proxies (addresses or CIDRs, such as
	// "10.0.0.0/8") whose X-Forwarded-For is believed; the client is then
	// the right-most address in it that is not one of them. That address is
	// what the limiter counts and what the tenant gets in
	// auth0-forwarded-for for its brute-force protection. Default none: the
	// connection's peer address (AUTH0GIN_TRUSTED_PROXIES, a comma list).
	// Gin's trusted proxies are not used.
	TrustedProxies []string
	// MaxTrackedClients bounds the keys each tier of the limiter remembers
	// (addresses, /48s, usernames, failure counts; default 10000); past
	// it, those used longest ago are forgotten.
	MaxTrackedClients int
	// Sessions, when set, starts a session for each successful login, so the
	// answer also sets the session cookie: set it to package session's
	// *Manager. Give the login Manager to the session Manager's Mount in
	// turn (sess.Mount(api, lg)), so that POST /auth/logout also revokes
	// the refresh token held for the request's bearer token.
	Sessions SessionStarter
	// CrossOrigin guards Login when Sessions is set: the answer then sets
	// the session cookie, and a form another site makes a victim's browser
	// post would log the victim in as the attacker (login CSRF). A
	// cross-origin browser request is refused with 403 before the tenant is
	// asked. Default: http.NewCrossOriginProtection(), which trusts only the
	// app's own origin; add a front end on another origin with
	// AddTrustedOrigin. Without Sessions it is not used.
	CrossOrigin *http.CrossOriginProtection
	// KeyPrefix prefixes every store key of this package (default "login:").
	// It may not hold '{' or '}': each user's rows get a store key group of
	// their own, and a group in the prefix would make one for the whole app.
	// Two apps sharing a store use two prefixes.
	KeyPrefix string
	// Logger receives the package's logs (default: the core's). Tokens,
	// passwords and the client secret are never logged.
	Logger *slog.Logger
	// Now is the clock (default time.Now); tests move it.
	Now func() time.Time

	envErr  error
	proxies []netip.Prefix // TrustedProxies, parsed by resolve
}

// FromEnv reads a Config from the environment, after loading
// `.env.<AUTH0_ENV>` and `.env` as every FromEnv of the module does
// (variables already set win):
//
//   - AUTH0_LOGIN_CLIENT_ID, AUTH0_LOGIN_CLIENT_SECRET: the confidential
//     client (Config.ClientID, Config.ClientSecret);
//   - AUTH0_CONNECTION: Config.Connection;
//   - AUTH0_REFRESH_TOKEN_LIFETIME: Config.RefreshLifetime, a Go duration;
//   - AUTH0GIN_ENCRYPTION_KEYS: Config.Keys, in ParseKeys's form
//     "id:base64key[,id:base64key...]";
//   - AUTH0GIN_LOGINS_PER_MINUTE: Config.LoginsPerMinute, an integer;
//     AUTH0GIN_TRUSTED_PROXIES: Config.TrustedProxies, a comma list;
//     AUTH0GIN_LIMIT_OUTAGE: Config.LimitOutage (package session reads
//     these too).
//
// A value it cannot parse, or a `.env` it cannot read, is kept in the
// Config and reported by New.
func FromEnv() Config {
	var errs []error
	if err := envfile.Load(); err != nil {
		errs = append(errs, fmt.Errorf("login: %w", err))
	}
	c := Config{
		ClientID:     os.Getenv(envClientID),
		ClientSecret: os.Getenv(envClientSecret),
		Connection:   os.Getenv(envConnection),
	}
	if v := os.Getenv(envRefreshLifetime); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s: %q is not a positive duration", envRefreshLifetime, v))
		}
		c.RefreshLifetime = d
	}
	if v := os.Getenv(envEncryptionKeys); v != "" {
		k, err := ParseKeys(v)
		if err != nil {
			errs = append(errs, err)
		}
		c.Keys = k
	}
	var err error
	if c.LoginsPerMinute, c.TrustedProxies, c.LimitOutage, err = ratelimit.FromEnv(); err != nil {
		errs = append(errs, err)
	}
	c.envErr = errors.Join(errs...)
	return c
}

// errConfig starts every error New returns for a bad Config.
func errConfig(format string, args ...any) error {
	return fmt.Errorf("login: %w: "+format, append([]any{auth0gin.ErrConfig}, args...)...)
}

// resolve checks c and fills in the defaults from auth.
func (c Config) resolve(auth *auth0gin.Auth0) (Config, error) {
	if c.envErr != nil {
		if errors.Is(c.envErr, auth0gin.ErrConfig) { // from ParseKeys
			return c, c.envErr
		}
		return c, errConfig("%w", c.envErr)
	}
	if c.Keys == nil || len(c.Keys.ids) == 0 {
		return c, errConfig("%w", errNoKeys)
	}
	if c.ClientID == "" || c.ClientSecret == "" {
		return c, errConfig("a confidential client is required (%s, %s)", envClientID, envClientSecret)
	}
	core := auth.Config()
	if c.Audience == "" && len(core.Audience) > 0 {
		c.Audience = core.Audience[0]
	}
	if c.Audience == "" {
		return c, errConfig("no audience")
	}
	c.Connection = orDefault(c.Connection, defaultConnection)
	c.Scope = orDefault(c.Scope, defaultScope)
	if !strings.Contains(" "+c.Scope+" ", " offline_access ") {
		return c, errConfig("Scope must include offline_access, or the tenant sends no refresh token")
	}
	c.TokenURL = orDefault(c.TokenURL, tenanturl.Endpoint(auth.Config().Issuers, "oauth/token"))
	c.RevokeURL = orDefault(c.RevokeURL, tenanturl.Endpoint(auth.Config().Issuers, "oauth/revoke"))
	if c.RefreshLifetime == 0 {
		c.RefreshLifetime = defaultRefreshLifetime
	}
	if c.GraceWindow == 0 {
		c.GraceWindow = defaultGraceWindow
	}
	if c.TenantTimeout == 0 {
		c.TenantTimeout = defaultTenantTimeout
	}
	if c.LockTimeout == 0 {
		c.LockTimeout = max(defaultLockTimeout, c.TenantTimeout+5*time.Second)
	}
	if c.RefreshLifetime < 0 || c.GraceWindow < 0 || c.TenantTimeout < 0 || c.LockTimeout <= c.TenantTimeout {
		return c, errConfig("durations must be positive, and LockTimeout longer than TenantTimeout")
	}
	if c.HTTPClient == nil {
		c.HTTPClient = core.HTTPClient
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: c.TenantTimeout}
	}
	if c.LoginsPerMinute == 0 {
		c.LoginsPerMinute = ratelimit.DefaultPerMinute
	}
	if c.MaxTrackedClients <= 0 {
		c.MaxTrackedClients = ratelimit.DefaultMaxTracked
	}
	proxies, err := ratelimit.ParseProxies(c.TrustedProxies)
	if err != nil {
		return c, errConfig("%v", err)
	}
	if c.LimitOutage, err = ratelimit.ParseOutage(c.LimitOutage); err != nil {
		return c, errConfig("LimitOutage: %v", err)
	}
	c.proxies = proxies
	if c.CrossOrigin == nil {
		c.CrossOrigin = http.NewCrossOriginProtection()
	}
	c.KeyPrefix = orDefault(c.KeyPrefix, defaultKeyPrefix)
	if strings.ContainsAny(c.KeyPrefix, "{}") {
		return c, errConfig("KeyPrefix %q holds '{' or '}': a store key group in the prefix would put every key on one Redis Cluster node", c.KeyPrefix)
	}
	if c.Logger == nil {
		c.Logger = core.Logger
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

// SessionStarter starts a server-side session for a user who has just
// logged in with a password, setting its cookie on c: package session's
// *Manager is one. An error fails the login: it is answered as it is when
// it is an *Error or an *auth0gin.AuthError, else as a 503.
type SessionStarter interface {
	StartSession(c *gin.Context, user *auth0gin.Auth0User) error
}

package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/envfile"
	"github.com/auth0gin/auth0gin/auth0gin/internal/ratelimit"
	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry"
)

// The session cookie's names unless Config.CookieName says otherwise (see
// Manager.cookieName): hostCookieName for a Secure, host-only, Path=/
// cookie, devCookieName otherwise (plain-http loopback in development, or a
// CookieDomain or CookiePath that the __Host- prefix forbids).
const (
	hostCookieName = "__Host-auth0gin_session"
	devCookieName  = "auth0gin_session"
)

// The environment variables FromEnv reads.
const (
	envStoreURL       = "SESSION_STORE_URL"
	envTrustedOrigins = "SESSION_TRUSTED_ORIGINS"
	envKeyPrefix      = "SESSION_KEY_PREFIX"
	envReplicaWait    = "AUTH0GIN_REPLICA_WAIT"
	envDeviceClientID = "AUTH0_DEVICE_CLIENT_ID"
	envDeviceScopes   = "AUTH0_DEVICE_SCOPES"
	envOpaqueTokens   = "SESSION_OPAQUE_TOKENS"
	envIdleTimeout    = "SESSION_IDLE_TIMEOUT"
	envMaxLifetime    = "SESSION_MAX_LIFETIME"
	envLocalCacheTTL  = "SESSION_LOCAL_CACHE_TTL"
)

// Config configures a Manager. The zero value is usable: every field has a
// default, listed on the field. FromEnv fills it from the environment.
type Config struct {
	// StoreURL names the store the sessions live in, for the app to open
	// with package store (SESSION_STORE_URL): New takes the opened store
	// and does not read this field. Empty means SQLite in memory.
	StoreURL string

	// CookieName is the cookie's name. By default it is chosen per request,
	// with the Secure attribute (see the public origin below): "__Host-auth0gin_session"
	// for a Secure cookie with no CookieDomain and CookiePath "/", which a
	// browser accepts only from this very host, so that no sibling site can
	// plant one (cookie tossing); "auth0gin_session" otherwise, as on
	// plain-http loopback in development. A name set here is used as is,
	// whatever the request; a "__Host-" or "__Secure-" name makes the cookie
	// always Secure, and New refuses a "__Host-" name with a CookieDomain or
	// a CookiePath other than "/", and either prefix with a plain-http
	// public origin: browsers would drop the cookie.
	CookieName string
	// CookieDomain is the cookie's Domain attribute; empty (the default)
	// makes a host-only cookie, which is what most apps want.
	CookieDomain string
	// CookiePath is the cookie's Path attribute (default "/").
	CookiePath string

	// The public origin, the origin browsers use to reach the app behind a
	// reverse proxy, is the Auth0's (auth0gin.Config.PublicOrigin,
	// AUTH0GIN_PUBLIC_ORIGIN), one setting for the guards and sessions. When
	// set, it decides the cookie's Secure attribute (on for https) and is
	// trusted by the CSRF check, whatever Host header the proxy forwards.
	// When empty, Secure is on except for a plain-http request to a loopback
	// host (a development machine).

	// TrustedOrigins are the other origins whose pages may send unsafe
	// requests (POST, PUT, PATCH, DELETE) with the cookie: the SPA's origin,
	// such as "https://app.example.com" or "http://localhost:5173". Configure
	// CORS with the same list (see the package doc).
	TrustedOrigins []string

	// IdleTimeout ends a session no request has used for this long (default 1h).
	IdleTimeout time.Duration
	// MaxLifetime ends a session this long after login, however active (default 30 days).
	MaxLifetime time.Duration
	// TouchInterval is how often a session's activity is written to the
	// store (default 1 minute, at most IdleTimeout/4): requests within it
	// extend the inactive deadline without a store write.
	TouchInterval time.Duration
	// CapAtTokenExpiry ends every session no later than the `exp` of the
	// token it was made from. A session keeps the permissions the token had
	// at login; with this on, a change of a user's permissions in Auth0 takes
	// effect by the next login within the token's lifetime (24 h by default
	// at Auth0), at the cost of users logging in again that often.
	CapAtTokenExpiry bool

	// LocalCacheTTL is how long an instance answers from its own memory
	// before reading a session from the store again (default 5s; negative
	// disables the local cache). Logouts reach every instance at once through
	// the store's Publish/Subscribe; this bounds how long a lost message can
	// leave a logged-out session usable on another instance.
	LocalCacheTTL time.Duration
	// LocalCacheSize bounds the sessions each instance keeps in memory
	// (default 10000).
	LocalCacheSize int

	// LoginsPerMinute limits logins and device starts together per client
	// address, an IPv4 address or an IPv6 /64, with a looser tier of 4× per
	// IPv6 /48 (default 10 a minute, with bursts of as many; negative
	// disables the limit; AUTH0GIN_LOGINS_PER_MINUTE). Over it, the answer
	// is 429 with Retry-After. The counts live in the store, shared by every
	// instance, in fixed one-minute windows (one store operation per
	// decision; IPv6 two, /64 and /48). package login has the same knobs.
	LoginsPerMinute int
	// ReplicaWait, when positive, makes each new session wait until one
	// replica of the store holds it (Redis WAIT 1, on Sentinel or Cluster),
	// for at most this long; unconfirmed, the login answers 503 with
	// Retry-After and sets no cookie, so that a failover right after it
	// cannot lose a session the browser holds (AUTH0GIN_REPLICA_WAIT, a Go
	// duration such as 500ms). Default 0, no wait: on one Redis without a
	// replica it would refuse every login, SQL stores are as durable as
	// their server's commit, and the wait adds a replication round trip to
	// each login. A store that cannot be asked (SQLite, PostgreSQL) ignores
	// it. package login has the same knob for its refresh rows.
	ReplicaWait time.Duration
	// LimitOutage is what the limiter does while the store fails: "refuse"
	// (the default) answers 503 with Retry-After, so the limit fails closed
	// and a store outage never opens the door to unlimited guessing;
	// "local" counts in each instance's memory meanwhile (the limit holds
	// per instance: N instances allow N times the budget)
	// (AUTH0GIN_LIMIT_OUTAGE). Anything else is refused by New.
	LimitOutage string
	// TrustedProxies are the reverse proxies (addresses or CIDRs, such as
	// "10.0.0.0/8") whose X-Forwarded-For the limiter believes; the client
	// is then the right-most address in it that is not one of them.
	// Default none: the connection's peer address is the client
	// (AUTH0GIN_TRUSTED_PROXIES, a comma list). Gin's trusted proxies are
	// not used.
	TrustedProxies []string
	// MaxTrackedClients bounds the keys each tier of the limiter remembers
	// (default 10000); past it, those used longest ago are forgotten (a
	// forgotten client starts again with a full allowance).
	MaxTrackedClients int

	// OnLogin runs after the token is verified and before the session is
	// made: an app creates or updates its user row here. An error refuses
	// the login: an *auth0gin.AuthError is answered as it says, anything
	// else is 403 access_denied (its text is logged, not sent).
	OnLogin func(ctx context.Context, user *auth0gin.Auth0User) error
	// OnLogout runs after a session ended through Logout, LogoutEverywhere
	// (once, with the request's user) or expiry noticed on a request.
	// LogoutUser, which knows only a user id, does not call it.
	OnLogout func(ctx context.Context, user *auth0gin.Auth0User)

	// OpaqueTokens, when set, lets Login accept opaque access tokens, checked
	// through the tenant's /userinfo (see OpaqueConfig). Nil, the default,
	// refuses them.
	OpaqueTokens *OpaqueConfig
	// Device is the device login Manager.Device enables when it is given
	// the zero DeviceConfig: FromEnv reads it, so an app's device login is
	// configured from the environment like its other flows.
	Device DeviceConfig

	// KeyPrefix starts every key, set and channel name this manager uses in
	// the store (default "session:"). Two apps sharing a store use two prefixes.
	// It may not hold '{' or '}': the manager puts each session's keys in a
	// store key group of their own, and a group in the prefix would put every
	// key of the app on one node of a Redis Cluster.
	KeyPrefix string
	// Logger receives the package's logs (default: the Auth0's logger). No
	// session secret or token is ever logged.
	Logger *slog.Logger
	// Now is the clock (default time.Now); tests inject theirs.
	Now func() time.Time

	envErr  error          // what FromEnv could not read, reported by New
	proxies []netip.Prefix // TrustedProxies, parsed by resolve
	// publicOrigin is the Auth0's Config.PublicOrigin, set by resolve.
	publicOrigin string
}

// FromEnv reads a Config from the environment, after loading `.env.<AUTH0_ENV>`
// and `.env` as every FromEnv of the module does (variables already set
// win). Every variable is optional:
//
//   - SESSION_STORE_URL: Config.StoreURL, the store to open with package store.
//   - SESSION_TRUSTED_ORIGINS: Config.TrustedOrigins, a comma list.
//   - SESSION_KEY_PREFIX: Config.KeyPrefix.
//   - SESSION_OPAQUE_TOKENS: true accepts opaque tokens at login
//     (Config.OpaqueTokens with its defaults); off by default.
//   - SESSION_IDLE_TIMEOUT, SESSION_MAX_LIFETIME, SESSION_LOCAL_CACHE_TTL:
//     Go durations ("1h", "720h", "5s").
//   - AUTH0GIN_LOGINS_PER_MINUTE: Config.LoginsPerMinute, an integer
//     (negative disables the limit); AUTH0GIN_TRUSTED_PROXIES:
//     Config.TrustedProxies, a comma list; AUTH0GIN_LIMIT_OUTAGE:
//     Config.LimitOutage. package login reads these too;
//   - AUTH0GIN_REPLICA_WAIT: Config.ReplicaWait, a Go duration (package
//     login reads it too).
//   - AUTH0_DEVICE_CLIENT_ID, AUTH0_DEVICE_SCOPES: Config.Device's ClientID
//     (at Auth0, a Native application with the Device Code grant) and
//     Scopes (space- or comma-separated), for Manager.Device.
//
// A value it cannot read is kept in the Config and reported by New, which
// wraps auth0gin.ErrConfig; a `.env` file that cannot be read too.
func FromEnv() Config {
	var errs []error
	if err := envfile.Load(); err != nil {
		errs = append(errs, fmt.Errorf("session: %w", err))
	}
	c := Config{
		StoreURL:       strings.TrimSpace(os.Getenv(envStoreURL)),
		TrustedOrigins: splitOrigins(os.Getenv(envTrustedOrigins)),
		KeyPrefix:      strings.TrimSpace(os.Getenv(envKeyPrefix)),
		Device: DeviceConfig{
			ClientID: strings.TrimSpace(os.Getenv(envDeviceClientID)),
			Scopes:   strings.FieldsFunc(os.Getenv(envDeviceScopes), func(r rune) bool { return r == ' ' || r == ',' }),
		},
	}
	if v := strings.TrimSpace(os.Getenv(envOpaqueTokens)); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: want true or false", envOpaqueTokens, v))
		}
		if on {
			c.OpaqueTokens = &OpaqueConfig{}
		}
	}
	for _, d := range []struct {
		name string
		to   *time.Duration
	}{{envIdleTimeout, &c.IdleTimeout}, {envMaxLifetime, &c.MaxLifetime}, {envLocalCacheTTL, &c.LocalCacheTTL}, {envReplicaWait, &c.ReplicaWait}} {
		if v := strings.TrimSpace(os.Getenv(d.name)); v != "" {
			var err error
			if *d.to, err = time.ParseDuration(v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: want a Go duration such as 1h or 30s", d.name, v))
			}
		}
	}
	var err error
	if c.LoginsPerMinute, c.TrustedProxies, c.LimitOutage, err = ratelimit.FromEnv(); err != nil {
		errs = append(errs, err)
	}
	c.envErr = errors.Join(errs...)
	return c
}

// splitOrigins reads a comma list of origins, dropping empty items and a
// trailing slash.
func splitOrigins(s string) []string {
	var out []string
	for _, o := range strings.Split(s, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, strings.TrimSuffix(o, "/"))
		}
	}
	return out
}

// resolve fills in the defaults and checks the values. Its errors wrap
// auth0gin.ErrConfig.
func (c Config) resolve(auth *auth0gin.Auth0) (Config, error) {
	bad := func(format string, args ...any) (Config, error) {
		return c, fmt.Errorf("session: %w: "+format, append([]any{auth0gin.ErrConfig}, args...)...)
	}
	if c.envErr != nil {
		return bad("%w", c.envErr)
	}
	// One public origin for the guards and sessions; New checked it (an
	// origin, plain http only for a loopback host).
	c.publicOrigin = auth.Config().PublicOrigin
	if c.CookieName != "" && !validCookieName(c.CookieName) {
		return bad("cookie name %q is not an HTTP token", c.CookieName)
	}
	if c.CookiePath == "" {
		c.CookiePath = "/"
	}
	if !strings.HasPrefix(c.CookiePath, "/") || strings.ContainsAny(c.CookiePath, ";\r\n") {
		return bad("cookie path %q must start with / and hold no ';'", c.CookiePath)
	}
	if hasPrefixFold(c.CookieName, "__Host-") && (c.CookieDomain != "" || c.CookiePath != "/") {
		return bad("cookie name %q: a __Host- cookie has no Domain and Path /", c.CookieName)
	}
	if (hasPrefixFold(c.CookieName, "__Host-") || hasPrefixFold(c.CookieName, "__Secure-")) &&
		strings.HasPrefix(c.publicOrigin, "http:") {
		return bad("cookie name %q must be Secure, which a plain-http public origin cannot set", c.CookieName)
	}
	if strings.ContainsAny(c.CookieDomain, ";\r\n ") {
		return bad("cookie domain %q", c.CookieDomain)
	}
	trusted := make([]string, 0, len(c.TrustedOrigins))
	for _, t := range c.TrustedOrigins {
		o, err := origin(t)
		if err != nil {
			return bad("trusted origin: %v", err)
		}
		trusted = append(trusted, o)
	}
	c.TrustedOrigins = trusted
	if c.IdleTimeout == 0 {
		c.IdleTimeout = time.Hour
	}
	if c.MaxLifetime == 0 {
		c.MaxLifetime = 30 * 24 * time.Hour
	}
	if c.IdleTimeout < time.Second || c.MaxLifetime < time.Second {
		return bad("IdleTimeout and MaxLifetime must be at least a second")
	}
	if c.IdleTimeout > c.MaxLifetime {
		c.IdleTimeout = c.MaxLifetime
	}
	if c.TouchInterval == 0 {
		c.TouchInterval = min(time.Minute, c.IdleTimeout/4)
	}
	if c.TouchInterval < 0 || c.TouchInterval > c.IdleTimeout/2 {
		return bad("TouchInterval must be positive and at most half of IdleTimeout")
	}
	if c.LocalCacheTTL == 0 {
		c.LocalCacheTTL = 5 * time.Second
	}
	if c.LocalCacheSize <= 0 {
		c.LocalCacheSize = 10000
	}
	if c.LoginsPerMinute == 0 {
		c.LoginsPerMinute = 10
	}
	if c.MaxTrackedClients <= 0 {
		c.MaxTrackedClients = 10000
	}
	proxies, err := ratelimit.ParseProxies(c.TrustedProxies)
	if err != nil {
		return bad("%v", err)
	}
	if c.LimitOutage, err = ratelimit.ParseOutage(c.LimitOutage); err != nil {
		return bad("LimitOutage: %v", err)
	}
	c.proxies = proxies
	if c.KeyPrefix == "" {
		c.KeyPrefix = "session:"
	}
	if strings.ContainsAny(c.KeyPrefix, "{}") {
		return bad("KeyPrefix %q holds '{' or '}': a store key group in the prefix would put every key on one Redis Cluster node", c.KeyPrefix)
	}
	if c.Logger == nil {
		c.Logger = auth.Config().Logger
	}
	c.Logger = telemetry.Logger(c.Logger) // records carry trace_id and span_id
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

// origin normalises s to scheme://host[:port], refusing anything else.
func origin(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q is not an origin such as https://app.example.com", s)
	}
	if s == "*" {
		return "", errors.New("a wildcard is not an origin")
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

// hostOf returns the host of an origin or Host header, without the port.
func hostOf(hostport string) string {
	if i := strings.Index(hostport, "://"); i >= 0 {
		hostport = hostport[i+3:]
	}
	if strings.IndexByte(hostport, ':') < 0 { // a name with no port: no error to build
		return hostport
	}
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.Trim(hostport, "[]")
}

// loopback reports whether host names this machine.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	if host == "" || host[0] > '9' && strings.IndexByte(host, ':') < 0 {
		return false // a name, not an IP literal: nothing to parse
	}
	// netip reads the literal without allocating (net.ParseIP does, on every
	// request of a development server). A zone is refused, as net.ParseIP
	// refuses it.
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Zone() == "" && ip.IsLoopback()
}

// hasPrefixFold reports whether s starts with prefix, ignoring ASCII case,
// as browsers read the cookie prefixes.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// validCookieName reports whether name is an RFC 6265 cookie-name (a token).
func validCookieName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return false
		}
	}
	return name != ""
}

package session

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/auth0gin/auth0gin/auth0gin"

	"github.com/auth0gin/auth0gin/auth0gin/internal/tenanturl"
)

// OpaqueConfig, set as Config.OpaqueTokens, lets the session Login accept
// opaque access tokens, the ones the tenant issues when no API audience was
// asked for, which only the tenant's /userinfo can check. It is off by
// default, and should stay off unless the app needs it: an opaque token names
// no audience, so a token that any application of the tenant obtained for
// the user would open a session here.
//
// A session made from an opaque token holds the user's id and email, from
// /userinfo, and no scopes or permissions: /userinfo does not say what the
// token grants, so routes that require a scope or permission answer 403 for
// it, while routes that require only a login accept it. The zero value is
// usable.
//
// A 429 of /userinfo backs off the token that drew it, by its hash, until
// the tenant's X-RateLimit-Reset or Retry-After (at most 15 minutes): its
// logins answer 429 with Retry-After, everyone else's go on. Only when 3
// distinct tokens draw a 429 within a minute do all opaque logins answer 503
// with Retry-After, for at most a minute.
type OpaqueConfig struct {
	// CacheTTL is how long an answer of /userinfo is reused for the same
	// token, found by its SHA-256 (default 1 minute). Auth0 limits /userinfo
	// tightly per user; a token revoked at the tenant can still open a
	// session for this long.
	CacheTTL time.Duration
	// CacheSize bounds the answers kept (default 10000).
	CacheSize int
	// Lifetime is what the session takes as the token's expiry, which
	// /userinfo does not tell, for Config.CapAtTokenExpiry (default 24h,
	// Auth0's default access-token lifetime).
	Lifetime time.Duration
	// Logger receives the logs (default: the Auth0's logger). No token is
	// ever logged.
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// opaque checks opaque access tokens through the tenant's /userinfo, with
// a cache (see OpaqueConfig).
type opaque struct {
	auth *auth0gin.Auth0
	cfg  OpaqueConfig
	url  string
	hc   *http.Client

	flight  singleflight.Group
	mu      sync.Mutex
	cache   map[[sha256.Size]byte]opaqueAnswer
	limited map[[sha256.Size]byte]time.Time // tokens whose 429 was seen within limitWindow, and when
	blocked time.Time                       // /userinfo is rate limited for every token: no call before this
}

// opaqueAnswer is a cached /userinfo verdict: a user, a refusal (nil user),
// or, when limited, a 429 for this token: no call for it before until.
type opaqueAnswer struct {
	user    *auth0gin.Auth0User
	limited bool
	until   time.Time
}

// How a /userinfo 429 is taken. Auth0's 429 does not say whether the limit
// is the user's (the usual one: a few calls a minute per user) or the
// tenant's, so it backs off the token that drew it, by its hash, until
// X-RateLimit-Reset (or Retry-After), at most maxTokenBackoff. Only when
// limitTokens distinct tokens draw a 429 within limitWindow is every token
// backed off, for at most maxGlobalBackoff: one user, or an attacker with a
// few accounts, can then hold everybody's opaque logins for a minute at a
// time at most, not an hour.
const (
	maxTokenBackoff  = 15 * time.Minute
	maxGlobalBackoff = time.Minute
	limitTokens      = 3
	limitWindow      = time.Minute
)

// errOpaqueRefused: /userinfo refused the opaque token (revoked, expired, or
// never issued).
var errOpaqueRefused = errors.New("session: opaque token refused by /userinfo")

// newOpaque makes the checker of opaque tokens for auth's tenant.
func newOpaque(auth *auth0gin.Auth0, cfg OpaqueConfig) *opaque {
	ac := auth.Config()
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = time.Minute
	}
	if cfg.CacheSize <= 0 {
		cfg.CacheSize = 10000
	}
	if cfg.Lifetime <= 0 {
		cfg.Lifetime = 24 * time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = ac.Logger
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &opaque{auth: auth, cfg: cfg, url: tenanturl.Endpoint(auth.Config().Issuers, "userinfo"), hc: ac.HTTPClient,
		cache: make(map[[sha256.Size]byte]opaqueAnswer), limited: make(map[[sha256.Size]byte]time.Time)}
}

// handles reports whether token goes to /userinfo: o is enabled (not nil)
// and token is no JWT (Auth0's opaque tokens are JWEs, five segments, or at
// the dev tenant random strings) and not over the core's size limit.
func (o *opaque) handles(auth *auth0gin.Auth0, token string) bool {
	return o != nil && strings.Count(token, ".") != 2 && len(token) <= auth.Config().MaxTokenBytes
}

// verify checks a login's token: a JWT with the core, anything else through
// /userinfo when o is enabled (not nil), else with the core too (which
// refuses it).
func (o *opaque) verify(ctx context.Context, auth *auth0gin.Auth0, token string) (*auth0gin.Auth0User, error) {
	// A JWT has three segments; Auth0's opaque tokens are JWEs (five) or,
	// at the dev tenant, random strings.
	if !o.handles(auth, token) {
		return auth.Verify(ctx, token)
	}
	key := sha256.Sum256([]byte(token))
	now := o.cfg.Now()
	if u, done, err := o.cached(key, now); done {
		if errors.Is(err, errOpaqueRefused) {
			return nil, opaqueRefused()
		}
		return u, err
	}
	// Concurrent logins with one token make one call: /userinfo is tightly
	// rate limited per user. The call outlives a caller that goes away.
	v, err, _ := o.flight.Do(string(key[:]), func() (any, error) {
		if u, done, err := o.cached(key, now); done { // a call that just ended
			return u, err
		}
		u, err := o.userinfo(context.WithoutCancel(ctx), token, key, now)
		switch {
		case errors.Is(err, errOpaqueRefused):
			o.remember(key, opaqueAnswer{until: now.Add(o.cfg.CacheTTL)}, now)
		case err == nil:
			o.remember(key, opaqueAnswer{user: u, until: now.Add(o.cfg.CacheTTL)}, now)
			o.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "session: opaque token checked through /userinfo", slog.String("user", u.ID))
		}
		return u, err
	})
	switch {
	case errors.Is(err, errOpaqueRefused):
		return nil, opaqueRefused()
	case err != nil:
		return nil, err
	}
	return copyUser(v.(*auth0gin.Auth0User)), nil
}

// cached answers from the cache, or during a rate limit; done is false when
// /userinfo must be asked.
func (o *opaque) cached(key [sha256.Size]byte, now time.Time) (u *auth0gin.Auth0User, done bool, err error) {
	o.mu.Lock()
	a, ok := o.cache[key]
	blocked := o.blocked
	o.mu.Unlock()
	switch {
	case ok && now.Before(a.until) && a.user != nil:
		return copyUser(a.user), true, nil
	case ok && now.Before(a.until) && a.limited:
		return nil, true, tokenLimited(a.until.Sub(now))
	case ok && now.Before(a.until):
		return nil, true, errOpaqueRefused
	case now.Before(blocked):
		return nil, true, auth0gin.Unavailable("the tenant's /userinfo is rate limited", blocked.Sub(now), errTenant)
	}
	return nil, false, nil
}

func opaqueRefused() error {
	return &auth0gin.AuthError{Status: http.StatusUnauthorized, Code: "invalid_token",
		Description: "the tenant does not accept this token", Err: errOpaqueRefused}
}

// errTokenLimited: /userinfo answered 429 for this token; it is not asked
// about the token again before the tenant's reset.
var errTokenLimited = errors.New("session: /userinfo is rate limited for this token")

func tokenLimited(wait time.Duration) error {
	return &auth0gin.AuthError{Status: http.StatusTooManyRequests, Code: "too_many_requests",
		Description: "the tenant's /userinfo is rate limited for this token; retry later", RetryAfter: wait, Err: errTokenLimited}
}

// rateLimited takes a 429 of /userinfo for the token whose hash is key: it
// backs off that token, and every token once limitTokens distinct ones drew
// a 429 within limitWindow. It returns the answer for this login.
func (o *opaque) rateLimited(ctx context.Context, key [sha256.Size]byte, h http.Header, now time.Time) error {
	wait := min(waitAt(h, now), maxTokenBackoff)
	o.remember(key, opaqueAnswer{limited: true, until: now.Add(wait)}, now)
	o.mu.Lock()
	for k, at := range o.limited {
		if now.Sub(at) >= limitWindow || now.Before(at) {
			delete(o.limited, k)
		}
	}
	o.limited[key] = now
	global := len(o.limited) >= limitTokens
	if global {
		o.blocked = now.Add(min(wait, maxGlobalBackoff))
		clear(o.limited)
	}
	o.mu.Unlock()
	if global {
		o.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "session: /userinfo is rate limited for several tokens: every opaque login waits",
			slog.Int("tokens", limitTokens), slog.Duration("retry_after", min(wait, maxGlobalBackoff)))
		return auth0gin.Unavailable("the tenant's /userinfo is rate limited", min(wait, maxGlobalBackoff), errTenant)
	}
	o.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "session: /userinfo is rate limited for one token", slog.Duration("retry_after", wait))
	return tokenLimited(wait)
}

// userinfo asks the tenant who the token (whose hash is key) belongs to.
func (o *opaque) userinfo(ctx context.Context, token string, key [sha256.Size]byte, now time.Time) (*auth0gin.Auth0User, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.url, nil)
	if err != nil {
		return nil, auth0gin.Unavailable("cannot reach the tenant's /userinfo", retryAfter, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	res, err := o.hc.Do(req)
	if err != nil {
		o.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "session: calling /userinfo", slog.String("err", err.Error()))
		return nil, auth0gin.Unavailable("cannot reach the tenant's /userinfo", retryAfter, fmt.Errorf("%w: %w", errTenant, err))
	}
	defer res.Body.Close()
	switch {
	case res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden:
		return nil, errOpaqueRefused
	case res.StatusCode == http.StatusTooManyRequests:
		return nil, o.rateLimited(ctx, key, res.Header, now)
	case res.StatusCode != http.StatusOK:
		o.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "session: /userinfo failed", slog.Int("status", res.StatusCode))
		return nil, auth0gin.Unavailable("the tenant's /userinfo failed", waitOf(res.Header), errTenant)
	}
	var claims map[string]any
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&claims); err != nil {
		return nil, auth0gin.Unavailable("the tenant's /userinfo answered no JSON", retryAfter, fmt.Errorf("%w: %w", errTenant, err))
	}
	sub, _ := claims["sub"].(string)
	if sub == "" || strings.IndexByte(sub, 0) >= 0 { // a NUL names nobody, and no store takes it
		return nil, errOpaqueRefused
	}
	ac := o.auth.Config()
	// The issuer is the Domain's, whose /userinfo answered: its base URL.
	u := &auth0gin.Auth0User{ID: sub, Permissions: []string{}, Issuer: strings.TrimSuffix(o.url, "userinfo"), ExpiresAt: now.Add(o.cfg.Lifetime),
		UserBase: userBaseOf(ac, ac.Issuers[0])}
	for _, name := range []string{ac.EmailClaim, "email"} {
		if e, ok := claims[name].(string); ok && name != "" && e != "" && strings.IndexByte(e, 0) < 0 {
			u.Email = &e
			break
		}
	}
	return u, nil
}

// remember caches a verdict, making room when the cache is full.
func (o *opaque) remember(key [sha256.Size]byte, a opaqueAnswer, now time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.cache) >= o.cfg.CacheSize {
		for k, a := range o.cache {
			if !now.Before(a.until) {
				delete(o.cache, k)
			}
		}
		for k := range o.cache { // still full: forget any (map order is random)
			if len(o.cache) < o.cfg.CacheSize {
				break
			}
			delete(o.cache, k)
		}
	}
	o.cache[key] = a
}

package auth0gin

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/auth0/go-jwt-middleware/v2/validator"
)

// Auth0 validates access tokens of one Auth0 tenant and API and builds the
// middlewares that protect routes. It is safe for concurrent use; build one
// with New at start-up and share it.
type Auth0 struct {
	cfg        Config
	keys       *keySet
	validators map[string]*validator.Validator // by alg
	claims     claimNames
	claimsTag  string     // claims.tag(), which every user this Auth0 builds carries
	cache      TokenCache // nil when disabled
	creds      credentials
	docs       operations // routes registered through Router, for the API docs
}

// New checks cfg and returns an Auth0 ready to protect routes. It does not
// contact the tenant: keys are fetched on first use and retried, so an app
// starts even while the tenant is unreachable.
func New(cfg Config) (*Auth0, error) {
	c, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	names, err := newClaimNames(c.EmailClaim, c.RolesClaim)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	a := &Auth0{cfg: c, validators: map[string]*validator.Validator{}, claims: names, claimsTag: names.tag()}
	a.keys = newKeySet(c)
	for _, alg := range c.Algorithms {
		// No custom claims: the validator would decode the payload a second
		// time with go-jose's slow reflective JSON; verify reads the rest in
		// one fast pass after the validator has accepted the token.
		v, err := validator.New(a.keys.keyFunc, validator.SignatureAlgorithm(alg), c.Issuer, c.Audience,
			validator.WithAllowedClockSkew(c.ClockSkew))
		if err != nil {
			return nil, fmt.Errorf("%w: validator for %s: %w", ErrConfig, alg, err)
		}
		a.validators[alg] = v
	}
	switch {
	case c.DisableCache:
	case c.Cache != nil:
		a.cache = c.Cache
	default:
		a.cache = NewMemoryCache(c.CacheMaxEntries, c.CacheMaxBytes)
	}
	return a, nil
}

// MustNew is New for main: it panics when cfg is invalid.
func MustNew(cfg Config) *Auth0 {
	a, err := New(cfg)
	if err != nil {
		panic(err)
	}
	return a
}

// Config returns the configuration in force, with every default filled in
// (Issuer, Realm, Algorithms, ...). It is a copy: changing its slices or maps
// changes nothing in a.
func (a *Auth0) Config() Config {
	return a.cfg.clone()
}

// Endpoint returns the URL of one of the tenant's endpoints, such as
// "authorize", "oauth/token" or "v2/logout".
func (a *Auth0) Endpoint(path string) string {
	u, err := url.Parse(a.cfg.Domain)
	if err != nil { // resolve checked Domain; keep the zero value safe anyway
		return a.cfg.Domain + path
	}
	return u.JoinPath(path).String()
}

// Verify validates a raw access token (without the "Bearer " prefix) and
// returns the user it describes. Errors are *AuthError values matching the
// package's sentinel errors. Verified tokens are cached until they expire, at
// most Config.CacheMaxTTL.
func (a *Auth0) Verify(ctx context.Context, token string) (*Auth0User, error) {
	if len(token) > a.cfg.MaxTokenBytes {
		return nil, unauthorized(ErrTokenTooLarge, "token too large", nil)
	}
	if token == "" {
		return nil, unauthorized(ErrMalformedToken, "empty token", nil)
	}
	if a.cache != nil {
		if u, ok := a.cache.Get(ctx, token); ok && a.trusted(u, time.Now()) {
			// Caches keep no payload: it is the token's own, verified when cached.
			lo, hi, _ := payloadSpan(token)
			u.payload = token[lo:hi]
			return u, nil
		}
	}
	u, early, err := a.verify(ctx, token)
	if err != nil {
		return nil, err
	}
	// A token accepted before its nbf or iat, within ClockSkew, is not cached:
	// an API sharing the cache with less skew would take it as valid already.
	// It is cached at its first use once its time has come.
	if a.cache != nil && !early {
		until := time.Now().Add(a.cfg.CacheMaxTTL)
		if end := a.trustEnd(u); end.Before(until) {
			until = end
		}
		a.cache.Set(ctx, token, u, until) // the cache keeps a copy; u serves this request
	}
	return u, nil
}

// trustEnd is when a cached verdict on u stops counting: its exp less
// ClockSkew. The validator grants the skew as leeway past exp; the cache takes
// it off instead, so a server whose clock runs behind never serves a token
// from memory after its issuer deemed it expired. A token in its last
// 2×ClockSkew is verified in full on every use, and passes while the validator
// allows it.
func (a *Auth0) trustEnd(u *Auth0User) time.Time {
	return u.ExpiresAt.Add(-a.cfg.ClockSkew)
}

// trusted re-checks a cached user against this Auth0's own rules, so that a
// cache shared between APIs (or a shared backend) can never lend one API's
// verdict to another: the issuer, an audience and the algorithm must be ours,
// Email and Roles read from our claims, the token before its trustEnd and
// verified within our CacheMaxTTL, and its key still published (a revoked
// key's tokens stop at the next key refresh, not at CacheMaxTTL).
func (a *Auth0) trusted(u *Auth0User, now time.Time) bool {
	if u == nil {
		return false
	}
	// A verification from the future (another instance's clock runs ahead, or
	// ours stepped back) would stretch CacheMaxTTL: it counts as too old.
	age := now.UnixNano() - u.verifiedAt
	return age >= 0 && age < int64(a.cfg.CacheMaxTTL) && now.Before(a.trustEnd(u)) &&
		u.Issuer == a.cfg.Issuer && u.derivedBy == a.claimsTag &&
		a.validators[u.Algorithm] != nil && a.keys.known(u.KeyID, now) != nil &&
		slices.ContainsFunc(a.cfg.Audience, func(aud string) bool { return slices.Contains(u.Audience, aud) })
}

// verify checks token in full. early reports that the validator accepted it
// only thanks to ClockSkew's leeway on nbf or iat.
func (a *Auth0) verify(ctx context.Context, token string) (u *Auth0User, early bool, err error) {
	if !wellFormed(token) {
		return nil, false, unauthorized(ErrMalformedToken, "malformed token", nil)
	}
	h, err := parseHeader(token)
	if err != nil {
		return nil, false, unauthorized(ErrMalformedToken, "malformed token", err)
	}
	v, ok := a.validators[h.Alg]
	if !ok {
		return nil, false, unauthorized(ErrAlgorithm, "signing algorithm not allowed", fmt.Errorf("alg %q", h.Alg))
	}
	if !allowedTyp(h.Typ) {
		return nil, false, unauthorized(ErrMalformedToken, "not an access token", fmt.Errorf("typ %q", h.Typ))
	}
	key, err := a.keys.key(ctx, h.Kid)
	if err != nil {
		return nil, false, err
	}
	if key.Algorithm != "" && key.Algorithm != h.Alg {
		return nil, false, unauthorized(ErrAlgorithm, "signing algorithm not allowed", fmt.Errorf("key %q is for %s, token says %s", h.Kid, key.Algorithm, h.Alg))
	}
	res, err := v.ValidateToken(context.WithValue(ctx, verifyKey{}, key), token)
	if err != nil {
		return nil, false, classify(err)
	}
	vc, ok := res.(*validator.ValidatedClaims)
	if !ok {
		return nil, false, unauthorized(ErrInvalidClaims, "invalid token", fmt.Errorf("validator returned %T", res))
	}
	rc := vc.RegisteredClaims
	// The validator accepts a token with no exp; RFC 9068 §2.2 requires it in
	// access tokens, and a token that never expires would be trusted forever.
	if rc.Expiry == 0 {
		return nil, false, unauthorized(ErrMissingExpiry, "token has no exp", nil)
	}
	if rc.Subject == "" {
		return nil, false, unauthorized(ErrInvalidClaims, "invalid claims", errors.New("token has no sub"))
	}
	lo, hi, _ := payloadSpan(token) // a verified JWS has one
	tc, err := decodeTokenClaims(token[lo:hi], a.claims)
	if err != nil {
		return nil, false, unauthorized(ErrInvalidClaims, "invalid claims", err)
	}
	now := time.Now().Unix()
	return tc.user(rc, h, token[lo:hi], a.claimsTag), rc.NotBefore > now || rc.IssuedAt > now, nil
}

package auth0gin

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/auth0/go-jwt-middleware/v2/validator"
	jose "gopkg.in/go-jose/go-jose.v2"

	"github.com/auth0gin/auth0gin/auth0gin/internal/verified"
)

// Auth0 validates access tokens of one Auth0 tenant (or a list of issuers)
// and API, and builds the middlewares that protect routes. It is safe for
// concurrent use; build one with New at start-up and share it.
type Auth0 struct {
	cfg       Config
	issuers   []*issuer // in Config.Issuers order
	claims    claimNames
	claimsTag string     // claims.tag(), which every user this Auth0 builds carries
	cache     TokenCache // nil when disabled
	creds     credentials
	docs      operations // routes registered through Router, for the API docs
	dp        *dpopState // DPoP settings (dpop.go)
	tel       *coreTel   // OpenTelemetry instruments (telemetry.go)
}

// issuer is one trusted issuer: its own key set and validators. A token's
// `iss` picks it before any key is looked up, so one issuer's keys never
// verify another's tokens.
type issuer struct {
	iss        string
	userBase   string // Config.userBase(iss): the Auth0User.UserBase of its tokens
	keys       *keySet
	validators map[string]*validator.Validator // by alg
}

// New checks cfg and returns an Auth0 ready to protect routes. It does not
// contact the tenant: keys are fetched on first use and retried, so an app
// starts even while the tenant is unreachable. With PublicOrigin empty, it
// logs one warning (docs/dpop.md): at once when DPoP is "required", else at
// the first DPoP proof a guard checks.
func New(cfg Config) (*Auth0, error) {
	c, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	names, err := newClaimNames(c)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	a := &Auth0{cfg: c, claims: names, claimsTag: names.tag(), dp: newDPoPState(c)}
	if c.DPoP == dpopRequiredName {
		a.warnNoOrigin()
	}
	for _, iss := range c.Issuers {
		base, _ := url.Parse(discoveryBase(iss)) // resolve checked it
		is := &issuer{iss: iss, userBase: c.userBase(iss), keys: newKeySet(c, base), validators: map[string]*validator.Validator{}}
		for _, alg := range c.Algorithms {
			// No custom claims: the validator would decode the payload a second
			// time with go-jose's slow reflective JSON; verify reads the rest in
			// one fast pass after the validator has accepted the token.
			v, err := validator.New(keyFunc, validator.SignatureAlgorithm(alg), iss, c.Audience,
				validator.WithAllowedClockSkew(c.ClockSkew))
			if err != nil {
				return nil, fmt.Errorf("%w: validator for %s: %w", ErrConfig, alg, err)
			}
			is.validators[alg] = v
		}
		a.issuers = append(a.issuers, is)
	}
	switch {
	case c.DisableCache:
	case c.Cache != nil:
		a.cache = c.Cache
	default:
		a.cache = NewMemoryCache(0, 0) // bounded; a different bound is a Cache of one's own
	}
	a.tel = newCoreTel(a)
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
// (Issuers, Realm, Algorithms, ...). It is a copy: changing its slices or
// maps changes nothing in a.
func (a *Auth0) Config() Config {
	return a.cfg.clone()
}

// discoveryBase is the base URL under which an issuer publishes its
// discovery document: the issuer with a trailing slash.
func discoveryBase(iss string) string {
	if strings.HasSuffix(iss, "/") {
		return iss
	}
	return iss + "/"
}

// issuerOf returns the trusted issuer whose `iss` is exactly iss, or nil.
func (a *Auth0) issuerOf(iss string) *issuer {
	for _, is := range a.issuers {
		if is.iss == iss {
			return is
		}
	}
	return nil
}

// verifyToken is Verify, bound tokens included: it validates a raw access
// token (without the "Bearer " prefix) and returns the user it describes.
// Errors are *AuthError values matching the package's sentinel errors.
// Verified tokens are cached until they expire, at most Config.CacheMaxTTL.
func (a *Auth0) verifyToken(ctx context.Context, token string) (*Auth0User, error) {
	if len(token) > a.cfg.MaxTokenBytes {
		return nil, unauthorized(errTokenTooLarge, "token too large", nil)
	}
	if token == "" {
		return nil, unauthorized(errMalformedToken, "empty token", nil)
	}
	// One spelling per token, so one cache entry: canonicalShape before a
	// shared cache is asked, and before verifying. The memory cache is asked
	// first: its entries know whether their token passed it when set, so a
	// hit on one, byte for byte that token, needs no check.
	var (
		u          *Auth0User
		ok, shaped bool
		now        time.Time
	)
	mc, mine := a.cache.(*memoryCache)
	if mine {
		now = time.Now() // read once, for the lookup and the checks of the hit
		u, shaped, ok = mc.get(token, now.UnixNano())
	}
	if !shaped && !canonicalShape(token) { // a miss, an entry Set by hand (another spelling, say), a shared cache, no cache
		return nil, unauthorized(errMalformedToken, "malformed token", nil)
	}
	if a.cache != nil && !mine {
		now = time.Now()
		u, ok = a.cache.Get(ctx, token)
	}
	if ok {
		if is := a.trusted(u, now); is != nil {
			// The payload is the token's own, verified when cached, and our
			// own configuration names the user base, never the cache's
			// entry: a cache shared with an API that groups issuers
			// otherwise could merge or split identities here. The memory
			// cache's entry (its payload its own copy of this very token's)
			// has both right already and is handed out as is; another is
			// copied first, as a hit may be shared.
			if !mine || u.UserBase != is.userBase {
				lo, hi, _ := payloadSpan(token)
				if u.payload != token[lo:hi] || u.UserBase != is.userBase {
					cp := *u
					cp.payload, cp.UserBase = token[lo:hi], is.userBase
					u = &cp
				}
			}
			a.tel.cacheHit(ctx)
			return u, nil
		}
	}
	start := time.Now() // telemetry
	u, early, err := a.verify(ctx, token)
	a.tel.verified(ctx, a, start, err)
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
// verdict to another: the issuer must be one of ours, an audience and the
// algorithm ours, Email and Roles read from our claims, the token before its
// trustEnd and verified within our CacheMaxTTL, and the very key that
// verified it (by RFC 7638 thumbprint, not by kid) still published by that
// issuer (a revoked key's tokens stop at the next key refresh, not at
// CacheMaxTTL).
//
// It returns the user's issuer when the verdict holds, nil otherwise.
func (a *Auth0) trusted(u *Auth0User, now time.Time) *issuer {
	if u == nil {
		return nil
	}
	// A verification from the future (another instance's clock runs ahead, or
	// ours stepped back) would stretch CacheMaxTTL: it counts as too old.
	age := now.UnixNano() - u.verifiedAt
	if age < 0 || age >= int64(a.cfg.CacheMaxTTL) || !now.Before(a.trustEnd(u)) || u.derivedBy != a.claimsTag {
		return nil
	}
	is := a.issuerOf(u.Issuer)
	if is == nil || !slices.Contains(a.cfg.Algorithms, u.Algorithm) || // a few strings: cheaper than the validators map
		!slices.ContainsFunc(a.cfg.Audience, func(aud string) bool { return slices.Contains(u.Audience, aud) }) {
		return nil
	}
	for _, k := range is.keys.known(u.KeyID, now) {
		if k.thumb == u.keyThumb {
			return is
		}
	}
	return nil
}

// errNoFittingKey marks, within verifyExp, that no key of the token's kid
// fits its algorithm; it never leaves verifyExp.
var errNoFittingKey = errors.New("no fitting key")

// verify checks token in full. early reports that the validator accepted it
// only thanks to ClockSkew's leeway on nbf or iat.
func (a *Auth0) verify(ctx context.Context, token string) (u *Auth0User, early bool, err error) {
	return a.verifyExp(ctx, token, 0)
}

// verifyExp is verify that also accepts an exp up to expiredFor in the past
// (VerifyExpired); with zero it is verify.
func (a *Auth0) verifyExp(ctx context.Context, token string, expiredFor time.Duration) (u *Auth0User, early bool, err error) {
	if !canonicalJWS(token) {
		return nil, false, unauthorized(errMalformedToken, "malformed token", nil)
	}
	h, err := parseHeader(token)
	if err != nil {
		return nil, false, unauthorized(errMalformedToken, "malformed token", err)
	}
	if h.Crit != nil {
		return nil, false, unauthorized(errMalformedToken, "unsupported critical header (crit)", errors.New("the token has a crit header"))
	}
	if _, ok := a.issuers[0].validators[h.Alg]; !ok { // every issuer has the same algorithms
		return nil, false, unauthorized(errAlgorithm, "signing algorithm not allowed", fmt.Errorf("alg %q", h.Alg))
	}
	if !allowedTyp(h.Typ) {
		return nil, false, unauthorized(errMalformedToken, "not an access token", fmt.Errorf("typ %q", h.Typ))
	}
	// The unverified iss only chooses the key set (the validator checks it
	// again): an issuer outside the list costs no fetch. A payload with no
	// readable iss goes to the only issuer, if there is one, whose validator
	// then refuses it for what is really wrong (often the signature).
	//
	// The payload is decoded once, strictly, here: its claims serve the user
	// once the signature holds, and its iss chooses the key set now. A
	// payload the strict decoder refuses (a name twice, invalid UTF-8, a
	// claim of the wrong type) is peeked at leniently for its iss instead,
	// and refused as invalid claims only after its signature is checked, as
	// a token whose signature fails is refused for that.
	lo, hi, _ := payloadSpan(token) // canonicalJWS found three segments
	tc, claimsErr := decodeTokenClaims(token[lo:hi], a.claims)
	var iss string
	var ok bool
	switch {
	case claimsErr != nil:
		iss, ok = peekIssuer(token)
	case tc.Iss != nil:
		iss, ok = *tc.Iss, true
	}
	is := a.issuerOf(iss)
	if !ok && len(a.issuers) == 1 {
		is = a.issuers[0]
	}
	if is == nil {
		return nil, false, unauthorized(errIssuer, "wrong issuer", fmt.Errorf("iss %q is not trusted", printable(iss)))
	}
	keys, err := is.keys.keys(ctx, h.Kid)
	if err != nil {
		return nil, false, err
	}
	var res any
	var used *verifyingKey
	err = errNoFittingKey // replaced below when no key fits (not built on every request)
	for _, k := range keys {
		if !fits(k.jwk, h.Alg) {
			continue
		}
		v := is.validators[h.Alg]
		if expiredFor > 0 {
			// The validator grants its leeway to exp, nbf and iat alike: one with
			// expiredFor more accepts the expiry wanted, and nbf and iat are
			// held to ClockSkew below.
			if v, err = validator.New(keyFunc, validator.SignatureAlgorithm(h.Alg), is.iss, a.cfg.Audience,
				validator.WithAllowedClockSkew(expiredFor+a.cfg.ClockSkew)); err != nil {
				return nil, false, fmt.Errorf("%w: validator for %s: %w", ErrConfig, h.Alg, err)
			}
		}
		// Keys sharing a kid are tried in turn; only a bad signature moves on.
		verified.Signature()
		res, err = v.ValidateToken(context.WithValue(ctx, verifyKey{}, k.jwk), token)
		if err == nil {
			used = k
			break
		}
		if !errors.Is(err, jose.ErrCryptoFailure) {
			break
		}
	}
	if err == errNoFittingKey {
		err = unauthorized(errAlgorithm, "signing algorithm not allowed", fmt.Errorf("no key %q for %s", printable(h.Kid), h.Alg))
	}
	if err != nil {
		var ae *AuthError
		if errors.As(err, &ae) {
			return nil, false, ae
		}
		return nil, false, classify(err)
	}
	vc, ok := res.(*validator.ValidatedClaims)
	if !ok {
		return nil, false, unauthorized(errInvalidClaims, "invalid token", fmt.Errorf("validator returned %T", res))
	}
	rc := vc.RegisteredClaims
	// The validator accepts a token with no exp; RFC 9068 §2.2 requires it in
	// access tokens, and a token that never expires would be trusted forever.
	if rc.Expiry == 0 {
		return nil, false, unauthorized(errMissingExpiry, "token has no exp", nil)
	}
	if strings.TrimSpace(rc.Subject) == "" { // a blank sub names nobody, like a missing one
		return nil, false, unauthorized(errInvalidClaims, "invalid claims", errors.New("token has no sub"))
	}
	if latest := time.Now().Add(a.cfg.ClockSkew).Unix(); expiredFor > 0 && (rc.NotBefore > latest || rc.IssuedAt > latest) {
		return nil, false, unauthorized(errNotYetValid, "token not valid yet", nil)
	}
	if claimsErr != nil {
		return nil, false, unauthorized(errInvalidClaims, "invalid claims", claimsErr)
	}
	// A NUL byte names no user and no address: PostgreSQL refuses it in text,
	// and C code truncates at it. The token is refused here, as invalid, so
	// that no store ever sees it.
	if tc.hasNUL() || strings.IndexByte(rc.Subject, 0) >= 0 {
		return nil, false, unauthorized(errInvalidClaims, "invalid claims", errors.New("a claim holds a NUL byte"))
	}
	now := time.Now().Unix()
	u = tc.user(rc, h, token[lo:hi], a.claimsTag)
	u.keyThumb = used.thumb
	u.UserBase = is.userBase
	return u, rc.NotBefore > now || rc.IssuedAt > now, nil
}

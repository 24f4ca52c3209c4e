package auth0gin

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/auth0/go-jwt-middleware/v2/validator"
)

// keysRetryAfter is the Retry-After of VerifyExpired's 503 when the signing
// keys are unreachable.
const keysRetryAfter = 5 * time.Second

// VerifyExpired checks token like Verify (signature, issuer, audience,
// algorithm, typ, sub) except that an `exp` in the past is accepted when it
// passed no more than maxAge ago: a refresh endpoint takes the expired access
// token as the handle of a refresh token the server holds. A token whose exp
// lies further back answers ErrExpired; nbf and iat in the future are refused
// with ClockSkew's leeway only, as Verify does.
//
// When the tenant's signing keys cannot be fetched (and none known are fresh
// enough), the error is a 503 *AuthError wrapping both ErrUnavailable and
// ErrKeysUnavailable: a refresh endpoint must not tell its client to throw
// the login away during an outage.
//
// The result is never cached and the cache is not consulted: an expired token
// must not make its way into the validated-token cache, where Verify would
// serve it to the guards.
func (a *Auth0) VerifyExpired(ctx context.Context, token string, maxAge time.Duration) (*Auth0User, error) {
	if maxAge < 0 {
		return nil, fmt.Errorf("%w: VerifyExpired with a negative maxAge", ErrConfig)
	}
	if len(token) > a.cfg.MaxTokenBytes {
		return nil, unauthorized(ErrTokenTooLarge, "token too large", nil)
	}
	if token == "" {
		return nil, unauthorized(ErrMalformedToken, "empty token", nil)
	}
	if !wellFormed(token) {
		return nil, unauthorized(ErrMalformedToken, "malformed token", nil)
	}
	h, err := parseHeader(token)
	if err != nil {
		return nil, unauthorized(ErrMalformedToken, "malformed token", err)
	}
	if _, ok := a.validators[h.Alg]; !ok {
		return nil, unauthorized(ErrAlgorithm, "signing algorithm not allowed", fmt.Errorf("alg %q", h.Alg))
	}
	if !allowedTyp(h.Typ) {
		return nil, unauthorized(ErrMalformedToken, "not an access token", fmt.Errorf("typ %q", h.Typ))
	}
	// The validator checks the signature, issuer and audience, and grants its
	// leeway symmetrically to exp, nbf and iat. A validator whose leeway is
	// maxAge (+ ClockSkew) therefore accepts the expiry we want; the nbf and
	// iat it would also let through are checked below against ClockSkew.
	v, err := validator.New(a.keys.keyFunc, validator.SignatureAlgorithm(h.Alg), a.cfg.Issuer, a.cfg.Audience,
		validator.WithAllowedClockSkew(maxAge+a.cfg.ClockSkew))
	if err != nil {
		return nil, fmt.Errorf("%w: validator for %s: %w", ErrConfig, h.Alg, err)
	}
	key, err := a.keys.key(ctx, h.Kid)
	if err != nil {
		if errors.Is(err, ErrKeysUnavailable) {
			// The token cannot be judged: an outage, not a verdict on it.
			return nil, Unavailable("the tenant's signing keys cannot be fetched now", keysRetryAfter, err)
		}
		return nil, err
	}
	if key.Algorithm != "" && key.Algorithm != h.Alg {
		return nil, unauthorized(ErrAlgorithm, "signing algorithm not allowed", fmt.Errorf("key %q is for %s, token says %s", h.Kid, key.Algorithm, h.Alg))
	}
	res, err := v.ValidateToken(context.WithValue(ctx, verifyKey{}, key), token)
	if err != nil {
		return nil, classify(err)
	}
	vc, ok := res.(*validator.ValidatedClaims)
	if !ok {
		return nil, unauthorized(ErrInvalidClaims, "invalid token", fmt.Errorf("validator returned %T", res))
	}
	rc := vc.RegisteredClaims
	if rc.Expiry == 0 {
		return nil, unauthorized(ErrMissingExpiry, "token has no exp", nil)
	}
	if rc.Subject == "" {
		return nil, unauthorized(ErrInvalidClaims, "invalid claims", errors.New("token has no sub"))
	}
	latest := time.Now().Add(a.cfg.ClockSkew).Unix()
	if rc.NotBefore > latest || rc.IssuedAt > latest {
		return nil, unauthorized(ErrNotYetValid, "token not valid yet", nil)
	}
	lo, hi, _ := payloadSpan(token)
	tc, err := decodeTokenClaims(token[lo:hi], a.claims)
	if err != nil {
		return nil, unauthorized(ErrInvalidClaims, "invalid claims", err)
	}
	return tc.user(rc, h, token[lo:hi], a.claimsTag), nil
}

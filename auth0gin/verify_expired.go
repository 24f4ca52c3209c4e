package auth0gin

import (
	"context"
	"fmt"
	"time"
)

// VerifyExpired checks token like Verify (signature, issuer, audience,
// algorithm, typ, sub) except that an `exp` in the past is accepted when it
// passed no more than maxAge ago: a refresh endpoint takes the expired access
// token as the handle of a refresh token the server holds. A token whose exp
// lies further back answers ErrExpired; nbf and iat in the future are refused
// with ClockSkew's leeway only, as Verify does. A DPoP-bound token is
// refused, as by Verify.
//
// The result is never cached and the cache is not consulted: an expired token
// must not make its way into the validated-token cache, where Verify would
// serve it to the guards.
func (a *Auth0) VerifyExpired(ctx context.Context, token string, maxAge time.Duration) (*Auth0User, error) {
	if maxAge < 0 {
		return nil, fmt.Errorf("%w: VerifyExpired with a negative maxAge", ErrConfig)
	}
	if len(token) > a.cfg.MaxTokenBytes {
		return nil, unauthorized(errTokenTooLarge, "token too large", nil)
	}
	if token == "" {
		return nil, unauthorized(errMalformedToken, "empty token", nil)
	}
	// Never the cache: an expired token must not reach it, where Verify would
	// serve it to the guards.
	u, _, err := a.verifyExp(ctx, token, maxAge)
	if err == nil && u.jkt != "" {
		// A DPoP-bound token needs its proof, which only a request carries.
		return nil, boundWithoutProof()
	}
	return u, err
}

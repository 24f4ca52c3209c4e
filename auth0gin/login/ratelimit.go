package login

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/ratelimit"
)

// limiter is the module's one login limiter (package internal/ratelimit),
// the same as session login's and device start's: the client is the peer
// address, or the right-most X-Forwarded-For address that is not one of
// Config.TrustedProxies when the peer is; IPv6 counts by /64, with a /48
// tier at 4×. Password login adds a budget per username across addresses
// and a failure count per (username, address).
type limiter = ratelimit.Limiter

// The counts live in st, shared by every instance (keys
// KeyPrefix + "limit:..."); Config.LimitOutage says what a failing store does.
func newLimiter(c Config, st ratelimit.Shared) *limiter {
	return ratelimit.New(ratelimit.Config{
		PerMinute:      c.LoginsPerMinute,
		TrustedProxies: c.proxies,
		MaxTracked:     c.MaxTrackedClients,
		Now:            c.Now,
		Store:          st,
		KeyPrefix:      c.KeyPrefix,
		Outage:         c.LimitOutage,
	})
}

// limitDown is the answer when the limiter's store cannot count: 503, the
// limit fails closed (Config.LimitOutage).
func (m *Manager) limitDown(err error) *Error {
	m.cfg.Logger.Warn("login: the login limiter cannot count; refusing logins (LimitOutage)", "err", err)
	return unavailable("the login service is unavailable; try again later", 0, err)
}

// allowClient spends one attempt of the request's client address and
// returns that address (for auth0-forwarded-for; empty when the peer is no
// IP address). Over the budget it answers 429 with Retry-After and returns
// false; 503 when the limiter's store cannot count.
func (m *Manager) allowClient(c *gin.Context) (string, bool) {
	a := m.rate.Client(c.Request)
	ok, wait, err := m.rate.AllowAddr(c.Request.Context(), a)
	if err != nil {
		m.answerError(c, m.limitDown(err))
		return "", false
	}
	if !ok {
		m.answerError(c, &Error{Status: http.StatusTooManyRequests, Code: "too_many_requests",
			Description: "too many login attempts from this address; try again later", RetryAfter: wait, Err: errRateLimited})
		return "", false
	}
	if !a.IsValid() {
		return "", true
	}
	return a.String(), true
}

// blockedError is the answer once a (username, address) pair has failed
// ratelimit.BruteForceThreshold times in a row: the words of Auth0's
// brute-force protection, one answer whether the tenant or the limiter
// said it, so that it tells nothing about the account.
func blockedError(cause error) *Error {
	return newError(http.StatusTooManyRequests, "too_many_attempts",
		"Your account has been blocked after multiple consecutive login attempts.", errTooManyAttempts, cause)
}

// guardLogin runs a password login of username from userIP under the
// limits that do not depend on the address alone:
//
//   - the username's budget (Config.LoginsPerMinute a minute), shared by
//     every address, spent before the tenant is asked;
//   - consecutive failures per (username, address), counted for every name,
//     known to the tenant or not. Past ratelimit.BruteForceThreshold, a
//     wrong password is answered 429 too_many_attempts, as the tenant
//     answers a known user it has blocked. The tenant is still asked (so
//     a user it has unblocked logs in with the right password, and both
//     cases take a tenant round trip); a success clears the count.
func (m *Manager) guardLogin(ctx context.Context, username, userIP string, login func() (Answer, *auth0gin.Auth0User, error)) (Answer, *auth0gin.Auth0User, error) {
	ok, wait, err := m.rate.AllowUser(ctx, username)
	if err != nil {
		return Answer{}, nil, m.limitDown(err)
	}
	if !ok {
		return Answer{}, nil, &Error{Status: http.StatusTooManyRequests, Code: "too_many_requests",
			Description: "too many login attempts for this username; try again later", RetryAfter: wait, Err: errRateLimited}
	}
	a := ratelimit.ParseAddr(userIP)
	failures, err := m.rate.Failures(ctx, username, a)
	if err != nil {
		return Answer{}, nil, m.limitDown(err)
	}
	blocked := failures >= ratelimit.BruteForceThreshold
	ans, user, err := login()
	var cerr error
	switch {
	case err == nil && failures > 0:
		cerr = m.rate.Succeeded(ctx, username, a)
	case errors.Is(err, errWrongCredentials):
		cerr = m.rate.Failed(ctx, username, a, false)
		if blocked {
			err = blockedError(err)
		}
	case errors.Is(err, errTooManyAttempts):
		cerr = m.rate.Failed(ctx, username, a, true)
		err = blockedError(err)
	}
	if cerr != nil {
		// The tenant has answered; the answer stands. The tenant's own
		// brute-force protection still counts this attempt.
		m.cfg.Logger.Warn("login: counting a login's outcome failed", "err", cerr)
	}
	return ans, user, err
}

package login

import (
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

func newLimiter(c Config) *limiter {
	return ratelimit.New(ratelimit.Config{
		PerMinute:      c.LoginsPerMinute,
		TrustedProxies: c.proxies,
		MaxTracked:     c.MaxTrackedClients,
		Now:            c.Now,
	})
}

// allowClient spends one attempt of the request's client address and
// returns that address (for auth0-forwarded-for; empty when the peer is no
// IP address). Over the budget it answers 429 with Retry-After and returns
// false.
func (m *Manager) allowClient(c *gin.Context) (string, bool) {
	a := m.rate.Client(c.Request)
	if ok, wait := m.rate.AllowAddr(a); !ok {
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
func (m *Manager) guardLogin(username, userIP string, login func() (Answer, *auth0gin.Auth0User, error)) (Answer, *auth0gin.Auth0User, error) {
	if ok, wait := m.rate.AllowUser(username); !ok {
		return Answer{}, nil, &Error{Status: http.StatusTooManyRequests, Code: "too_many_requests",
			Description: "too many login attempts for this username; try again later", RetryAfter: wait, Err: errRateLimited}
	}
	a := ratelimit.ParseAddr(userIP)
	blocked := m.rate.Blocked(username, a)
	ans, user, err := login()
	switch {
	case err == nil:
		m.rate.Succeeded(username, a)
	case errors.Is(err, errWrongCredentials):
		m.rate.Failed(username, a, false)
		if blocked {
			err = blockedError(err)
		}
	case errors.Is(err, errTooManyAttempts):
		m.rate.Failed(username, a, true)
		err = blockedError(err)
	}
	return ans, user, err
}

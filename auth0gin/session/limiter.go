package session

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/ratelimit"
)

// limiter is the module's one login limiter (package internal/ratelimit),
// shared in kind with password login: the client is the peer address, or
// the right-most X-Forwarded-For address that is not one of
// Config.TrustedProxies when the peer is; IPv6 counts by /64, with a /48
// tier at 4×; each tier remembers at most Config.MaxTrackedClients keys.
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

// allowLogin spends one login of the request's client (session login and
// device start share the budget); over it, it answers 429 with Retry-After
// and returns false, and 503 with Retry-After when the store cannot count
// (unless Config.LimitOutage is "local").
func (m *Manager) allowLogin(c *gin.Context) bool {
	if m.limit == nil {
		return true
	}
	ok, wait, err := m.limit.AllowAddr(c.Request.Context(), m.limit.Client(c.Request))
	if err != nil {
		m.cfg.Logger.Warn("session: the login limiter cannot count; refusing logins (LimitOutage)", "err", err)
		m.fail(c, unavailable(err))
		return false
	}
	if !ok {
		m.fail(c, &auth0gin.AuthError{Status: http.StatusTooManyRequests, Code: "too_many_requests",
			Description: "too many logins from this address; retry later", RetryAfter: wait, Err: errLoginRefused})
	}
	return ok
}

// Package verified hands the user a guard verified to the handler behind it
// on the one route that needs it: POST /auth/refresh, whose guard
// (ExpiredWithin) verifies the expired access token and whose handler
// (login.Refresh) would otherwise verify it again, a second RSA operation per
// refresh. The user travels in the gin.Context's keys, set only by guards
// with ExpiredWithin, so no other route pays for it.
//
// It also counts RSA (and other signature) verifications for tests that
// assert how many a request costs.
package verified

import (
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
)

// key is the gin.Context key; unexported, so nothing outside this module
// can set or read it.
type key struct{}

type entry struct {
	token  string
	within time.Duration
	user   any
}

// Set records that token verified as user with an exp allowed up to within
// in the past.
func Set(c *gin.Context, token string, within time.Duration, user any) {
	c.Set(key{}, entry{token: token, within: within, user: user})
}

// Get returns the user a guard verified token as, when that guard allowed an
// expiry no older than within (so its verdict is at least as strict as the
// caller's); nil otherwise.
func Get(c *gin.Context, token string, within time.Duration) any {
	v, ok := c.Get(key{})
	if !ok {
		return nil
	}
	e, ok := v.(entry)
	if !ok || e.token != token || e.within > within {
		return nil
	}
	return e.user
}

// hook, when set, is called once per signature verification.
var hook atomic.Pointer[func()]

// OnSignature sets f to be called on every signature verification (nil to
// stop), for tests.
func OnSignature(f func()) {
	if f == nil {
		hook.Store(nil)
		return
	}
	hook.Store(&f)
}

// Signature is called by the core before each signature verification.
func Signature() {
	if f := hook.Load(); f != nil {
		(*f)()
	}
}

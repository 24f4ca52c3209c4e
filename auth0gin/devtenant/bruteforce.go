package devtenant

import (
	"net"
	"net/http"
	"strings"
	"time"
)

// Auth0's login errors (see docs/auth0-compat.md).
const (
	// defaultBruteForceThreshold is Auth0's brute-force protection threshold:
	// consecutive failed logins for one user from one IP before that pair is
	// blocked.
	defaultBruteForceThreshold = 10

	descTooManyAttempts = "Your account has been blocked after multiple consecutive login attempts."
	descUserBlocked     = "user is blocked"
	descMFARequired     = "Multifactor authentication required"
	descWrongPassword   = "Wrong email or password."
)

// ipHeader is the header a trusted confidential client sets to the end
// user's IP on /oauth/token.
const ipHeader = "auth0-forwarded-for"

// attemptKey is one user seen from one IP.
type attemptKey struct{ userID, ip string }

// attempts counts a user's consecutive failed logins from one IP, and
// whether the pair is blocked.
type attempts struct {
	failures  int
	blockedAt time.Time // zero while not blocked
}

// loginError is why a password login failed.
type loginError = tokenError

// login checks a password login from ip as Auth0 does: a blocked user and IP
// pair gets 429 too_many_attempts whatever the password; a wrong password
// counts one failure (defaultBruteForceThreshold in a row blocks the pair); a
// right one clears the count, then a blocked user gets 401 "user is blocked".
// connection "" is defaultConnection. The caller decides about MFA
// (errMFARequired for a flow without an MFA step).
func (t *Tenant) login(connection, email, password, ip string) (User, *loginError) {
	if connection == "" {
		connection = defaultConnection
	}
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	rec := t.users.byEmail(connection, strings.TrimSpace(email))
	if rec == nil {
		return User{}, errInvalidGrant(descWrongPassword)
	}
	k := attemptKey{rec.ID, ip}
	a := t.attempts[k]
	if a != nil && !a.blockedAt.IsZero() {
		if d := t.cfg.BruteForceBlockDuration; d <= 0 || now.Before(a.blockedAt.Add(d)) {
			return User{}, &tokenError{http.StatusTooManyRequests, "too_many_attempts", descTooManyAttempts}
		}
		delete(t.attempts, k) // the block has run out
		a = nil
	}
	if rec.Password == "" || rec.Password != password {
		if t.cfg.BruteForceThreshold < 0 {
			return User{}, errInvalidGrant(descWrongPassword)
		}
		if a == nil {
			capMap(t.attempts)
			a = &attempts{}
			t.attempts[k] = a
		}
		a.failures++
		if a.failures >= t.bruteForceThreshold() {
			a.blockedAt = now
			t.stats.add(func(s *Stats) { s.BruteForceBlocks++ })
			t.log.Warn("devtenant: brute-force protection blocked a user and IP", "user_id", rec.ID, "ip", ip)
		}
		return User{}, errInvalidGrant(descWrongPassword)
	}
	delete(t.attempts, k)
	if rec.Blocked {
		return User{}, &tokenError{http.StatusUnauthorized, "unauthorized", descUserBlocked}
	}
	return cloneUser(rec.User), nil
}

// errMFARequired is Auth0's answer to a login of a user enrolled in MFA
// through a flow that has no MFA step (the password grant): 403
// mfa_required. nil for other users.
func errMFARequired(u User) *loginError {
	if u.MFAEnrolled {
		return &tokenError{http.StatusForbidden, "mfa_required", descMFARequired}
	}
	return nil
}

func (t *Tenant) bruteForceThreshold() int {
	if t.cfg.BruteForceThreshold > 0 {
		return t.cfg.BruteForceThreshold
	}
	return defaultBruteForceThreshold
}

// unblock lifts every brute-force block of the user (by ID or email) and
// resets its failure counts, as the Management API's DELETE
// /api/v2/user-blocks/{id} does. It returns how many blocks it lifted.
func (t *Tenant) unblock(user string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	rec := t.users.find(user)
	if rec == nil {
		return 0
	}
	return t.unblockLocked(rec.ID)
}

// unblockLocked drops the failure counts and blocks of userID; a successful
// password change does it too.
func (t *Tenant) unblockLocked(userID string) int {
	n := 0
	for k, a := range t.attempts {
		if k.userID == userID {
			if !a.blockedAt.IsZero() {
				n++
			}
			delete(t.attempts, k)
		}
	}
	return n
}

// blockedIPsLocked lists the IPs from which userID is blocked now.
func (t *Tenant) blockedIPsLocked(userID string) []string {
	now := t.now()
	var out []string
	for k, a := range t.attempts {
		if k.userID != userID || a.blockedAt.IsZero() {
			continue
		}
		if d := t.cfg.BruteForceBlockDuration; d > 0 && !now.Before(a.blockedAt.Add(d)) {
			continue
		}
		out = append(out, k.ip)
	}
	return out
}

// remoteIP is the IP of the peer of r.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// endUserIP is the IP a token request counts against: the auth0-forwarded-for
// header when c is a confidential client with TrustTokenEndpointIPHeader (it
// has authenticated with its secret by now), the peer's IP otherwise.
func endUserIP(r *http.Request, c *client) string {
	if c.TrustTokenEndpointIPHeader && c.Secret != "" {
		if h := strings.TrimSpace(r.Header.Get(ipHeader)); h != "" {
			if ip := net.ParseIP(h); ip != nil {
				return ip.String()
			}
		}
	}
	return remoteIP(r)
}

// pageStatus is the status of a login page showing the error: 400 for a
// wrong password, the token endpoint's status otherwise (429, 401, 403).
func (e *loginError) pageStatus() int {
	if e.code == "invalid_grant" {
		return http.StatusBadRequest
	}
	return e.status
}

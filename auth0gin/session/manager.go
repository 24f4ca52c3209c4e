package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// Manager makes, checks and ends sessions. It is an auth0gin.CredentialSource:
// attach it to the Auth0 (auth.Attach(sess)) and the guards accept its
// cookie. It is safe for concurrent use; make one with New at start-up and
// Close it at shutdown.
type Manager struct {
	auth   *auth0gin.Auth0
	st     store.Store
	cfg    Config
	realm  string
	csrf   *http.CrossOriginProtection
	opaque *opaque     // nil unless Config.OpaqueTokens
	cache  *localCache // nil when disabled
	limit  *limiter    // nil when disabled
	stop   func()      // ends the invalidation subscription
	also   []Ender     // given to Mount: LogoutUser ends what they hold too
	// warnProxy logs once that a proxied request reached a loopback Host
	// with no public origin (see secure).
	warnProxy sync.Once
	tel       *sessTel // OpenTelemetry instruments (telemetry.go)
}

// retryAfter is the Retry-After of a 503 when the store is down.
const retryAfter = 2 * time.Second

// New checks cfg and subscribes to the store's invalidation channel (so
// that a logout on any instance empties every instance's local cache at
// once). Its configuration errors wrap auth0gin.ErrConfig. The guards accept
// the session cookie once the app attaches the manager, and its routes are
// served once the app mounts them:
//
//	sess, err := session.New(ctx, auth, st, session.FromEnv())
//	auth.Attach(sess)             // the guards accept the cookie
//	sess.Mount(auth.Router(r))    // POST /auth/session, /auth/ping, /auth/logout
func New(ctx context.Context, auth *auth0gin.Auth0, st store.Store, cfg Config) (*Manager, error) {
	if auth == nil || st == nil {
		return nil, fmt.Errorf("session: %w: New needs an Auth0 and a store", auth0gin.ErrConfig)
	}
	c, err := cfg.resolve(auth)
	if err != nil {
		return nil, err
	}
	tel := newSessTel(auth)
	st = tel.st.Instrument(st, tel.message) // store round trips are spans and metrics
	m := &Manager{tel: tel, auth: auth, st: st, cfg: c, realm: auth.Config().Realm, csrf: http.NewCrossOriginProtection()}
	for _, o := range slices.Concat([]string{c.publicOrigin}, c.TrustedOrigins) {
		if o == "" {
			continue
		}
		if err := m.csrf.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("session: %w: trusted origin %q: %w", auth0gin.ErrConfig, o, err)
		}
	}
	if c.OpaqueTokens != nil {
		oc := *c.OpaqueTokens
		if oc.Logger == nil {
			oc.Logger = c.Logger
		}
		m.opaque = newOpaque(auth, oc)
		m.opaque.hc = tel.client(m.opaque.hc) // its /userinfo calls are spans
	}
	if c.LoginsPerMinute > 0 {
		m.limit = newLimiter(c, st)
	}
	if c.LocalCacheTTL > 0 {
		m.cache = newLocalCache(c.LocalCacheSize, c.LocalCacheTTL)
		stop, err := st.Subscribe(ctx, m.channel(), m.invalidated)
		if err != nil {
			return nil, fmt.Errorf("session: subscribing to invalidations: %w", err)
		}
		m.stop = stop
	}
	return m, nil
}

// Close ends the invalidation subscription. It does not close the store.
func (m *Manager) Close() error {
	if m.stop != nil {
		m.stop()
	}
	return nil
}

// Store keys. The id is the secret's SHA-256: the store never sees a secret.
// A session's keys share the store key group {s:<id>} (see package store),
// so that the one multi-key call on them (Delete of record and activity)
// stays on one node of a Redis Cluster, while sessions spread over every
// node: one group per session, never one per app.
func (m *Manager) recordKey(sid id) string   { return m.cfg.KeyPrefix + "{s:" + sid.String() + "}:r" }
func (m *Manager) activityKey(sid id) string { return m.cfg.KeyPrefix + "{s:" + sid.String() + "}:a" }
func (m *Manager) channel() string           { return m.cfg.KeyPrefix + "ended" }

// Authenticate implements auth0gin.CredentialSource: it returns the user of
// the request's session cookie, (nil, nil) without one, a 403 csrf_rejected
// for an unsafe cross-origin browser request, a 401 for a cookie that opens
// no live session, or a 503 when the store cannot answer.
func (m *Manager) Authenticate(r *http.Request) (*auth0gin.Auth0User, error) {
	var buf [maxCookies + 1]string
	values := m.cookies(r, &buf)
	if len(values) == 0 {
		return nil, nil
	}
	if err := m.checkOrigin(r); err != nil {
		return nil, err
	}
	return m.session(r.Context(), values)
}

// session returns the user of the request's session cookies: those that
// open no live session (unknown, ended, expired, malformed) are ignored, as
// long as one does. When they open sessions of different users, the request
// is refused (401): a sibling site that can set cookies for this host (a
// parent Domain, a longer Path; see Config.CookieName, whose default
// prefix stops it in browsers that honour it) must not make a
// victim's requests act as the attacker's account (cookie tossing). With no
// live session, the first refusal is answered; an outage at once.
func (m *Manager) session(ctx context.Context, values []string) (*auth0gin.Auth0User, error) {
	if len(values) > maxCookies {
		// Planted ones could push the victim's own past those looked up.
		return nil, refused(errMixedSessions, "the request carries too many session cookies")
	}
	var (
		found *auth0gin.Auth0User
		first error
	)
	for _, v := range values {
		u, _, err := m.lookup(ctx, v)
		switch {
		case errors.Is(err, auth0gin.ErrUnavailable):
			return nil, err
		case err != nil:
			if first == nil {
				first = err
			}
		case found == nil:
			found = u
		case !sameUser(found, u):
			return nil, refused(errMixedSessions, "the request carries session cookies of different users")
		}
	}
	if found != nil {
		return found, nil
	}
	return nil, first
}

// sameUser reports whether two sessions' users are one identity: the same
// subject of the same issuer.
func sameUser(a, b *auth0gin.Auth0User) bool {
	return a.ID == b.ID && a.UserBase == b.UserBase // identity is (UserBase, ID)
}

// maxCookies bounds the session cookies of one request that are looked up;
// a request with more is refused.
const maxCookies = 3

// cookies returns the values of the request's session cookies: usually one;
// two when the browser holds a host-only cookie and a Domain one (after
// Config.CookieDomain changed), and the stale one may come first. Other
// cookies, well formed or not, are none of its business: a browser sends
// whatever other apps on the host set. It reads them as
// http.Request.CookiesNamed does, into buf (one more than session looks up,
// which then refuses the request), so that the hot path allocates nothing.
func (m *Manager) cookies(r *http.Request, buf *[maxCookies + 1]string) []string {
	lines := r.Header["Cookie"]
	if len(lines) == 0 { // most requests to most routes carry no session
		return nil
	}
	name := m.cookieName(r)
	n := 0
	for _, line := range lines {
		for part := range strings.SplitSeq(line, ";") {
			k, v, _ := strings.Cut(textproto.TrimString(part), "=")
			if textproto.TrimString(k) != name {
				continue
			}
			if v, ok := cookieValue(v); ok {
				buf[n] = v
				if n++; n == len(buf) {
					return buf[:n]
				}
			}
		}
	}
	return buf[:n]
}

// cookieValue is net/http's reading of a cookie's value: surrounding double
// quotes stripped, and only RFC 6265 cookie-octets (and space and comma,
// which browsers send) accepted.
func cookieValue(raw string) (string, bool) {
	if len(raw) > 1 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		raw = raw[1 : len(raw)-1]
	}
	for i := range len(raw) {
		if b := raw[i]; b < 0x20 || b >= 0x7f || b == '"' || b == ';' || b == '\\' {
			return "", false
		}
	}
	return raw, true
}

// Errors a refused session cookie is answered with (401, invalid_token).
var (
	// errMalformedCookie: the cookie's value is not one this package makes
	// (wrong length or characters, or oversized).
	errMalformedCookie = errors.New("session: malformed session cookie")
	// errUnknownSession: the cookie names no session in the store (never
	// made, logged out, or swept after it expired).
	errUnknownSession = errors.New("session: unknown session")
	// errExpired: the session is past its inactive or maximum lifetime.
	errExpired = errors.New("session: session expired")
	// errMixedSessions: the request's session cookies open sessions of
	// different users (a tossed cookie).
	errMixedSessions = errors.New("session: session cookies of different users")
)

func refused(sentinel error, desc string) *auth0gin.AuthError {
	return &auth0gin.AuthError{Status: http.StatusUnauthorized, Code: "invalid_token", Description: desc, Err: sentinel}
}

func unavailable(err error) *auth0gin.AuthError {
	return auth0gin.Unavailable("session store unavailable", retryAfter, err)
}

// lookup finds the live session of a cookie value, records the activity, and
// returns a copy of its user for this request.
func (m *Manager) lookup(ctx context.Context, value string) (*auth0gin.Auth0User, id, error) {
	sid, ok := parseSecret(value)
	if !ok {
		return nil, sid, refused(errMalformedCookie, "malformed session cookie")
	}
	now := m.cfg.Now()
	var e, old *entry
	if m.cache != nil {
		e = m.cache.get(sid)
		if e != nil && (now.Sub(e.fetched) >= m.cfg.LocalCacheTTL || now.Before(e.fetched) || !m.alive(e, now)) {
			// Stale here: the store decides (another instance may have seen
			// activity), but this instance's own unwritten activity still counts.
			e, old = nil, e
		}
		m.tel.localHit(ctx, e)
	}
	if e == nil {
		var err error
		if e, err = m.load(ctx, sid, now, old); err != nil {
			return nil, sid, err
		}
	}
	if err := m.touch(ctx, sid, e, now); err != nil {
		return nil, sid, err
	}
	return e.user, sid, nil // shared and read-only: no copy per request
}

// alive reports whether e is within both of its lifetimes at now.
func (m *Manager) alive(e *entry, now time.Time) bool {
	return now.Before(e.end) && now.Sub(time.Unix(0, e.seen.Load())) < m.cfg.IdleTimeout
}

// load reads a session from the store and remembers it locally. old is the
// entry it replaces, if any: its activity not yet written counts too. It
// reads the record, then its activity and its user's epoch together: two
// round trips (the epoch's key needs the user id the record holds).
func (m *Manager) load(ctx context.Context, sid id, now time.Time, old *entry) (*entry, error) {
	var readAt time.Duration
	if m.cache != nil {
		readAt = m.cache.since()
	}
	b, err := m.st.Get(ctx, m.recordKey(sid))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, refused(errUnknownSession, "unknown or ended session")
	case err != nil:
		return nil, unavailable(err)
	}
	rec, err := decodeRecord(b)
	if err != nil {
		m.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "session: unreadable record, refused", slog.String("err", err.Error()))
		return nil, refused(errUnknownSession, "unknown or ended session")
	}
	var (
		current  string
		epochErr error
		done     = make(chan struct{})
	)
	go func() {
		defer close(done)
		current, epochErr = m.epoch(ctx, rec.userID)
	}()
	seen := rec.created
	ab, actErr := m.st.Get(ctx, m.activityKey(sid))
	<-done
	switch {
	case actErr == nil:
		if t, ok := decodeTime(ab); ok && t.After(seen) {
			seen = t
		}
	case !errors.Is(actErr, store.ErrNotFound):
		return nil, unavailable(actErr)
	}
	if epochErr != nil {
		return nil, epochErr
	}
	if stale(rec.epoch, current) {
		// Ended by a log-out-everywhere: the record is no longer needed.
		if err := m.st.Delete(context.WithoutCancel(ctx), m.recordKey(sid), m.activityKey(sid)); err != nil {
			m.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "session: deleting a logged-out session", slog.String("err", err.Error()))
		}
		return nil, refused(errUnknownSession, "unknown or ended session")
	}
	u, err := rec.restore()
	if err != nil {
		m.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "session: unreadable user, refused", slog.String("err", err.Error()))
		return nil, refused(errUnknownSession, "unknown or ended session")
	}
	e := &entry{user: u, userID: rec.userID, created: rec.created, end: rec.end, fetched: now}
	e.written.Store(seen.UnixNano())
	if old != nil && old.seen.Load() > seen.UnixNano() {
		seen = time.Unix(0, old.seen.Load())
	}
	e.seen.Store(seen.UnixNano())
	if !m.alive(e, now) {
		// The store may hold it a little longer (its expiry is coarser, or
		// clocks differ); the lifetimes are checked here all the same.
		m.end(context.WithoutCancel(ctx), sid, e.userID, u)
		return nil, refused(errExpired, "session expired")
	}
	if m.cache != nil {
		m.cache.put(sid, e, readAt)
	}
	return e, nil
}

// touch records activity at now: in memory always, in the store at most once
// per TouchInterval. A failed write is a 503, so that the inactive deadline
// the store holds never lags behind what was answered for long.
func (m *Manager) touch(ctx context.Context, sid id, e *entry, now time.Time) error {
	n := now.UnixNano()
	for {
		s := e.seen.Load()
		if n <= s || e.seen.CompareAndSwap(s, n) {
			break
		}
	}
	w := e.written.Load()
	if now.Sub(time.Unix(0, w)) < m.cfg.TouchInterval || !e.written.CompareAndSwap(w, n) {
		return nil // written recently, or another request is writing it now
	}
	until := now.Add(m.cfg.IdleTimeout)
	if e.end.Before(until) {
		until = e.end
	}
	if err := m.st.Set(ctx, m.activityKey(sid), encodeTime(now), until); err != nil {
		e.written.CompareAndSwap(n, w) // let the next request try again
		return unavailable(err)
	}
	return nil
}

// end deletes a session from the store and from every instance's memory,
// forgets its user's tokens in the validated-token cache, and calls OnLogout.
func (m *Manager) end(ctx context.Context, sid id, userID string, u *auth0gin.Auth0User) error {
	if err := m.st.Delete(ctx, m.recordKey(sid), m.activityKey(sid)); err != nil {
		return unavailable(err)
	}
	m.forget(ctx, sid, userID)
	if m.cfg.OnLogout != nil && u != nil {
		m.cfg.OnLogout(ctx, u)
	}
	return nil
}

// forget drops a session here and tells the other instances to do the same.
func (m *Manager) forget(ctx context.Context, sid id, userID string) {
	m.invalidated(sid.String() + " " + userID)
	if err := m.st.Publish(ctx, m.channel(), sid.String()+" "+userID); err != nil {
		// Delivery is best effort; the other instances' entries expire within LocalCacheTTL.
		m.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "session: publishing a logout", slog.String("err", err.Error()))
	}
}

// invalidated handles a message on the invalidation channel: "<id> <user>"
// for one session, "* <user>" for all of a user's (see forgetUser).
func (m *Manager) invalidated(msg string) {
	hexID, userID, _ := strings.Cut(msg, " ")
	if m.cache != nil {
		if sid, ok := parseID(hexID); ok {
			m.cache.drop(sid)
		} else if hexID+" " == userMessage && userID != "" {
			m.cache.dropUser(userID)
		}
	}
	if userID != "" {
		base, id := splitUserKey(userID)
		m.auth.ForgetUser(context.Background(), base, id)
	}
}

// copyUser gives the cache its own copy of a user, its slices capped at
// their length so that an append by a handler copies them: every request of
// the session is then handed that copy, read-only (see auth0gin.Auth0User).
func copyUser(t *auth0gin.Auth0User) *auth0gin.Auth0User {
	u := *t
	u.Permissions = slices.Clip(slices.Clone(t.Permissions))
	u.Scopes = slices.Clip(slices.Clone(t.Scopes))
	u.Roles = slices.Clip(slices.Clone(t.Roles))
	u.Audience = slices.Clip(slices.Clone(t.Audience))
	u.AMR = slices.Clip(slices.Clone(t.AMR))
	if t.Email != nil {
		e := *t.Email
		u.Email = &e
	}
	return &u
}

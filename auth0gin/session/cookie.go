package session

import (
	"net/http"
	"time"
)

// secure decides the cookie's Secure attribute for a request: always on
// for a prefixed Config.CookieName; from the configured public origin when
// there is one; otherwise on, except for a plain-http request to a loopback
// host (development), where a browser would drop a Secure cookie.
func (m *Manager) secure(r *http.Request) bool {
	if hasPrefixFold(m.cfg.CookieName, "__Host-") || hasPrefixFold(m.cfg.CookieName, "__Secure-") {
		return true
	}
	if m.cfg.publicOrigin != "" {
		return m.cfg.publicOrigin[:len("https:")] == "https:"
	}
	if r.TLS != nil || !loopback(hostOf(r.Host)) {
		return true
	}
	// The names as net/http canonicalizes what it reads: Get would
	// canonicalize them again on every request.
	if forwarded(r.Header["X-Forwarded-Proto"]) || forwarded(r.Header["Forwarded"]) {
		// A proxy that forwards Host: 127.0.0.1 (nginx's default) would make
		// an https deployment's cookie the development one: no Secure, no
		// __Host- prefix, so no defence against cookie tossing. The header
		// is no proof (any client may send it), so it only warns.
		m.warnProxy.Do(func() {
			m.cfg.Logger.Warn("session: a proxied request reached a loopback Host with no public origin (auth0gin.Config.PublicOrigin, AUTH0GIN_PUBLIC_ORIGIN): " +
				"the session cookie is the development one, without Secure or the __Host- prefix; set the public origin")
		})
	}
	return false
}

// cookieName is the session cookie's name for a request: Config.CookieName
// when set; else the __Host- name when the cookie is Secure, host-only and
// Path=/, the development name otherwise. It follows secure, so it is one
// name for every request of a deployment with a public origin, and for every
// request a browser sends to one host without: the answers that set the
// cookie and the requests that carry it agree.
func (m *Manager) cookieName(r *http.Request) string {
	switch {
	case m.cfg.CookieName != "":
		return m.cfg.CookieName
	case m.cfg.CookieDomain == "" && m.cfg.CookiePath == "/" && m.secure(r):
		return hostCookieName
	}
	return devCookieName
}

// newCookie is the session cookie for value, expiring at end.
func (m *Manager) newCookie(r *http.Request, value string, now, end time.Time) *http.Cookie {
	return &http.Cookie{
		Name:     m.cookieName(r),
		Value:    value,
		Path:     m.cfg.CookiePath,
		Domain:   m.cfg.CookieDomain,
		Expires:  end.UTC(),
		MaxAge:   max(1, int(end.Sub(now)/time.Second)),
		Secure:   m.secure(r),
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
}

// clearCookie tells the browser to drop the session cookie.
func (m *Manager) clearCookie(r *http.Request) *http.Cookie {
	return &http.Cookie{
		Name:     m.cookieName(r),
		Value:    "",
		Path:     m.cfg.CookiePath,
		Domain:   m.cfg.CookieDomain,
		Expires:  time.Unix(0, 0),
		MaxAge:   -1,
		Secure:   m.secure(r),
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
}

// forwarded reports whether a header's values, as Header.Get reads them,
// are present and not empty.
func forwarded(values []string) bool {
	return len(values) > 0 && values[0] != ""
}

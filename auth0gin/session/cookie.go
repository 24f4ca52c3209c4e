package session

import (
	"net/http"
	"time"
)

// secure decides the cookie's Secure attribute for a request: from the
// configured public origin when there is one; otherwise on, except for a
// plain-http request to a loopback host (development), where a browser would
// drop a Secure cookie.
func (m *Manager) secure(r *http.Request) bool {
	if m.cfg.PublicOrigin != "" {
		return m.cfg.PublicOrigin[:len("https:")] == "https:"
	}
	return r.TLS != nil || !loopback(hostOf(r.Host))
}

// newCookie is the session cookie for value, expiring at end.
func (m *Manager) newCookie(r *http.Request, value string, now, end time.Time) *http.Cookie {
	return &http.Cookie{
		Name:     m.cfg.CookieName,
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
		Name:     m.cfg.CookieName,
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

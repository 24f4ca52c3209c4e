package devtenant

import (
	"net/http"
	"net/url"
	"strings"
)

// handleLogout is GET /v2/logout: it ends the login session and redirects to
// returnTo when the client (client_id, or any client when absent) allows it
// in its LogoutURLs, or, on a loopback host, when it is on the origin of one
// of its callbacks. Without returnTo it answers "OK", as Auth0 does.
func (t *Tenant) handleLogout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if ck, err := r.Cookie(sessionCookie); err == nil {
		t.mu.Lock()
		delete(t.sessions, hashToken(ck.Value))
		t.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	returnTo := q.Get("returnTo")
	if returnTo == "" {
		returnTo = q.Get("post_logout_redirect_uri")
	}
	if returnTo == "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("OK"))
		return
	}
	var candidates []*client
	if id := q.Get("client_id"); id != "" {
		c := t.clients[id]
		if c == nil {
			t.errorPage(w, http.StatusBadRequest, "invalid_request", "Unknown client: "+id)
			return
		}
		candidates = []*client{c}
	} else {
		for _, c := range t.clients {
			candidates = append(candidates, c)
		}
	}
	for _, c := range candidates {
		if c.logoutAllowed(returnTo) {
			http.Redirect(w, r, returnTo, http.StatusFound)
			return
		}
	}
	t.errorPage(w, http.StatusBadRequest, "invalid_request",
		`The "returnTo" querystring parameter "`+returnTo+`" is not defined as a valid URL in "Allowed Logout URLs". To add a new URL, please do it here: https://manage.auth0.com/#/applications`)
}

func (c *client) logoutAllowed(raw string) bool {
	for _, p := range c.logout {
		if p.match(raw) {
			return true
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || !isLoopback(u.Hostname()) || strings.ContainsAny(u.Host, "\\@") {
		return false
	}
	for _, p := range c.callbacks {
		if p.loopback && p.sameOrigin(u) {
			return true
		}
	}
	return false
}

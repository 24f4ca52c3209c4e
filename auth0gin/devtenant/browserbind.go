package devtenant

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
)

// browserCookie binds login and activation transactions to the browser that
// opened them, so a transaction id obtained elsewhere (login CSRF) is useless.
const browserCookie = "devtenant_browser"

// bindBrowser returns the hash of the browser's binding cookie, setting a new
// cookie when the request has none. It lives as long as the browser session.
func (t *Tenant) bindBrowser(w http.ResponseWriter, r *http.Request) string {
	if ck, err := r.Cookie(browserCookie); err == nil && len(ck.Value) >= 32 && len(ck.Value) <= 64 {
		return hashToken(ck.Value)
	}
	v := randomToken(32)
	http.SetCookie(w, &http.Cookie{
		Name: browserCookie, Value: v, Path: "/", HttpOnly: true,
		Secure: strings.HasPrefix(t.issuer, "https://"), SameSite: http.SameSiteLaxMode,
	})
	return hashToken(v)
}

// sameBrowser reports whether r comes from the browser whose binding hash is want.
func sameBrowser(r *http.Request, want string) bool {
	ck, err := r.Cookie(browserCookie)
	if err != nil || want == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(hashToken(ck.Value)), []byte(want)) == 1
}

// sameOrigin reports whether a form post may come from r's Origin: absent
// (old browsers, non-browser clients: the cookie binding decides), the
// issuer's origin, or the origin the browser addressed (the Host it sent,
// e.g. localhost for an issuer on 127.0.0.1). "null" and every other
// origin, including another port of the same host, are refused.
func (t *Tenant) sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(t.issuer)
	if err != nil {
		return false
	}
	return strings.EqualFold(o, u.Scheme+"://"+u.Host) || (r.Host != "" && strings.EqualFold(o, u.Scheme+"://"+r.Host))
}

// checkFormPost refuses a cross-origin post or one from another browser than
// the one that opened the transaction bound to want; it writes the error
// page and reports whether the post may go on.
func (t *Tenant) checkFormPost(w http.ResponseWriter, r *http.Request, want string) bool {
	if !t.sameOrigin(r) {
		t.log.Warn("devtenant: cross-origin form post refused", "path", r.URL.Path)
		t.errorPage(w, http.StatusForbidden, "access_denied", "Cross-origin form post refused.")
		return false
	}
	if !sameBrowser(r, want) {
		t.log.Warn("devtenant: form post from another browser refused", "path", r.URL.Path)
		t.errorPage(w, http.StatusForbidden, "access_denied", "This transaction was started in another browser; start again.")
		return false
	}
	return true
}

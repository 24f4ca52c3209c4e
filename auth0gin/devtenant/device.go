package devtenant

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Device authorization states.
const (
	devicePending = iota
	deviceApproved
	deviceDenied
	deviceUsed
)

// deviceAuth is one device-flow authorization (RFC 8628).
type deviceAuth struct {
	clientID, audience string
	scopes             []string
	userCode           string
	expires            time.Time
	lastPoll           time.Time
	state              int
	userID             string
	expiredReported    bool
}

// deviceCodeResponse is the /oauth/device/code body.
type deviceCodeResponse struct {
	DeviceCode              string `json:"device_code"`
	UserCode                string `json:"user_code"`
	VerificationURI         string `json:"verification_uri"`
	ExpiresIn               int64  `json:"expires_in"`
	Interval                int64  `json:"interval"`
	VerificationURIComplete string `json:"verification_uri_complete"`
}

// userCodeAlphabet has no vowels, as Auth0's (and RFC 8628 §6.1's) codes.
const userCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"

func newUserCode() string {
	b := make([]byte, 8)
	rand.Read(b)
	for i := range b {
		b[i] = userCodeAlphabet[int(b[i])%len(userCodeAlphabet)]
	}
	return string(b[:4]) + "-" + string(b[4:])
}

// normalizeUserCode accepts "wdjb mjht", "WDJBMJHT", "WDJB-MJHT".
func normalizeUserCode(s string) string {
	s = strings.ToUpper(strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, s))
	if len(s) == 8 {
		return s[:4] + "-" + s[4:]
	}
	return s
}

// handleDeviceCode is POST /oauth/device/code.
func (t *Tenant) handleDeviceCode(w http.ResponseWriter, r *http.Request) {
	p, err := params(r)
	if err != nil {
		writeBodyError(w, err)
		return
	}
	c, terr := t.authenticateClient(r, p, GrantDeviceCode)
	if terr != nil {
		terr.write(w)
		return
	}
	aud, terr := t.audience(p)
	if terr != nil {
		terr.write(w)
		return
	}
	dc := randomToken(32)
	d := &deviceAuth{
		clientID: c.ID, audience: aud, scopes: scopeList(p.Get("scope")),
		userCode: newUserCode(), expires: t.now().Add(t.cfg.DeviceCodeLifetime),
	}
	t.mu.Lock()
	t.sweepLocked()
	capMap(t.devices)
	t.devices[hashToken(dc)] = d
	t.mu.Unlock()
	verify := t.issuer + "activate"
	writeJSON(w, http.StatusOK, deviceCodeResponse{
		DeviceCode: dc, UserCode: d.userCode, VerificationURI: verify,
		VerificationURIComplete: verify + "?user_code=" + url.QueryEscape(d.userCode),
		ExpiresIn:               int64(t.cfg.DeviceCodeLifetime / time.Second),
		Interval:                int64(t.cfg.DeviceInterval / time.Second),
	})
}

// grantDeviceCode is the device's polling: authorization_pending, slow_down,
// expired_token (once, then invalid_grant), access_denied, or the tokens.
func (t *Tenant) grantDeviceCode(r *http.Request, p url.Values) (tokenResponse, *tokenError) {
	c, terr := t.authenticateClient(r, p, GrantDeviceCode)
	if terr != nil {
		return tokenResponse{}, terr
	}
	dc := p.Get("device_code")
	if dc == "" {
		return tokenResponse{}, errInvalidRequest("Missing required parameter: device_code")
	}
	now := t.now()
	t.mu.Lock()
	d := t.devices[hashToken(dc)]
	if d == nil || d.clientID != c.ID || d.state == deviceUsed {
		t.mu.Unlock()
		return tokenResponse{}, errInvalidGrant("Invalid or expired device code.")
	}
	if !now.Before(d.expires) {
		first := !d.expiredReported
		d.expiredReported = true
		t.mu.Unlock()
		if first {
			return tokenResponse{}, &tokenError{http.StatusForbidden, "expired_token", "Token has expired."}
		}
		return tokenResponse{}, errInvalidGrant("Invalid or expired device code.")
	}
	last := d.lastPoll
	d.lastPoll = now
	if !last.IsZero() && now.Sub(last) < t.cfg.DeviceInterval {
		t.mu.Unlock()
		return tokenResponse{}, &tokenError{http.StatusTooManyRequests, "slow_down",
			fmt.Sprintf("You are polling faster than the specified interval of %d seconds.", int64(t.cfg.DeviceInterval/time.Second))}
	}
	switch d.state {
	case devicePending:
		t.mu.Unlock()
		return tokenResponse{}, &tokenError{http.StatusForbidden, "authorization_pending", "User has yet to authorize device code."}
	case deviceDenied:
		t.mu.Unlock()
		return tokenResponse{}, &tokenError{http.StatusForbidden, "access_denied", "User refused to authorize the device code."}
	}
	d.state = deviceUsed
	userID, aud, scopes := d.userID, d.audience, d.scopes
	t.mu.Unlock()
	u, ok := t.user(userID)
	if !ok {
		return tokenResponse{}, errInvalidGrant("Invalid or expired device code.")
	}
	return t.issueForUser(c, u, aud, scopes, "", "")
}

type activateData struct {
	Action, State, UserCode, Username, Error, LoggedIn, Done string
	Hints                                                    []string
}

// handleActivatePage is GET /activate: enter the code shown on the device.
func (t *Tenant) handleActivatePage(w http.ResponseWriter, r *http.Request) {
	d := activateData{Action: "activate", State: t.newActivation(), UserCode: r.URL.Query().Get("user_code"), Hints: t.userHints()}
	if u, ok := t.sessionUser(r); ok {
		d.LoggedIn = u.Email
	}
	t.render(w, http.StatusOK, "activate", d)
}

// handleActivate is POST /activate: confirm (logging in when needed) or deny.
func (t *Tenant) handleActivate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		t.errorPage(w, http.StatusBadRequest, "invalid_request", "Invalid form.")
		return
	}
	f := r.PostForm
	state := f.Get("state")
	t.mu.Lock()
	exp, ok := t.activations[state]
	t.mu.Unlock()
	if !ok || !t.now().Before(exp) {
		t.errorPage(w, http.StatusBadRequest, "invalid_request", "Invalid or expired activation transaction; reload the page.")
		return
	}
	page := activateData{Action: "activate", State: state, UserCode: f.Get("user_code"), Username: f.Get("username"), Hints: t.userHints()}
	u, loggedIn := t.sessionUser(r)
	if loggedIn {
		page.LoggedIn = u.Email
	}
	code := normalizeUserCode(f.Get("user_code"))
	now := t.now()
	t.mu.Lock()
	var d *deviceAuth
	for _, cand := range t.devices {
		if cand.userCode == code && cand.state == devicePending && now.Before(cand.expires) {
			d = cand
			break
		}
	}
	t.mu.Unlock()
	if d == nil {
		page.Error = "Invalid or expired code."
		t.render(w, http.StatusBadRequest, "activate", page)
		return
	}
	if f.Get("action") == "deny" {
		t.mu.Lock()
		d.state = deviceDenied
		delete(t.activations, state)
		t.mu.Unlock()
		page.Done = "You cancelled the device login."
		t.render(w, http.StatusOK, "activate", page)
		return
	}
	if !loggedIn {
		var lerr *loginError
		if u, lerr = t.login("", f.Get("username"), f.Get("password"), remoteIP(r)); lerr != nil {
			page.Error = lerr.desc
			t.render(w, lerr.pageStatus(), "activate", page)
			return
		}
		t.startSession(w, u.ID)
	}
	t.mu.Lock()
	if d.state == devicePending {
		d.state, d.userID = deviceApproved, u.ID
	}
	delete(t.activations, state)
	t.mu.Unlock()
	page.Done = "Congratulations, you're all set! Your device is now connected."
	t.render(w, http.StatusOK, "activate", page)
}

// newActivation starts an activation-form transaction (its CSRF token).
func (t *Tenant) newActivation() string {
	id := randomToken(24)
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for k, exp := range t.activations {
		if !now.Before(exp) {
			delete(t.activations, k)
		}
	}
	capMap(t.activations)
	t.activations[id] = now.Add(txLifetime)
	return id
}

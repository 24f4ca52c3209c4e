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
	auth               *authInfo // how the approving user authenticated
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
	c, terr := t.authenticateClient(r, p, grantDeviceCode)
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
	h := hashToken(dc)
	t.mu.Lock()
	t.sweepLocked()
	capMap(t.devices)
	for t.userCodes[d.userCode] != "" { // 20^8 codes: a collision is rare, but possible
		d.userCode = newUserCode()
	}
	t.devices[h] = d
	t.userCodes[d.userCode] = h
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
func (t *Tenant) grantDeviceCode(r *http.Request, p url.Values, jkt string) (tokenResponse, *tokenError) {
	c, terr := t.authenticateClient(r, p, grantDeviceCode)
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
	userID, aud, scopes, auth := d.userID, d.audience, d.scopes, d.auth
	t.mu.Unlock()
	u, ok := t.user(userID)
	if !ok {
		return tokenResponse{}, errInvalidGrant("Invalid or expired device code.")
	}
	return t.issueForUser(c, u, aud, scopes, "", "", auth, jkt)
}

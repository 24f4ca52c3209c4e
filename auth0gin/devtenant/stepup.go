package devtenant

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Authentication context class references (OpenID PAPE) Auth0 uses.
const (
	// acrMFA is the value of acr_values that asks Auth0 for MFA, and the acr
	// of a login that passed it.
	acrMFA = "http://schemas.openid.net/pape/policies/2007/06/multi-factor"
	// acrNone is the acr of a login without MFA when acr_values were asked.
	acrNone = "http://schemas.openid.net/pape/policies/2007/06/none"
)

// mfaACRs are the acr_values the tenant reads as "MFA, please": Auth0's PAPE
// value, its -physical variant, and the RFC 8176 method name "mfa", which a
// resource server's RFC 9470 challenge may well carry.
var mfaACRs = map[string]bool{
	acrMFA: true,
	"http://schemas.openid.net/pape/policies/2007/06/multi-factor-physical": true,
	"mfa": true,
}

// Auth0's authentication method names (event.authentication.methods).
const (
	methodPassword = "pwd"
	methodMFA      = "mfa"
)

// MFA step limits.
const (
	mfaCodeDigits = 6
	mfaMaxTries   = 5
	// mfaUserMaxFails wrong codes for one user within mfaUserWindow, over
	// any number of login transactions, refuse that user's codes until the
	// window ends: a live session could otherwise open transaction after
	// transaction without the password.
	mfaUserMaxFails = 10
	mfaUserWindow   = 15 * time.Minute
)

// mfaFailures counts one user's wrong codes since start.
type mfaFailures struct {
	n     int
	start time.Time
}

// authInfo says how and when the user behind a token authenticated.
type authInfo struct {
	time     time.Time // zero: unknown, auth_time left out
	methods  []string  // Auth0's method names: "pwd", "mfa"
	acr      string    // the acr reached; "" for none to report
	acrAsked bool      // acr_values were sent: the ID token carries acr
	org      *organization
}

func (a *authInfo) mfa() bool { return a != nil && slices.Contains(a.methods, methodMFA) }

// loginACR is the acr of a login: the requested MFA value it met (the first
// one asked), Auth0's MFA value after MFA, "none" when acr_values were asked
// and MFA was not done, else nothing.
func loginACR(asked []string, mfa bool) string {
	if mfa {
		for _, v := range asked {
			if mfaACRs[v] {
				return v
			}
		}
		return acrMFA
	}
	if len(asked) > 0 {
		return acrNone
	}
	return ""
}

// wantsMFA reports whether acr_values ask for MFA.
func wantsMFA(acrValues []string) bool {
	return slices.ContainsFunc(acrValues, func(v string) bool { return mfaACRs[v] })
}

// addAccessAuthClaims adds to an access token the organization claims (as
// Auth0 does) and the step-up claims Config.AuthTimeClaim, ACRClaim and
// AMRClaim name (as an Auth0 Action would).
func (t *Tenant) addAccessAuthClaims(claims map[string]any, a *authInfo) {
	if a == nil {
		return
	}
	t.addOrgClaims(claims, a.org)
	if n := t.cfg.AuthTimeClaim; n != "" && !a.time.IsZero() {
		claims[n] = a.time.Unix()
	}
	if n := t.cfg.ACRClaim; n != "" && a.acr != "" {
		claims[n] = a.acr
	}
	if n := t.cfg.AMRClaim; n != "" && len(a.methods) > 0 {
		claims[n] = append([]string{}, a.methods...)
	}
}

// addIDAuthClaims adds to an ID token what Auth0 puts there: auth_time,
// amr ["mfa"] after MFA (never on a refresh, as Auth0), acr when acr_values
// were asked, org_id and org_name.
func (t *Tenant) addIDAuthClaims(claims map[string]any, a *authInfo, refreshed bool) {
	if a == nil {
		return
	}
	t.addOrgClaims(claims, a.org)
	if !a.time.IsZero() {
		claims["auth_time"] = a.time.Unix()
	}
	if refreshed {
		return
	}
	if a.mfa() {
		claims["amr"] = []string{methodMFA}
	}
	if a.acrAsked && a.acr != "" {
		claims["acr"] = a.acr
	}
}

func (t *Tenant) addOrgClaims(claims map[string]any, o *organization) {
	if o == nil {
		return
	}
	claims["org_id"] = o.ID
	if t.cfg.OrgNameInTokens {
		claims["org_name"] = strings.ToLower(o.Name)
	}
}

// checkAuthClaimNames refuses step-up claim names a real tenant would drop,
// except the plain names themselves.
func checkAuthClaimNames(cfg Config) error {
	for _, c := range []struct{ field, name, plain string }{
		{"AuthTimeClaim", cfg.AuthTimeClaim, "auth_time"},
		{"ACRClaim", cfg.ACRClaim, "acr"},
		{"AMRClaim", cfg.AMRClaim, "amr"},
	} {
		if c.name != "" && c.name != c.plain && !allowedCustomClaim(c.name) {
			return fmt.Errorf("devtenant: Config.%s %q: Auth0 drops that claim name; use a namespaced URL (or %q)", c.field, c.name, c.plain)
		}
	}
	return nil
}

// newMFACode draws a one-time code.
func newMFACode() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1_000_000))
	return fmt.Sprintf("%0*d", mfaCodeDigits, n.Int64())
}

// startMFA shows the second step for user u of transaction id: a fresh code,
// written to the logger as the user's authenticator would show it.
func (t *Tenant) startMFA(w http.ResponseWriter, id string, tx *authTx, u User, sessionKey string) {
	code := newMFACode()
	t.mu.Lock()
	tx.mfaUser, tx.mfaCode, tx.mfaTries, tx.mfaSession = u.ID, code, 0, sessionKey
	tx.mfaIssued = t.now()
	tx.expires = t.now().Add(txLifetime)
	t.mu.Unlock()
	// The code is logged on purpose: it stands for the user's phone.
	t.log.Info("devtenant: MFA one-time code", "user", u.Email, "user_id", u.ID, "code", code)
	t.render(w, http.StatusOK, "mfa", t.mfaPage(tx, id, u, ""))
}

type mfaData struct {
	Client, Action, State, Email, Error string
}

func (t *Tenant) mfaPage(tx *authTx, id string, u User, errMsg string) mfaData {
	c := t.clients[tx.clientID]
	name := c.Name
	if name == "" {
		name = c.ID
	}
	return mfaData{Client: name, Action: "mfa-otp-challenge", State: id, Email: u.Email, Error: errMsg}
}

// handleMFA is POST /u/mfa-otp-challenge, the second step of a login.
func (t *Tenant) handleMFA(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		t.errorPage(w, http.StatusBadRequest, "invalid_request", "Invalid form.")
		return
	}
	id := r.PostForm.Get("state")
	t.mu.Lock()
	tx := t.txs[id]
	if tx != nil && (!t.now().Before(tx.expires) || tx.mfaUser == "") {
		tx = nil
	}
	t.mu.Unlock()
	if tx == nil {
		t.errorPage(w, http.StatusBadRequest, "invalid_request", "Invalid or expired login transaction; start the login again.")
		return
	}
	if !t.checkFormPost(w, r, tx.browser) {
		return
	}
	u, ok := t.user(tx.mfaUser)
	if !ok {
		t.errorPage(w, http.StatusBadRequest, "invalid_request", "Invalid or expired login transaction; start the login again.")
		return
	}
	code := strings.TrimSpace(r.PostForm.Get("code"))
	t.mu.Lock()
	if t.txs[id] != tx { // used up by a concurrent post
		t.mu.Unlock()
		t.errorPage(w, http.StatusBadRequest, "invalid_request", "Invalid or expired login transaction; start the login again.")
		return
	}
	now := t.now()
	f := t.mfaFails[u.ID]
	if now.Sub(f.start) > mfaUserWindow {
		f = mfaFailures{start: now}
	}
	if f.n >= mfaUserMaxFails {
		delete(t.txs, id)
		t.mu.Unlock()
		t.log.Info("devtenant: MFA failed too often for this user; codes refused for a while", "user_id", u.ID)
		t.errorPage(w, http.StatusTooManyRequests, "too_many_attempts", "Too many failed codes. Try again later.")
		return
	}
	good := subtle.ConstantTimeCompare([]byte(code), []byte(tx.mfaCode)) == 1
	if !good {
		tx.mfaTries++
		f.n++
		t.mfaFails[u.ID] = f
		if tx.mfaTries >= mfaMaxTries {
			delete(t.txs, id)
		}
	} else {
		delete(t.txs, id)
	}
	tries := tx.mfaTries
	t.mu.Unlock()
	switch {
	case !good && tries >= mfaMaxTries:
		t.log.Info("devtenant: MFA failed too often; login transaction dropped", "user_id", u.ID)
		t.errorPage(w, http.StatusTooManyRequests, "too_many_attempts", "Too many failed codes. Start the login again.")
		return
	case !good:
		t.render(w, http.StatusBadRequest, "mfa", t.mfaPage(tx, id, u, "The code you entered is invalid"))
		return
	}
	s := session{userID: u.ID, authTime: now, mfa: true}
	if tx.mfaSession != "" && t.upgradeSession(tx.mfaSession, u.ID, now) {
		// A step-up of a live session: it keeps its cookie.
	} else {
		t.startSession(w, r, s)
	}
	t.completeAuthorize(w, tx, u, s)
}

// upgradeSession records an MFA on the live session key of userID.
func (t *Tenant) upgradeSession(key, userID string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.sessions[key]
	if !ok || s.userID != userID || !now.Before(s.expires) {
		return false
	}
	s.authTime, s.mfa = now, true
	t.sessions[key] = s
	return true
}

// pendingMFACode returns the code of the user's latest MFA challenge (by ID
// or email), or "" when none waits.
func (t *Tenant) pendingMFACode(user string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	rec := t.users.find(user)
	if rec == nil {
		return ""
	}
	var best *authTx
	now := t.now()
	for _, tx := range t.txs {
		if tx.mfaUser == rec.ID && now.Before(tx.expires) && (best == nil || tx.mfaIssued.After(best.mfaIssued)) {
			best = tx
		}
	}
	if best == nil {
		return ""
	}
	return best.mfaCode
}

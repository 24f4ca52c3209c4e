package devtenant

import (
	"net/http"
	"time"
)

// Limits on guessing user codes on the activation page. A code has 20^8
// values; with these limits guessing one is hopeless.
const (
	// maxCodeAttemptsPerActivation wrong codes end an activation transaction.
	maxCodeAttemptsPerActivation = 5
	// maxCodeFailuresPerTenant wrong codes in codeFailureWindow make the
	// whole tenant refuse codes until the window ends.
	maxCodeFailuresPerTenant = 100
	codeFailureWindow        = 10 * time.Minute
)

// activation is an activation-form transaction. It is bound to the browser
// that opened it; after a valid code and a logged-in user it becomes a
// confirmation (device and userID set) under a new id.
type activation struct {
	browser  string // hash of the browser's binding cookie
	expires  time.Time
	failures int     // wrong user codes entered on it
	device   string  // confirmation: hash of the device code
	userID   string  // confirmation: the user approving
	session  session // confirmation: how the user authenticated
}

type activateData struct {
	Action, State, UserCode, Username, Error, LoggedIn, Done string
	Hints                                                    []string
}

type confirmData struct {
	Action, State, Client, User, UserCode, Audience string
	Scopes                                          []string
}

// handleActivatePage is GET /activate: enter the code shown on the device.
func (t *Tenant) handleActivatePage(w http.ResponseWriter, r *http.Request) {
	d := activateData{Action: "activate", State: t.newActivation(t.bindBrowser(w, r)), UserCode: r.URL.Query().Get("user_code"), Hints: t.userHints()}
	if u, _, _, ok := t.sessionUser(r); ok {
		d.LoggedIn = u.Email
	}
	t.render(w, http.StatusOK, "activate", d)
}

// handleActivate is POST /activate. With an activation transaction: check the
// code (and log in when needed), then show the confirmation page naming the
// client and scopes. With a confirmation: approve (action=confirm) or deny
// (action=deny) the device.
func (t *Tenant) handleActivate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		t.errorPage(w, http.StatusBadRequest, "invalid_request", "Invalid form.")
		return
	}
	f := r.PostForm
	state := f.Get("state")
	now := t.now()
	t.mu.Lock()
	a := t.activations[state]
	if a != nil && !now.Before(a.expires) {
		delete(t.activations, state)
		a = nil
	}
	var act activation
	if a != nil {
		act = *a
	}
	t.mu.Unlock()
	if a == nil {
		t.errorPage(w, http.StatusBadRequest, "invalid_request", "Invalid or expired activation transaction; reload the page.")
		return
	}
	if !t.checkFormPost(w, r, act.browser) {
		return
	}
	if act.device != "" {
		t.confirmActivation(w, r, state, act, f.Get("action"))
		return
	}

	page := activateData{Action: "activate", State: state, UserCode: f.Get("user_code"), Username: f.Get("username"), Hints: t.userHints()}
	u, sess, _, loggedIn := t.sessionUser(r)
	if loggedIn {
		page.LoggedIn = u.Email
	}
	dh, d, status, msg := t.checkUserCode(state, normalizeUserCode(f.Get("user_code")), now)
	switch {
	case status == http.StatusTooManyRequests && msg == "":
		t.errorPage(w, status, "too_many_attempts", "Too many invalid codes; reload the page to start again.")
		return
	case d == nil:
		page.Error = msg
		t.render(w, status, "activate", page)
		return
	}
	if !loggedIn {
		var lerr *loginError
		if u, lerr = t.login("", f.Get("username"), f.Get("password"), remoteIP(r)); lerr == nil {
			lerr = errMFARequired(u) // the activation page has no MFA step
		}
		if lerr != nil {
			page.Error = lerr.desc
			t.render(w, lerr.pageStatus(), "activate", page)
			return
		}
		sess = session{userID: u.ID, authTime: t.now()}
		t.startSession(w, r, sess)
	}
	id := randomToken(24)
	t.mu.Lock()
	delete(t.activations, state)
	capMap(t.activations)
	t.activations[id] = &activation{browser: act.browser, expires: now.Add(txLifetime), device: dh, userID: u.ID, session: sess}
	t.mu.Unlock()
	c := t.clients[d.clientID]
	name := c.Name
	if name == "" {
		name = c.ID
	}
	t.render(w, http.StatusOK, "activate_confirm", confirmData{
		Action: "activate", State: id, Client: name, User: u.Email, UserCode: d.userCode, Audience: d.audience, Scopes: d.scopes,
	})
}

// checkUserCode looks a user code up by index and counts a wrong one against
// the activation state and the tenant. It returns the pending device (and
// its hash), or the status and message to show; a 429 with no message means
// the activation transaction is used up.
func (t *Tenant) checkUserCode(state, code string, now time.Time) (string, *deviceAuth, int, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.Sub(t.codeFailuresSince) >= codeFailureWindow {
		t.codeFailuresSince, t.codeFailures = now, 0
	}
	if t.codeFailures >= maxCodeFailuresPerTenant {
		return "", nil, http.StatusTooManyRequests, "Too many invalid codes were entered on this tenant; try again later."
	}
	dh := t.userCodes[code]
	d := t.devices[dh]
	if d != nil && d.userCode == code && d.state == devicePending && now.Before(d.expires) {
		return dh, d, http.StatusOK, ""
	}
	t.codeFailures++
	if a := t.activations[state]; a != nil {
		a.failures++
		if a.failures >= maxCodeAttemptsPerActivation {
			delete(t.activations, state)
			t.log.Warn("devtenant: activation transaction ended after wrong user codes")
			return "", nil, http.StatusTooManyRequests, ""
		}
	}
	return "", nil, http.StatusBadRequest, "Invalid or expired code."
}

// confirmActivation handles the confirmation page's answer. The session must
// still be the user who entered the code.
func (t *Tenant) confirmActivation(w http.ResponseWriter, r *http.Request, state string, a activation, action string) {
	if action != "confirm" && action != "deny" {
		t.errorPage(w, http.StatusBadRequest, "invalid_request", "Missing or unknown action: confirm or deny.")
		return
	}
	if u, _, _, ok := t.sessionUser(r); !ok || u.ID != a.userID {
		t.errorPage(w, http.StatusForbidden, "access_denied", "You are no longer logged in as the user who entered the code; start again.")
		return
	}
	now := t.now()
	t.mu.Lock()
	delete(t.activations, state) // one answer per confirmation
	d := t.devices[a.device]
	ok := d != nil && d.state == devicePending && now.Before(d.expires)
	if ok {
		if action == "confirm" {
			d.state, d.userID = deviceApproved, a.userID
			d.auth = &authInfo{time: a.session.authTime, methods: []string{methodPassword}}
			if a.session.mfa {
				d.auth.methods = append(d.auth.methods, methodMFA)
			}
		} else {
			d.state = deviceDenied
		}
		delete(t.userCodes, d.userCode)
	}
	t.mu.Unlock()
	page := activateData{Action: "activate"}
	switch {
	case !ok:
		t.errorPage(w, http.StatusBadRequest, "invalid_request", "Invalid or expired code.")
		return
	case action == "confirm":
		page.Done = "Congratulations, you're all set! Your device is now connected."
	default:
		page.Done = "You cancelled the device login."
	}
	t.render(w, http.StatusOK, "activate", page)
}

// newActivation starts an activation-form transaction for the browser.
func (t *Tenant) newActivation(browser string) string {
	id := randomToken(24)
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for k, a := range t.activations {
		if !now.Before(a.expires) {
			delete(t.activations, k)
		}
	}
	capMap(t.activations)
	t.activations[id] = &activation{browser: browser, expires: now.Add(txLifetime)}
	return id
}

package devtenant

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Lifetimes of the browser-flow state.
const (
	txLifetime      = 10 * time.Minute
	codeLifetime    = 10 * time.Minute
	sessionLifetime = 24 * time.Hour
	sessionCookie   = "devtenant_session"
)

// authTx is an /authorize request waiting for the user to log in.
type authTx struct {
	clientID, redirectURI, audience string
	responseType                    map[string]bool
	responseMode, scope, state      string
	nonce, challenge, method        string
	browser                         string // hash of the binding cookie of the browser that opened it
	expires                         time.Time
	acrValues                       []string
	maxAge                          int // seconds; -1 when not sent
	prompt                          string
	org                             *organization

	// The MFA step, once the user is known: mfaUser is set while it waits.
	mfaUser, mfaCode string
	mfaSession       string // the live session to upgrade (a step-up), or ""
	mfaTries         int
	mfaIssued        time.Time
}

// authCode is an issued authorization code.
type authCode struct {
	clientID, redirectURI, userID, audience string
	nonce, challenge, method                string
	scopes                                  []string
	expires                                 time.Time
	auth                                    *authInfo
}

// session is a logged-in browser: who, and how and when they last
// authenticated.
type session struct {
	userID   string
	expires  time.Time
	authTime time.Time // the last active authentication (password or MFA)
	mfa      bool      // MFA was done in this session
}

// handleAuthorize is GET /authorize. Errors about the client or redirect_uri
// render an error page (redirecting to an unchecked URL would be an open
// redirect); all others redirect back with error and error_description.
func (t *Tenant) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c := t.clients[q.Get("client_id")]
	if c == nil {
		if q.Get("client_id") == "" {
			t.errorPage(w, http.StatusBadRequest, "invalid_request", "Missing required parameter: client_id")
		} else {
			t.errorPage(w, http.StatusBadRequest, "invalid_request", "Unknown client: "+q.Get("client_id"))
		}
		return
	}
	redirect := q.Get("redirect_uri")
	if redirect == "" && len(c.callbacks) > 0 && !c.callbacks[0].anyPort {
		redirect = c.callbacks[0].raw // Auth0 falls back to the first callback
	}
	if !c.callbackAllowed(redirect) {
		t.errorPage(w, http.StatusBadRequest, "Callback URL mismatch.",
			"The provided redirect_uri is not in the list of allowed callback URLs. Please go to the Application Settings page and make sure you are sending a valid callback url from your application.")
		return
	}
	tx := &authTx{
		clientID: c.ID, redirectURI: redirect, responseType: map[string]bool{},
		responseMode: q.Get("response_mode"), scope: q.Get("scope"), state: q.Get("state"),
		nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), method: q.Get("code_challenge_method"),
	}
	for _, rt := range strings.Fields(q.Get("response_type")) {
		tx.responseType[rt] = true
	}
	if code, desc := t.checkAuthorize(c, tx, q); code != "" {
		t.redirectResult(w, tx, url.Values{"error": {code}, "error_description": {desc}})
		return
	}
	u, s, key, loggedIn := t.sessionUser(r)
	// A login is needed without a session, with prompt=login, or when the
	// session's last authentication is older than max_age (0: always).
	needLogin := !loggedIn || tx.prompt == "login"
	if loggedIn && tx.maxAge >= 0 {
		if age := t.now().Sub(s.authTime); tx.maxAge == 0 || age > time.Duration(tx.maxAge)*time.Second {
			needLogin = true
		}
	}
	if !needLogin {
		if tx.org != nil && !tx.org.isMember(u.ID) {
			code, desc := errNotMember(u.ID, tx.org)
			t.redirectResult(w, tx, url.Values{"error": {code}, "error_description": {desc}})
			return
		}
		if !s.mfa && (wantsMFA(tx.acrValues) || u.MFAEnrolled) {
			if tx.prompt == "none" {
				t.redirectResult(w, tx, url.Values{"error": {"interaction_required"}, "error_description": {"Multifactor authentication required"}})
				return
			}
			// A step-up: the session's user only adds the second factor.
			t.startMFA(w, t.pendTx(w, r, tx), tx, u, key)
			return
		}
		t.completeAuthorize(w, tx, u, s)
		return
	}
	if tx.prompt == "none" {
		t.redirectResult(w, tx, url.Values{"error": {"login_required"}, "error_description": {"Login required"}})
		return
	}
	id := t.pendTx(w, r, tx)
	t.render(w, http.StatusOK, "login", t.loginPage(c, tx, "u/login", id, "", ""))
}

// pendTx stores tx, bound to the browser, until the user logs in.
func (t *Tenant) pendTx(w http.ResponseWriter, r *http.Request, tx *authTx) string {
	tx.expires = t.now().Add(txLifetime)
	tx.browser = t.bindBrowser(w, r)
	id := randomToken(24)
	t.mu.Lock()
	t.sweepLocked()
	capMap(t.txs)
	t.txs[id] = tx
	t.mu.Unlock()
	return id
}

// checkAuthorize validates an /authorize request whose redirect_uri is known
// good; it returns an OAuth error code and description, or "".
func (t *Tenant) checkAuthorize(c *client, tx *authTx, q url.Values) (string, string) {
	rt := tx.responseType
	switch {
	case len(rt) == 0:
		return "invalid_request", "Missing required parameter: response_type"
	case len(rt) == 1 && rt["code"]:
	case !rt["code"] && (rt["token"] || rt["id_token"]) && len(rt) <= 2 && (len(rt) == 1 || (rt["token"] && rt["id_token"])):
	default:
		return "unsupported_response_type", "Unsupported response type: " + q.Get("response_type")
	}
	grant := grantImplicit
	if rt["code"] {
		grant = grantAuthorizationCode
	}
	if !c.grantTypes[grant] {
		return "unauthorized_client", "Grant type '" + grant + "' not allowed for the client."
	}
	switch tx.responseMode {
	case "", "fragment", "form_post":
	case "query":
		if !rt["code"] {
			tx.responseMode = ""
			return "invalid_request", "response_mode=query is not allowed with response_type " + q.Get("response_type")
		}
	default:
		tx.responseMode = ""
		return "invalid_request", "Unsupported response_mode: " + q.Get("response_mode")
	}
	if rt["id_token"] && tx.nonce == "" {
		return "invalid_request", "Nonce is required for implicit flow using id_token"
	}
	if code, desc := t.checkPKCE(c, tx); code != "" {
		return code, desc
	}
	aud := q.Get("audience")
	if aud == "" {
		aud = t.cfg.DefaultAudience
	}
	if aud != "" && t.apis[aud] == nil {
		return "access_denied", "Service not enabled within domain: " + aud
	}
	tx.audience = aud
	tx.prompt = q.Get("prompt")
	tx.acrValues = strings.Fields(q.Get("acr_values"))
	tx.maxAge = -1
	if v := q.Get("max_age"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return "invalid_request", "max_age must be a non-negative integer (seconds)"
		}
		tx.maxAge = n
	}
	if v := q.Get("organization"); v != "" {
		if tx.org = t.org(v); tx.org == nil {
			return "invalid_request", "parameter organization is invalid: no organization " + strconv.Quote(v)
		}
	}
	return "", ""
}

func (c *client) callbackAllowed(raw string) bool {
	if raw == "" {
		return false
	}
	for _, p := range c.callbacks {
		if p.match(raw) {
			return true
		}
	}
	return false
}

// handleLogin is POST /u/login, the login form.
func (t *Tenant) handleLogin(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		t.errorPage(w, http.StatusBadRequest, "invalid_request", "Invalid form.")
		return
	}
	id := r.PostForm.Get("state")
	t.mu.Lock()
	tx := t.txs[id]
	if tx != nil && !t.now().Before(tx.expires) {
		delete(t.txs, id)
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
	c := t.clients[tx.clientID]
	if tx.mfaUser != "" {
		// The password step is done; only the code is awaited.
		t.errorPage(w, http.StatusBadRequest, "invalid_request", "Invalid or expired login transaction; start the login again.")
		return
	}
	u, lerr := t.login("", r.PostForm.Get("username"), r.PostForm.Get("password"), remoteIP(r))
	if lerr != nil {
		t.log.Info("devtenant: failed login", "client_id", c.ID, "error", lerr.code)
		t.render(w, lerr.pageStatus(), "login", t.loginPage(c, tx, "login", id, r.PostForm.Get("username"), lerr.desc))
		return
	}
	if tx.org != nil && !tx.org.isMember(u.ID) {
		t.mu.Lock()
		delete(t.txs, id)
		t.mu.Unlock()
		t.log.Info("devtenant: login refused: not a member of the organization", "user_id", u.ID, "org_id", tx.org.ID)
		code, desc := errNotMember(u.ID, tx.org)
		t.redirectResult(w, tx, url.Values{"error": {code}, "error_description": {desc}})
		return
	}
	if u.MFAEnrolled || wantsMFA(tx.acrValues) {
		t.startMFA(w, id, tx, u, "")
		return
	}
	t.mu.Lock()
	delete(t.txs, id)
	t.mu.Unlock()
	s := session{userID: u.ID, authTime: t.now()}
	t.startSession(w, r, s)
	t.completeAuthorize(w, tx, u, s)
}

type loginData struct {
	Client, Org, Action, State, Username, Error string
	Hints                                       []string
}

// loginPage fills the login form; action is relative to the page's URL, so
// the tenant also works mounted under a path prefix.
func (t *Tenant) loginPage(c *client, tx *authTx, action, state, username, errMsg string) loginData {
	name := c.Name
	if name == "" {
		name = c.ID
	}
	d := loginData{Client: name, Action: action, State: state, Username: username, Error: errMsg, Hints: t.userHints()}
	if tx.org != nil {
		d.Org = tx.org.DisplayName
		if d.Org == "" {
			d.Org = tx.org.Name
		}
	}
	return d
}

// completeAuthorize answers a logged-in /authorize: a code, or tokens. s is
// the browser's session, which says how and when the user authenticated.
func (t *Tenant) completeAuthorize(w http.ResponseWriter, tx *authTx, u User, s session) {
	c := t.clients[tx.clientID]
	scopes := scopeList(tx.scope)
	methods := []string{methodPassword}
	if s.mfa {
		methods = append(methods, methodMFA)
	}
	auth := &authInfo{
		time: s.authTime, methods: methods, acr: loginACR(tx.acrValues, s.mfa),
		acrAsked: len(tx.acrValues) > 0, org: tx.org,
	}
	res := url.Values{}
	if tx.responseType["code"] {
		code := randomToken(32)
		t.mu.Lock()
		capMap(t.codes)
		t.codes[hashToken(code)] = &authCode{
			clientID: c.ID, redirectURI: tx.redirectURI, userID: u.ID, audience: tx.audience,
			nonce: tx.nonce, challenge: tx.challenge, method: tx.method, scopes: scopes,
			expires: t.now().Add(codeLifetime), auth: auth,
		}
		t.mu.Unlock()
		res.Set("code", code)
	} else {
		if tx.responseType["id_token"] && !contains(scopes, "openid") {
			scopes = append([]string{"openid"}, scopes...)
		}
		resp, _, terr := t.userTokens(c, u, tx.audience, scopes, tx.nonce, "", auth, false, "")
		if terr != nil {
			res.Set("error", terr.code)
			res.Set("error_description", terr.desc)
		} else {
			if tx.responseType["token"] {
				res.Set("access_token", resp.AccessToken)
				res.Set("token_type", "Bearer")
				res.Set("expires_in", strconv.FormatInt(resp.ExpiresIn, 10))
				if resp.Scope != "" {
					res.Set("scope", resp.Scope)
				}
			}
			if tx.responseType["id_token"] {
				res.Set("id_token", resp.IDToken)
			}
		}
	}
	t.redirectResult(w, tx, res)
}

// redirectResult sends res (plus state) to the redirect_uri in the response mode.
func (t *Tenant) redirectResult(w http.ResponseWriter, tx *authTx, res url.Values) {
	if tx.state != "" {
		res.Set("state", tx.state)
	}
	mode := tx.responseMode
	if mode == "" {
		mode = "fragment"
		if tx.responseType["code"] {
			mode = "query"
		}
	}
	switch mode {
	case "form_post":
		fields := map[string]string{}
		for k := range res {
			fields[k] = res.Get(k)
		}
		t.render(w, http.StatusOK, "form_post", struct {
			Action string
			Fields map[string]string
		}{tx.redirectURI, fields})
	case "query":
		sep := "?"
		if strings.Contains(tx.redirectURI, "?") {
			sep = "&"
		}
		w.Header().Set("Location", tx.redirectURI+sep+res.Encode())
		w.WriteHeader(http.StatusFound)
	default:
		w.Header().Set("Location", tx.redirectURI+"#"+res.Encode())
		w.WriteHeader(http.StatusFound)
	}
}

// startSession logs the browser in with s, ending the session it had.
func (t *Tenant) startSession(w http.ResponseWriter, r *http.Request, s session) {
	id := randomToken(24)
	s.expires = t.now().Add(sessionLifetime)
	t.mu.Lock()
	t.sweepLocked()
	if ck, err := r.Cookie(sessionCookie); err == nil {
		delete(t.sessions, hashToken(ck.Value))
	}
	capMap(t.sessions)
	t.sessions[hashToken(id)] = s
	t.mu.Unlock()
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: id, Path: "/", HttpOnly: true,
		Secure: strings.HasPrefix(t.issuer, "https://"), SameSite: http.SameSiteLaxMode,
		MaxAge: int(sessionLifetime / time.Second),
	})
}

// sessionUser returns the logged-in user of the browser, if any, with the
// session and its key.
func (t *Tenant) sessionUser(r *http.Request) (User, session, string, bool) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return User{}, session{}, "", false
	}
	key := hashToken(ck.Value)
	t.mu.Lock()
	s, ok := t.sessions[key]
	t.mu.Unlock()
	if !ok || !t.now().Before(s.expires) {
		return User{}, session{}, "", false
	}
	u, ok := t.user(s.userID)
	return u, s, key, ok
}

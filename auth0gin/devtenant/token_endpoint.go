package devtenant

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"time"
)

// tokenResponse is the /oauth/token success body.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
	ExpiresIn    int64  `json:"expires_in"`
	TokenType    string `json:"token_type"`
}

// handleToken is POST /oauth/token.
func (t *Tenant) handleToken(w http.ResponseWriter, r *http.Request) {
	p, err := params(r)
	if err != nil {
		writeBodyError(w, err)
		return
	}
	gt := p.Get("grant_type")
	var resp tokenResponse
	jkt, terr := t.tokenProof(w, r)
	switch {
	case terr != nil:
	case gt == "":
		terr = errInvalidRequest("Missing required parameter: grant_type")
	case gt == grantPassword || gt == grantPasswordRealm:
		resp, terr = t.grantPassword(r, p, gt, jkt)
	case gt == grantClientCredentials:
		resp, terr = t.grantClientCredentials(r, p, jkt)
	case gt == grantAuthorizationCode:
		resp, terr = t.grantAuthorizationCode(r, p, jkt)
	case gt == grantRefreshToken:
		resp, terr = t.grantRefreshToken(r, p, jkt)
	case gt == grantDeviceCode:
		resp, terr = t.grantDeviceCode(r, p, jkt)
	default:
		terr = &tokenError{http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type: " + gt}
	}
	t.stats.grant(gt, terr == nil)
	if terr != nil {
		if terr.code == "invalid_client" {
			w.Header().Set("WWW-Authenticate", `Basic realm="devtenant"`)
		}
		terr.write(w)
		return
	}
	resp.TokenType = tokenType(jkt)
	writeJSON(w, http.StatusOK, resp)
}

// authenticateClient finds the client of the request (HTTP Basic or body) and
// checks its secret when it is confidential; then that it may use grant.
func (t *Tenant) authenticateClient(r *http.Request, p url.Values, grant string) (*client, *tokenError) {
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = p.Get("client_id"), p.Get("client_secret")
	}
	if id == "" {
		return nil, errInvalidRequest("Missing required parameter: client_id")
	}
	c := t.clients[id]
	if c == nil {
		return nil, &tokenError{http.StatusUnauthorized, "invalid_client", "Client authentication failed."}
	}
	if c.Secret != "" && subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) != 1 {
		return nil, &tokenError{http.StatusUnauthorized, "invalid_client", "Client authentication failed."}
	}
	if grant != "" && !c.allows(grant) {
		return nil, &tokenError{http.StatusForbidden, "unauthorized_client", "Grant type '" + grant + "' not allowed for the client."}
	}
	return c, nil
}

func (c *client) allows(grant string) bool {
	if grant == grantPasswordRealm {
		return c.grantTypes[grantPassword] || c.grantTypes[grantPasswordRealm]
	}
	return c.grantTypes[grant]
}

// audience resolves the requested audience: "" with no default audience
// means no API (an opaque token).
func (t *Tenant) audience(p url.Values) (string, *tokenError) {
	aud := p.Get("audience")
	if aud == "" {
		aud = t.cfg.DefaultAudience
	}
	if aud != "" && t.apis[aud] == nil {
		return "", errServiceNotEnabled(aud)
	}
	return aud, nil
}

func (t *Tenant) grantPassword(r *http.Request, p url.Values, gt, jkt string) (tokenResponse, *tokenError) {
	c, terr := t.authenticateClient(r, p, gt)
	if terr != nil {
		return tokenResponse{}, terr
	}
	for _, k := range []string{"username", "password"} {
		if p.Get(k) == "" {
			return tokenResponse{}, errInvalidRequest("Missing required parameter: " + k)
		}
	}
	realm := ""
	if gt == grantPasswordRealm {
		if realm = p.Get("realm"); realm == "" {
			return tokenResponse{}, errInvalidRequest("Missing required parameter: realm")
		}
	}
	aud, terr := t.audience(p)
	if terr != nil {
		return tokenResponse{}, terr
	}
	u, terr := t.login(realm, p.Get("username"), p.Get("password"), endUserIP(r, c))
	if terr == nil {
		terr = errMFARequired(u)
	}
	if terr != nil {
		t.log.Info("devtenant: failed login", "client_id", c.ID, "error", terr.code)
		return tokenResponse{}, terr
	}
	// The password grant has no acr_values, max_age or organization: the
	// password alone, now.
	auth := &authInfo{time: t.now(), methods: []string{methodPassword}}
	return t.issueForUser(c, u, aud, scopeList(p.Get("scope")), "", "password", auth, jkt)
}

func (t *Tenant) grantClientCredentials(r *http.Request, p url.Values, jkt string) (tokenResponse, *tokenError) {
	c, terr := t.authenticateClient(r, p, grantClientCredentials)
	if terr != nil {
		return tokenResponse{}, terr
	}
	if c.Secret == "" {
		return tokenResponse{}, &tokenError{http.StatusUnauthorized, "invalid_client", "Client authentication failed."}
	}
	aud, terr := t.audience(p)
	if terr != nil {
		return tokenResponse{}, terr
	}
	if aud == "" {
		return tokenResponse{}, &tokenError{http.StatusForbidden, "access_denied", "No audience parameter was provided, and no default audience has been configured"}
	}
	a := t.apis[aud]
	scopes, terr := clientScopes(c, aud, scopeList(p.Get("scope")), nil, false)
	if terr != nil {
		return tokenResponse{}, terr
	}
	now := t.now()
	g := accessGrant{clientID: c.ID, sub: c.ID + "@clients", api: a, scopes: scopes, gty: "client-credentials", iat: now, exp: now.Add(a.lifetime), jkt: jkt}
	if a.RBAC && a.AddPermissionsInToken {
		g.permissions = append([]string{}, scopes...)
	}
	tok, err := t.signAccess(g)
	if err != nil {
		return tokenResponse{}, t.serverError(err)
	}
	return tokenResponse{AccessToken: tok, ExpiresIn: int64(a.lifetime / time.Second)}, nil
}

// issueForUser answers a user grant: an access token for aud (opaque when
// empty), an ID token with openid, and a new refresh-token family when
// offline_access was granted and the client may refresh. jkt, when set,
// binds the access token to that DPoP key, and the refresh token too when
// the client is public (RFC 9449 §5): a confidential client's refresh token
// is bound by its client authentication already.
func (t *Tenant) issueForUser(c *client, u User, aud string, requested []string, nonce, gty string, auth *authInfo, jkt string) (tokenResponse, *tokenError) {
	resp, scopes, terr := t.userTokens(c, u, aud, requested, nonce, gty, auth, false, jkt)
	if terr != nil {
		return resp, terr
	}
	if contains(scopes, "offline_access") && c.grantTypes[grantRefreshToken] {
		rtJKT := ""
		if c.Secret == "" {
			rtJKT = jkt
		}
		resp.RefreshToken = t.newRefreshFamily(c.ID, u.ID, aud, requested, auth, rtJKT)
	}
	return resp, nil
}

// userTokens mints the access and ID tokens of a user grant and returns the
// granted scopes. auth says how the user authenticated (nil: nothing to
// say); refreshed marks a refresh grant's ID token, which Auth0 issues
// without amr and acr. jkt, when set, binds the access token (cnf.jkt).
func (t *Tenant) userTokens(c *client, u User, aud string, requested []string, nonce, gty string, auth *authInfo, refreshed bool, jkt string) (tokenResponse, []string, *tokenError) {
	if auth != nil && auth.org != nil {
		// Through an organization, the user's roles are those held there,
		// as an Action sees them in event.authorization.roles.
		u.Roles = append([]string(nil), auth.org.members[u.ID]...)
	}
	a := t.apis[aud]
	var perms []string
	if a != nil {
		perms = u.Permissions[aud]
	}
	scopes, permissions := userScopes(a, perms, requested)
	now := t.now()
	lifetime := t.cfg.AccessTokenLifetime
	if a != nil {
		lifetime = a.lifetime
	}
	tok, err := t.signAccess(accessGrant{
		clientID: c.ID, user: &u, sub: u.ID, api: a, scopes: scopes, permissions: permissions,
		gty: gty, iat: now, exp: now.Add(lifetime), auth: auth, jkt: jkt,
	})
	if err != nil {
		return tokenResponse{}, nil, t.serverError(err)
	}
	resp := tokenResponse{AccessToken: tok, ExpiresIn: int64(lifetime / time.Second)}
	if len(scopes) > 0 {
		resp.Scope = joinScopes(scopes)
	}
	if contains(scopes, "openid") {
		if resp.IDToken, err = t.signIDToken(u, c.ID, scopes, nonce, now, auth, refreshed); err != nil {
			return tokenResponse{}, nil, t.serverError(err)
		}
	}
	return resp, scopes, nil
}

func (t *Tenant) serverError(err error) *tokenError {
	t.log.Error("devtenant: issuing tokens failed", "err", err)
	return &tokenError{http.StatusInternalServerError, "server_error", "Internal error."}
}

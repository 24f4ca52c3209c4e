package devtenant

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// TokenRequest describes an access token for IssueToken. The zero value asks
// for nothing valid: set User (or Subject), or ClientCredentials.
type TokenRequest struct {
	// User is the email or ID of a configured user; the token carries the
	// user's ID, permissions and custom claims.
	User string
	// Subject overrides `sub`. Without User it mints a token for a user the
	// tenant does not know (no permissions unless Permissions is set).
	Subject string
	// Email overrides the user's email for the custom claims.
	Email string
	// ClientCredentials mints a machine-to-machine token (sub
	// "<client>@clients", gty "client-credentials") for ClientID.
	ClientCredentials bool
	// ClientID is the client the token is for (azp). Default: SPAClient.ID
	// for users, M2MClient.ID for client credentials, when configured;
	// otherwise the first client of a fitting type.
	ClientID string
	// Audience is the API; default Config.DefaultAudience, else the first
	// configured API.
	Audience string
	// Scopes are the requested scopes; nil requests every scope the API
	// defines. They are then granted as the token endpoint would: for a user of
	// an RBAC API, only those among the user's permissions; for a client, only
	// those of its client grant (asking for more is an error, as on Auth0).
	Scopes []string
	// Permissions, when not nil, replaces the user's permissions (or the
	// client's grant) for the audience: "a user granted exactly these".
	Permissions []string
	// OpenID also asks for "openid": `aud` becomes [audience, "<issuer>userinfo"].
	OpenID bool
	// Claims are extra custom claims, subject to Auth0's rules (restricted
	// names and auth0.com namespaces are dropped). They win over the
	// configured ExtraClaims.
	Claims map[string]any
	// GrantType is the `gty` claim; default none for users (the /authorize
	// flows set none) and "client-credentials" for client credentials.
	GrantType string
	// IssuedAt is `iat` (default: the tenant's clock).
	IssuedAt time.Time
	// ExpiresIn is the lifetime (default: the API's token lifetime).
	ExpiresIn time.Duration
	// ExpiresAt, when set, is `exp` itself and may be in the past.
	ExpiresAt time.Time
	// KeyID signs with that key of the JWKS (current, next or previous);
	// default the current key.
	KeyID string

	// AuthTime, ACR and AMR describe the user's login for the step-up claims
	// Config.AuthTimeClaim, ACRClaim and AMRClaim name (with Default:
	// "https://example.com/auth_time", …/acr, …/amr). Each is left out of
	// the token when zero, so a test can mint a token from a login without
	// them. AMR uses Auth0's method names: "pwd", "mfa".
	AuthTime time.Time
	ACR      string
	AMR      []string
	// OrgID and OrgName issue the token as through a login to an
	// organization: they are stamped as org_id and org_name exactly as given
	// (each left out when empty; Config.OrgNameInTokens does not apply), so
	// a test can name organizations the tenant does not know. When OrgID is
	// one of Config.Organizations and the token is for one of the tenant's
	// users (User), the user must be a member, and the token carries the
	// member's roles there; a Subject alone is taken as given.
	OrgID, OrgName string
	// JKT binds the token to a DPoP key (RFC 9449 §6.1): the RFC 7638
	// SHA-256 thumbprint of the key, base64url, written as cnf.jkt. The
	// guards then want each request to carry a proof of that key.
	JKT string
}

// IssueToken mints an access token directly, exactly as the token endpoint
// would for the same user, client, audience and scopes. It is meant for tests
// (see package auth0test). Errors wrap the reason, e.g. an unknown audience.
func (t *Tenant) IssueToken(ctx context.Context, req TokenRequest) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	aud := req.Audience
	if aud == "" {
		aud = t.cfg.DefaultAudience
	}
	if aud == "" && len(t.cfg.APIs) > 0 {
		aud = t.expandIssuer(t.cfg.APIs[0].Identifier)
	}
	a := t.apis[aud]
	if a == nil {
		return "", fmt.Errorf("devtenant: Service not enabled within domain: %s", aud)
	}
	iat := req.IssuedAt
	if iat.IsZero() {
		iat = t.now()
	}
	exp := iat.Add(a.lifetime)
	if req.ExpiresIn != 0 {
		exp = iat.Add(req.ExpiresIn)
	}
	if !req.ExpiresAt.IsZero() {
		exp = req.ExpiresAt
	}
	requested := req.Scopes
	if requested == nil {
		for _, s := range a.Scopes {
			requested = append(requested, s.Name)
		}
	}
	if req.OpenID && !contains(requested, "openid") {
		requested = append([]string{"openid"}, requested...)
	}
	g := accessGrant{api: a, iat: iat, exp: exp, kid: req.KeyID, extra: req.Claims, gty: req.GrantType, jkt: req.JKT}

	if req.ClientCredentials {
		c, err := t.pickClient(req.ClientID, M2MClient.ID, clientM2M)
		if err != nil {
			return "", err
		}
		scopes, terr := clientScopes(c, aud, requested, req.Permissions, req.Scopes == nil)
		if terr != nil {
			return "", fmt.Errorf("devtenant: %s", terr.desc)
		}
		g.clientID, g.sub, g.scopes = c.ID, c.ID+"@clients", scopes
		if a.RBAC && a.AddPermissionsInToken {
			g.permissions = append([]string{}, scopes...)
		}
		if g.gty == "" {
			g.gty = "client-credentials"
		}
		return t.signAccess(g)
	}

	c, err := t.pickClient(req.ClientID, SPAClient.ID, "")
	if err != nil {
		return "", err
	}
	var u User
	switch {
	case req.User != "":
		var ok bool
		if u, ok = t.user(req.User); !ok {
			t.mu.Lock()
			rec := t.users.byEmail("", req.User)
			if rec != nil {
				u = cloneUser(rec.User)
			}
			t.mu.Unlock()
			if rec == nil {
				return "", fmt.Errorf("devtenant: no user %q", req.User)
			}
		}
	case req.Subject != "":
		u = User{ID: req.Subject}
	default:
		return "", errors.New("devtenant: TokenRequest needs a User, a Subject or ClientCredentials")
	}
	if req.Subject != "" {
		u.ID = req.Subject
	}
	if req.Email != "" {
		u.Email = req.Email
	}
	perms := u.Permissions[aud]
	if req.Permissions != nil {
		perms = req.Permissions
		if u.Permissions == nil {
			u.Permissions = map[string][]string{}
		}
		u.Permissions[aud] = perms
	}
	g.clientID, g.user, g.sub = c.ID, &u, u.ID
	g.scopes, g.permissions = userScopes(a, perms, requested)
	g.auth = &authInfo{time: req.AuthTime, acr: req.ACR, methods: req.AMR}
	// A Subject alone names a user the test invents (auth0test.CheckContract
	// mints for one): like an organization the tenant does not know, it is
	// taken as given. A user of the tenant must be a member.
	if o := t.org(req.OrgID); o != nil && o.ID == req.OrgID && req.User != "" {
		if !o.isMember(u.ID) {
			return "", fmt.Errorf("devtenant: %s is not a member of organization %s (%s)", u.ID, o.ID, o.Name)
		}
		u.Roles = append([]string(nil), o.members[u.ID]...)
	}
	g.orgID, g.orgName = req.OrgID, req.OrgName
	return t.signAccess(g)
}

// pickClient returns client id, or the preferred default, or the first client
// of type typ ("" any non-M2M type).
func (t *Tenant) pickClient(id, preferred string, typ string) (*client, error) {
	if id != "" {
		if c := t.clients[id]; c != nil {
			return c, nil
		}
		return nil, fmt.Errorf("devtenant: no client %q", id)
	}
	if c := t.clients[preferred]; c != nil {
		return c, nil
	}
	for _, cc := range t.cfg.Clients {
		if (typ == "" && cc.Type != clientM2M) || (typ != "" && cc.Type == typ) {
			return t.clients[cc.ID], nil
		}
	}
	return nil, errors.New("devtenant: no fitting client configured")
}

// tokenError is an Authentication API error.
type tokenError struct {
	status     int
	code, desc string
}

// write answers the error. mfa_required carries an mfa_token as on Auth0;
// the tenant has no MFA API, so it is random and leads nowhere.
func (e *tokenError) write(w http.ResponseWriter) {
	body := oauthError{Error: e.code, Description: e.desc}
	if e.code == "mfa_required" {
		body.MFAToken = randomToken(24)
	}
	writeJSON(w, e.status, body)
}

func errInvalidGrant(desc string) *tokenError {
	return &tokenError{http.StatusForbidden, "invalid_grant", desc}
}

func errInvalidRequest(desc string) *tokenError {
	return &tokenError{http.StatusBadRequest, "invalid_request", desc}
}

func errServiceNotEnabled(aud string) *tokenError {
	return &tokenError{http.StatusForbidden, "access_denied", "Service not enabled within domain: " + aud}
}

// clientScopes applies a client grant: the grant's scopes (override replaces
// them), or the requested ones when all are granted.
func clientScopes(c *client, aud string, requested, override []string, all bool) ([]string, *tokenError) {
	granted, ok := c.Grants[aud]
	if override != nil {
		granted, ok = override, true
	}
	if !ok {
		return nil, &tokenError{http.StatusForbidden, "access_denied", fmt.Sprintf(
			"Client is not authorized to access %q. You need to create a \"client-grant\" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants", aud)}
	}
	if all || len(requested) == 0 {
		return append([]string(nil), granted...), nil
	}
	var missing, scopes []string
	for _, s := range requested {
		if contains(granted, s) {
			scopes = append(scopes, s)
		} else if !isOIDCScope(s) {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		return nil, &tokenError{http.StatusForbidden, "access_denied", "Client has not been granted scopes: " + strings.Join(missing, ", ")}
	}
	return scopes, nil
}

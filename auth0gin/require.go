package auth0gin

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// A Requirement is one condition a route puts on its caller. Combine several
// in Require or Middleware: all of them must hold.
type Requirement struct {
	kind   reqKind
	values []string
	within time.Duration // ExpiredWithin
}

type reqKind int

const (
	reqAllScopes reqKind = iota
	reqAnyScope
	reqAnyRole
	reqOptional
	reqExpiredWithin
	reqMaxAge
	reqAuthContext
	reqOrganization
)

// Scopes requires every one of the scopes; with none, any valid token will do.
func Scopes(scopes ...string) Requirement {
	return Requirement{kind: reqAllScopes, values: slices.Clone(scopes)}
}

// AnyScope requires at least one of the scopes.
func AnyScope(scopes ...string) Requirement {
	return Requirement{kind: reqAnyScope, values: slices.Clone(scopes)}
}

// Roles requires at least one of the roles, read from Config.RolesClaim.
func Roles(roles ...string) Requirement {
	return Requirement{kind: reqAnyRole, values: slices.Clone(roles)}
}

// Optional makes authentication optional (guest mode): a request without a
// token goes on with no user, while a request with an invalid token is still
// answered 401. Scope and role requirements apply only when a user is present.
func Optional() Requirement { return Requirement{kind: reqOptional} }

// ExpiredWithin accepts a bearer token whose exp passed at most d ago, checked
// otherwise in full (VerifyExpired): a refresh endpoint takes the expired
// access token as the handle of a refresh token the server holds. Such a
// route takes a bearer token only (no session cookie, no DPoP scheme), and
// its verdicts are never cached; it panics at registration under DPoP
// "required" (the route's or Config.DPoP: put DPoP("off") beside it). Never
// put it on a route that serves data.
func ExpiredWithin(d time.Duration) Requirement {
	return Requirement{kind: reqExpiredWithin, within: d}
}

// MaxAge requires a login no older than d (RFC 9470's max_age): the
// token's auth_time (Config.AuthTimeClaim) at most d ago, give or take
// Config.ClockSkew. A token without auth_time does not meet it. A token that
// fails it is answered 401 insufficient_user_authentication with max_age in
// the challenge (and acr_values, when the route also has an AuthContext), so
// the client logs in again with them; never 403. d is a whole number of
// seconds, at least one; the shortest of several MaxAge on a route counts.
func MaxAge(d time.Duration) Requirement {
	return Requirement{kind: reqMaxAge, within: d}
}

// AuthContext requires a login of one of the authentication contexts
// values: the token's acr (Config.ACRClaim) is one of them, or its amr
// (Config.AMRClaim) holds one of them as a method. "mfa", the amr method
// Auth0 writes after a multi-factor login, and Auth0's multi-factor acr
// "http://schemas.openid.net/pape/policies/2007/06/multi-factor" stand for
// each other: either claim meets either value, and the challenge asks for
// the acr, which Auth0's /authorize understands. A token that fails it is
// answered 401 insufficient_user_authentication with acr_values (RFC 9470),
// never 403. A token without acr or amr does not meet it.
//
//	auth.Require(auth0gin.AuthContext("mfa"), auth0gin.MaxAge(5*time.Minute))
func AuthContext(values ...string) Requirement {
	return Requirement{kind: reqAuthContext, values: slices.Clone(values)}
}

// Organization requires a token issued for an Auth0 organization: org ""
// means any organization; ":name" the one the request's path parameter name
// holds (Gin's c.Param, or r.PathValue under Middleware); anything else that
// very organization. A value starting with "org_" is an organization id and
// is compared with the token's org_id; another is compared with org_id and,
// case-insensitively, with the organization name (Config.OrgNameClaim). A
// token that fails it is answered 403 invalid_organization. Machine tokens
// are judged by their org_id like any (Auth0 issues one to a client given
// access to the organization); password-login tokens carry none, so they
// are refused.
func Organization(org string) Requirement {
	return Requirement{kind: reqOrganization, values: []string{org}}
}

// mfaACR is the acr Auth0 uses for a multi-factor login, and mfaAMR the amr
// method it writes after one; a route asking for either accepts both.
const (
	mfaACR = "http://schemas.openid.net/pape/policies/2007/06/multi-factor"
	mfaAMR = "mfa"
)

// guard is a compiled set of requirements.
type guard struct {
	all, any, roles []string
	optional        bool
	expiredFor      time.Duration // ExpiredWithin: exp may lie this far back
	claims          bool          // RequireClaims: custom claims are checked too (documentation only)
	// Step-up: maxAge > 0 requires auth_time within it; contexts, when not
	// empty, an acr or amr among them; acrValues is what the challenge asks
	// for (contexts with "mfa" written as Auth0's acr).
	maxAge              time.Duration
	contexts, acrValues []string
	// Organization: hasOrg requires one; org is the one ("" any), orgParam
	// the path parameter that names it.
	hasOrg        bool
	org, orgParam string
	dpop          dpopMode // DPoP: the route's policy; dpopInherit the API's
}

// compile merges requirements and checks the scopes against Config.Scopes, so
// that a typo fails when routes are registered rather than in production.
func (a *Auth0) compile(reqs []Requirement) guard {
	var g guard
	for _, r := range reqs {
		switch r.kind {
		case reqAllScopes:
			g.all = append(g.all, r.values...)
		case reqAnyScope:
			if len(r.values) == 0 {
				panic("auth0gin: AnyScope needs at least one scope")
			}
			if g.any != nil {
				panic("auth0gin: only one AnyScope per route; use Scopes for scopes that are all required")
			}
			g.any = r.values
		case reqAnyRole:
			if len(r.values) == 0 {
				panic("auth0gin: Roles needs at least one role")
			}
			if a.cfg.RolesClaim == "" {
				panic("auth0gin: Roles needs Config.RolesClaim (" + envRolesClaim + ")")
			}
			g.roles = append(g.roles, r.values...)
		case reqOptional:
			g.optional = true
		case reqExpiredWithin:
			if r.within <= 0 {
				panic("auth0gin: ExpiredWithin needs a positive duration")
			}
			g.expiredFor = r.within
		case reqMaxAge:
			if r.within < time.Second || r.within%time.Second != 0 {
				panic(fmt.Sprintf("auth0gin: MaxAge(%v): max_age is a whole number of seconds, at least one", r.within))
			}
			if g.maxAge == 0 || r.within < g.maxAge {
				g.maxAge = r.within
			}
		case reqAuthContext:
			if len(r.values) == 0 {
				panic("auth0gin: AuthContext needs at least one value")
			}
			if g.contexts != nil {
				panic("auth0gin: only one AuthContext per route")
			}
			for _, v := range r.values {
				if v == "" || strings.ContainsFunc(v, unicode.IsSpace) || quote(v) != v {
					panic(fmt.Sprintf("auth0gin: %q is not an acr value or amr method (no spaces or quotes; one per argument)", v))
				}
				g.contexts = appendNew(g.contexts, v)
				if v == mfaAMR {
					v = mfaACR
				}
				g.acrValues = appendNew(g.acrValues, v)
			}
		case reqDPoP:
			compileDPoP(&g, r)
		case reqOrganization:
			if g.hasOrg {
				panic("auth0gin: only one Organization per route")
			}
			org := r.values[0]
			g.hasOrg = true
			if name, ok := strings.CutPrefix(org, ":"); ok {
				if name == "" {
					panic("auth0gin: Organization(\":\") names no path parameter")
				}
				g.orgParam = name
			} else if strings.TrimSpace(org) != org || quote(org) != org {
				panic(fmt.Sprintf("auth0gin: Organization(%q): not an organization id or name", org))
			} else {
				g.org = org
			}
		}
	}
	if g.expiredFor > 0 && a.modeOf(&g) == dpopRequired {
		panic(expiredWithinRequired)
	}
	for _, s := range slices.Concat(g.all, g.any, g.roles) {
		if s == "" || strings.ContainsFunc(s, unicode.IsSpace) {
			panic(fmt.Sprintf("auth0gin: %q is not a scope or role name (no spaces; one name per argument)", s))
		}
	}
	if len(a.cfg.Scopes) > 0 {
		for _, s := range slices.Concat(g.all, g.any) {
			if _, ok := a.cfg.Scopes[s]; !ok {
				panic(fmt.Sprintf("auth0gin: scope %q is not declared in Config.Scopes", s))
			}
		}
	}
	return g
}

// check answers whether u satisfies the guard; org is the value of the
// guard's organization path parameter, if it has one. A missing scope or
// role is checked first, then the organization (403s: a new login would not
// change them, or only through another organization), then the login's age
// and context (a 401 challenge: a new login meets them).
func (a *Auth0) check(g *guard, u *Auth0User, org string) *AuthError {
	for _, s := range g.all {
		if !a.hasScope(u, s) {
			return forbidden("missing scope "+s, g.all)
		}
	}
	if len(g.any) > 0 && !slices.ContainsFunc(g.any, func(s string) bool { return a.hasScope(u, s) }) {
		return forbidden("needs one of the scopes", g.any)
	}
	if len(g.roles) > 0 && !slices.ContainsFunc(g.roles, u.HasRole) {
		return forbidden("needs one of the roles "+strings.Join(g.roles, ", "), nil)
	}
	if g.hasOrg {
		if ae := a.checkOrg(g, u, org); ae != nil {
			return ae
		}
	}
	if g.maxAge > 0 || len(g.contexts) > 0 {
		return a.checkLogin(g, u)
	}
	return nil
}

// checkOrg checks an Organization requirement; param is the value of its
// path parameter.
func (a *Auth0) checkOrg(g *guard, u *Auth0User, param string) *AuthError {
	want := g.org
	if g.orgParam != "" {
		if want = param; want == "" {
			return orgRefusal("the request names no organization", "")
		}
	}
	switch {
	case u.OrgID == "" && u.IsM2M():
		return orgRefusal("a machine token issued for no organization", want)
	case u.OrgID == "" && u.GrantType == "password":
		return orgRefusal("a password-login token is issued for no organization: log in through the organization", want)
	case u.OrgID == "":
		return orgRefusal("the token was issued for no organization", want)
	case want == "", u.OrgID == want:
		return nil
	case len(want) >= 4 && strings.EqualFold(want[:4], "org_"):
		// An organization id, in any case: compared with org_id alone, so
		// ORG_A can never match an organization named "org_a".
	case a.claims.orgName != "" && u.OrgName != "" && asciiEqualFold(u.OrgName, want):
		return nil
	}
	return orgRefusal("the token was issued for another organization", want)
}

// asciiEqualFold reports whether a and b are equal with ASCII letters
// compared without case and every other byte exactly: Auth0's organization
// names are lowercase ASCII, and Unicode folding would let the Kelvin sign
// stand for a "k".
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// checkLogin checks the step-up requirements: the login's age and context.
func (a *Auth0) checkLogin(g *guard, u *Auth0User) *AuthError {
	if u.IsM2M() {
		// Whatever its claims say, a client-credentials token stands for
		// no user's login.
		return &AuthError{Status: http.StatusUnauthorized, Code: codeInsufficientUserAuth,
			Description: "a machine token carries no user login", ACRValues: g.acrValues, MaxAge: g.maxAge, Err: errInsufficientUserAuth}
	}
	var why string
	if g.maxAge > 0 {
		now := time.Now()
		switch {
		case u.AuthTime.IsZero():
			why = "the token does not say when the user logged in"
		case now.Sub(u.AuthTime) > g.maxAge+a.cfg.ClockSkew || u.AuthTime.After(now.Add(a.cfg.ClockSkew)):
			why = "a login within the last " + strconv.FormatInt(int64(g.maxAge/time.Second), 10) + " seconds is required"
		}
	}
	if len(g.contexts) > 0 && !metContext(g.contexts, u) {
		if why != "" {
			why += ", with a stronger authentication"
		} else {
			why = "a stronger authentication is required"
		}
	}
	if why == "" {
		return nil
	}
	return &AuthError{Status: http.StatusUnauthorized, Code: codeInsufficientUserAuth, Description: why,
		ACRValues: g.acrValues, MaxAge: g.maxAge, Err: errInsufficientUserAuth}
}

// metContext reports whether u's acr is one of contexts or its amr holds one
// of them, "mfa" and Auth0's multi-factor acr standing for each other.
func metContext(contexts []string, u *Auth0User) bool {
	for _, v := range contexts {
		if u.ACR == v || slices.Contains(u.AMR, v) {
			return true
		}
		switch v {
		case mfaAMR:
			if u.ACR == mfaACR {
				return true
			}
		case mfaACR:
			if slices.Contains(u.AMR, mfaAMR) {
				return true
			}
		}
	}
	return false
}

func (a *Auth0) hasScope(u *Auth0User, s string) bool {
	switch a.cfg.ScopeSource {
	case ScopeClaimOnly:
		return u.HasScope(s)
	case PermissionsClaimOnly:
		return u.HasPermission(s)
	}
	return u.HasScope(s) || u.HasPermission(s)
}

// authenticate runs the whole check for one request: the token, then the
// guard. It returns a nil user and nil error for a guest on an optional route.
// org is the value of the guard's organization path parameter, if any.
//
// The token comes from the Authorization header, as Bearer or, with its
// proof, as DPoP (see Config.DPoP and the DPoP requirement). Refusals carry
// the challenges of the schemes the route accepts (RFC 9449 §7.1).
func (a *Auth0) authenticate(r *http.Request, g *guard, org string) (*Auth0User, *AuthError) {
	mode := a.modeOf(g)
	u, _, err := a.fromAuthorization(r, g, mode)
	switch {
	case err == nil:
	case err.Err != ErrMissingToken || g.expiredFor > 0:
		return nil, a.withDPoPChallenge(own(err), mode, r)
	case mode == dpopRequired:
		// DPoP only: a session cookie is a bearer credential.
		if g.optional {
			return nil, nil
		}
		return nil, a.withDPoPChallenge(own(err), mode, r)
	default:
		// No token: an attached source (a session cookie) may know the caller.
		var serr *AuthError
		if u, serr = a.fromSources(r); serr != nil {
			return nil, serr
		}
		if u == nil {
			if g.optional {
				return nil, nil
			}
			return nil, a.withDPoPChallenge(own(err), mode, r)
		}
	}
	if ae := a.check(g, u, org); ae != nil {
		return nil, a.withDPoPChallenge(ae, mode, r)
	}
	return u, nil
}

// bearer extracts the token of an `Authorization: Bearer <token>` header
// (RFC 6750 §2.1). Another scheme counts as no token; two headers or an
// empty token are malformed.
func bearer(h http.Header) (string, *AuthError) {
	token, isDPoP, err := credential(h)
	if isDPoP {
		return "", noCredential
	}
	return token, err
}

// noCredential is what credential and bearer answer for a request without
// a token of their schemes. It is shared, so that a request a session cookie
// authenticates allocates no error; whoever answers a request with it, or
// hands it to code outside the package, takes its own copy (own).
var noCredential = unauthorized(ErrMissingToken, "", nil)

// own returns err, or a new copy of it when it is the shared noCredential.
func own(err *AuthError) *AuthError {
	if err == noCredential {
		cp := *err
		return &cp
	}
	return err
}

// credential is bearer that also takes `Authorization: DPoP <token>`
// (RFC 9449 §7.1; isDPoP then reports it).
func credential(h http.Header) (token string, isDPoP bool, err *AuthError) {
	values := h["Authorization"] // net/http canonicalizes the keys it reads; Values would canonicalize this one again
	switch {
	case len(values) == 0:
		return "", false, noCredential
	case len(values) > 1:
		return "", false, unauthorized(errMalformedToken, "more than one Authorization header", nil)
	}
	v := values[0]
	scheme, token, _ := strings.Cut(v, " ")
	isDPoP = strings.EqualFold(scheme, "DPoP")
	if !isDPoP && !strings.EqualFold(scheme, "Bearer") {
		return "", false, noCredential
	}
	token = strings.TrimLeft(token, " ")
	if token == "" {
		return "", isDPoP, unauthorized(errMalformedToken, "empty bearer token", nil)
	}
	return token, isDPoP, nil
}

package auth0gin

import (
	"fmt"
	"net/http"
	"slices"
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
// route takes a bearer token only (no session cookie), and its verdicts are
// never cached. Never put it on a route that serves data.
func ExpiredWithin(d time.Duration) Requirement {
	return Requirement{kind: reqExpiredWithin, within: d}
}

// guard is a compiled set of requirements.
type guard struct {
	all, any, roles []string
	optional        bool
	expiredFor      time.Duration // ExpiredWithin: exp may lie this far back
	claims          bool          // RequireClaims: custom claims are checked too (documentation only)
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
		}
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

// check answers whether u satisfies the guard.
func (a *Auth0) check(g *guard, u *Auth0User) *AuthError {
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
	return nil
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
func (a *Auth0) authenticate(r *http.Request, g *guard) (*Auth0User, *AuthError) {
	var u *Auth0User
	token, err := bearer(r.Header)
	switch {
	case err == nil:
		var verr error
		if g.expiredFor > 0 {
			u, verr = a.VerifyExpired(r.Context(), token, g.expiredFor)
		} else {
			u, verr = a.Verify(r.Context(), token)
		}
		if verr != nil {
			return nil, asAuthError(verr)
		}
	case err.Err != ErrMissingToken || g.expiredFor > 0:
		return nil, err
	default:
		// No bearer token: an attached source (a session cookie) may know the caller.
		var serr *AuthError
		if u, serr = a.fromSources(r); serr != nil {
			return nil, serr
		}
		if u == nil {
			if g.optional {
				return nil, nil
			}
			return nil, err
		}
	}
	if ae := a.check(g, u); ae != nil {
		return nil, ae
	}
	return u, nil
}

// bearer extracts the token of an `Authorization: Bearer <token>` header
// (RFC 6750 §2.1). Another scheme counts as no token; two headers or an empty
// token are malformed.
func bearer(h http.Header) (string, *AuthError) {
	values := h.Values("Authorization")
	switch {
	case len(values) == 0:
		return "", unauthorized(ErrMissingToken, "", nil)
	case len(values) > 1:
		return "", unauthorized(errMalformedToken, "more than one Authorization header", nil)
	}
	v := values[0]
	scheme, token, _ := strings.Cut(v, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", unauthorized(ErrMissingToken, "", nil)
	}
	token = strings.TrimLeft(token, " ")
	if token == "" {
		return "", unauthorized(errMalformedToken, "empty bearer token", nil)
	}
	return token, nil
}

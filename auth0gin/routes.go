package auth0gin

import (
	"fmt"
	"net/http"
	"path"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin/internal/apidoc"
)

// Router is a Gin router that also records which requirement each route
// enforces, so that the API docs (package auth0gin/swagger) show it: the
// value that checks the request is the value that documents it. Register
// routes on it exactly as on Gin:
//
//	api := auth.Router(r)
//	api.GET("/api/public", public)
//	api.GET("/api/private-scoped", auth.RequireScopes("read:messages"), scoped)
//
// Guards (Require, RequireScopes, RequireClaims) are recognised among a route's handlers and
// among the middleware Gin runs before them (Use and Group, on the Router or
// on the *gin.Engine before the route is registered). The handlers registered are the
// ones given, unchanged: a request pays nothing for the recording.
//
// Routes registered on the *gin.Engine directly keep working and are
// enforced as always; they are simply not documented by auth0gin (the
// contract test in auth0test reports a protected route the docs miss).
//
// Router offers the methods a route table needs (Handle, GET, POST, PUT,
// PATCH, DELETE, Group, Use); register anything else (static files, HEAD,
// Any) on the Gin router underneath, where it is not documented.
type Router struct {
	auth  *Auth0
	inner gin.IRouter
	base  string // the absolute path of inner
	// used are the handlers of Use and Group, in order, for a gin.IRouter
	// other than Gin's own, whose middleware chain cannot be read.
	used gin.HandlersChain
}

// Router wraps r (a *gin.Engine or *gin.RouterGroup) so that the routes
// registered through it are documented. It records them on a; several
// Routers may share one Auth0.
func (a *Auth0) Router(r gin.IRouter) *Router {
	base := "/"
	if b, ok := r.(interface{ BasePath() string }); ok {
		base = b.BasePath()
	}
	return &Router{auth: a, inner: r, base: base}
}

// Group creates a route group, as gin's Group does; guards among handlers
// apply to, and document, every route of the group.
func (rt *Router) Group(relativePath string, handlers ...gin.HandlerFunc) *Router {
	g := rt.inner.Group(relativePath, handlers...)
	return &Router{auth: rt.auth, inner: g, base: g.BasePath(), used: slices.Concat(rt.used, handlers)}
}

// Use adds middleware, as gin's Use does; a guard among them applies to, and
// documents, the routes registered through rt after it.
func (rt *Router) Use(middleware ...gin.HandlerFunc) *Router {
	rt.inner.Use(middleware...)
	rt.used = slices.Concat(rt.used, middleware)
	return rt
}

// middleware returns the handlers every route registered next will run
// before its own: Gin's own chain for a *gin.Engine or *gin.RouterGroup, so
// that a guard given to r.Use before auth.Router(r) counts too.
func (rt *Router) middleware() gin.HandlersChain {
	switch g := rt.inner.(type) {
	case *gin.Engine:
		return g.Handlers
	case *gin.RouterGroup:
		return g.Handlers
	}
	return rt.used
}

// Handle registers a route, as gin's Handle does.
func (rt *Router) Handle(method, relativePath string, handlers ...gin.HandlerFunc) *Router {
	rt.inner.Handle(method, relativePath, handlers...)
	rt.record([]string{method}, relativePath, handlers)
	return rt
}

// GET registers a GET route.
func (rt *Router) GET(p string, h ...gin.HandlerFunc) *Router {
	return rt.Handle(http.MethodGet, p, h...)
}

// POST registers a POST route.
func (rt *Router) POST(p string, h ...gin.HandlerFunc) *Router {
	return rt.Handle(http.MethodPost, p, h...)
}

// PUT registers a PUT route.
func (rt *Router) PUT(p string, h ...gin.HandlerFunc) *Router {
	return rt.Handle(http.MethodPut, p, h...)
}

// PATCH registers a PATCH route.
func (rt *Router) PATCH(p string, h ...gin.HandlerFunc) *Router {
	return rt.Handle(http.MethodPatch, p, h...)
}

// DELETE registers a DELETE route.
func (rt *Router) DELETE(p string, h ...gin.HandlerFunc) *Router {
	return rt.Handle(http.MethodDelete, p, h...)
}

// record documents a route when a guard protects it.
func (rt *Router) record(methods []string, relativePath string, handlers []gin.HandlerFunc) {
	gs := guardsOf(slices.Concat(rt.middleware(), handlers))
	var doc *apidoc.Doc
	for _, h := range handlers {
		if d, ok := apidoc.Of(h); ok {
			doc = d
		}
	}
	if len(gs) == 0 && doc == nil {
		return
	}
	full := joinPaths(rt.base, relativePath)
	rt.auth.checkRouteDPoP(gs, full)
	for _, g := range gs {
		if g.orgParam != "" && !slices.Contains(strings.Split(full, "/"), ":"+g.orgParam) {
			panic(fmt.Sprintf("auth0gin: Organization(%q) on %s, which has no path parameter :%s", ":"+g.orgParam, full, g.orgParam))
		}
	}
	for _, m := range methods {
		op := Operation{} // a documented route with no guard is public
		if len(gs) > 0 {
			op = operationOf(gs)
			op.Guarded = true
			op.DPoP = rt.auth.routeDPoP(gs)
		}
		op.Method, op.Path, op.Doc = m, full, doc
		rt.auth.docs.add(op)
	}
}

// joinPaths joins paths as Gin does, keeping a trailing slash.
func joinPaths(abs, rel string) string {
	if rel == "" {
		return abs
	}
	p := path.Join(abs, rel)
	if strings.HasSuffix(rel, "/") && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// Operation is what a route registered through a Router requires of its
// caller: the API docs write it into the route's operation.
type Operation struct {
	// Guarded reports whether a guard protects the route; a route a flow
	// package documented (Doc) without a guard is public.
	Guarded bool
	// Doc is what a flow package of this module (session, login) wrote
	// about its own route: summary, request and responses. Nil for the
	// app's routes, which swag annotations document.
	Doc *apidoc.Doc
	// Method is the HTTP method, Path the absolute Gin path (":id", "*rest").
	Method, Path string
	// Scopes must all be held; AnyScopes, when not empty, at least one of them.
	Scopes, AnyScopes []string
	// Roles, when not empty: at least one of them (Config.RolesClaim).
	Roles []string
	// Optional: a request without a token is let through as a guest.
	Optional bool
	// Claims: the token's custom claims are checked too (RequireClaims).
	Claims bool
	// ExpiredWithin, when positive: a bearer token whose exp passed at most
	// this long ago is accepted (ExpiredWithin).
	ExpiredWithin time.Duration
	// MaxAge, when positive, and ACRValues, when not empty: the step-up
	// requirements (MaxAge, AuthContext), as the 401
	// insufficient_user_authentication challenge asks for them ("mfa"
	// written as Auth0's multi-factor acr).
	MaxAge    time.Duration
	ACRValues []string
	// OrgRequired: the token must be issued for an organization
	// (Organization): Organization names it, "" for any, ":name" for the
	// one in the path parameter name.
	OrgRequired  bool
	Organization string
	// DPoP is the route's DPoP policy when it is not the default "allowed"
	// (a Bearer or a DPoP token): "required" (only a DPoP-bound token with
	// its proof) or "off" (no DPoP scheme); Config.DPoP unless a DPoP
	// requirement sets it, the strictest of several ("required", then
	// "off").
	DPoP string
}

// Operations returns the routes registered through a's Routers, in order of
// registration; package auth0gin/swagger writes them into the served spec.
func (a *Auth0) Operations() []Operation {
	return a.docs.list()
}

// operations holds the documented routes; registration usually happens
// before serving, but a Router may be used at any time.
type operations struct {
	mu  sync.Mutex
	ops []Operation
}

func (o *operations) add(op Operation) {
	o.mu.Lock()
	defer o.mu.Unlock()
	// A route registered again (a second engine sharing the Auth0) replaces its entry.
	if i := slices.IndexFunc(o.ops, func(e Operation) bool { return e.Method == op.Method && e.Path == op.Path }); i >= 0 {
		o.ops[i] = op
		return
	}
	o.ops = append(o.ops, op)
}

func (o *operations) list() []Operation {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Operation, len(o.ops))
	for i, op := range o.ops {
		op.Scopes, op.AnyScopes, op.Roles = slices.Clone(op.Scopes), slices.Clone(op.AnyScopes), slices.Clone(op.Roles)
		op.ACRValues = slices.Clone(op.ACRValues)
		out[i] = op
	}
	return out
}

// operationOf merges the guards a request passes through: every one of them
// must admit it, so their scopes and roles add up, and guests get through
// only when every guard is optional.
func operationOf(gs []guard) Operation {
	op := Operation{Optional: true}
	for _, g := range gs {
		op.Scopes = appendNew(op.Scopes, g.all...)
		switch {
		case len(g.any) == 0:
		case len(op.AnyScopes) == 0:
			op.AnyScopes = slices.Clone(g.any)
		default: // two any-of lists: only scopes in both satisfy both for sure
			op.AnyScopes = slices.DeleteFunc(op.AnyScopes, func(s string) bool { return !slices.Contains(g.any, s) })
		}
		op.Roles = appendNew(op.Roles, g.roles...)
		op.Optional = op.Optional && g.optional
		op.Claims = op.Claims || g.claims
		if g.expiredFor > 0 && (op.ExpiredWithin == 0 || g.expiredFor < op.ExpiredWithin) {
			op.ExpiredWithin = g.expiredFor
		}
		if g.maxAge > 0 && (op.MaxAge == 0 || g.maxAge < op.MaxAge) {
			op.MaxAge = g.maxAge
		}
		switch {
		case len(g.acrValues) == 0:
		case len(op.ACRValues) == 0:
			op.ACRValues = slices.Clone(g.acrValues)
		default: // two lists: only values in both satisfy both
			op.ACRValues = slices.DeleteFunc(op.ACRValues, func(s string) bool { return !slices.Contains(g.acrValues, s) })
		}
		if g.hasOrg && (!op.OrgRequired || op.Organization == "") {
			// The most specific requirement documents the route.
			op.OrgRequired = true
			op.Organization = g.org
			if g.orgParam != "" {
				op.Organization = ":" + g.orgParam
			}
		}
	}
	return op
}

func appendNew(dst []string, src ...string) []string {
	for _, s := range src {
		if !slices.Contains(dst, s) {
			dst = append(dst, s)
		}
	}
	return dst
}

// guardCode is the code pointer shared by every handler guardHandler returns
// (all method values of one method share their code). It is computed once
// and never changes.
var guardCode = reflect.ValueOf((*Auth0)(nil).guardHandler(nil, nil)).Pointer()

// probeKey marks the context Routes calls a guard with to read its
// requirements; a guard called with no Request and this key answers into it
// instead of checking anything.
type probeKey struct{}

// guardsOf returns the requirements of the guards among handlers. Only
// handlers made by guardHandler are called, with a probe context.
func guardsOf(handlers []gin.HandlerFunc) []guard {
	var gs []guard
	for _, h := range handlers {
		if h == nil || reflect.ValueOf(h).Pointer() != guardCode {
			continue
		}
		var g guard
		c := &gin.Context{Keys: map[any]any{probeKey{}: &g}}
		h(c)
		gs = append(gs, g)
	}
	return gs
}

// probeGuard answers a probe from guardsOf: it copies g into the probe and
// reports true. A context without a Request that is not a probe gets false.
func probeGuard(c *gin.Context, g *guard) bool {
	dst, ok := c.Keys[probeKey{}].(*guard)
	if !ok {
		return false
	}
	*dst = *g
	return true
}

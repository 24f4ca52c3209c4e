package swagger

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// The security schemes Handler writes into every spec. A spec that defines
// them itself (the hand-written annotations of earlier versions) keeps its
// own definitions, with the tenant's URLs and the declared scopes filled in.
const (
	// implicitScheme is the OAuth2 implicit flow: the token comes back in
	// the URL fragment.
	implicitScheme = "Auth0ImplicitBearer"
	// pkceScheme is the OAuth2 authorization code flow with PKCE.
	pkceScheme = "Auth0PKCE"
)

// schemeDescriptions are shown in Swagger UI's Authorize dialog.
var schemeDescriptions = map[string]string{
	implicitScheme: "Auth0 login, implicit flow: the access token comes back in the URL fragment.",
	pkceScheme:     "Auth0 login, authorization code flow with PKCE (recommended). Leave client_secret empty.",
}

// document writes the security schemes and each recorded operation's
// security and 401/403 answers into doc (Swagger 2.0 or OpenAPI 3). It
// returns the scopes the operations name, for the schemes' scope lists.
func (rw *rewriter) document(doc map[string]any) map[string]any {
	openAPI3 := doc["openapi"] != nil
	addSchemes(doc, openAPI3)
	used := map[string]any{}
	if rw.ops == nil {
		return used
	}
	rw.libraryTags = map[string]bool{}
	paths := child(doc, "paths")
	base := basePath(doc, openAPI3)
	models := newSchemas(doc, openAPI3)
	for _, op := range rw.ops() {
		p, ok := strings.CutPrefix(openAPIPath(op.Path), base)
		if !ok || (p != "" && p[0] != '/') {
			continue
		}
		if p == "" {
			p = "/"
		}
		method := strings.ToLower(op.Method)
		o, ok := objects(paths[p])[method]
		if !ok && op.Doc == nil {
			continue // not in the docs: the contract test in auth0test reports it
		}
		if !ok {
			o = map[string]any{}
			child(paths, p)[method] = o
		}
		if op.Doc != nil {
			models.describe(o, p, op.Doc)
			if op.Doc.Tag != "" {
				rw.libraryTags[op.Doc.Tag] = true
			}
		}
		if !op.Guarded {
			continue // public: no security
		}
		writeOperation(o, op, openAPI3)
		for _, s := range slices.Concat(op.Scopes, op.AnyScopes) {
			used[s] = ""
		}
	}
	return used
}

// basePath is the path every spec path is relative to.
func basePath(doc map[string]any, openAPI3 bool) string {
	var b string
	if openAPI3 {
		if servers, ok := doc["servers"].([]any); ok && len(servers) > 0 {
			if s, ok := servers[0].(map[string]any); ok {
				u, _ := s["url"].(string)
				if pu, err := url.Parse(u); err == nil {
					b = pu.Path
				}
			}
		}
	} else {
		b, _ = doc["basePath"].(string)
	}
	return strings.TrimSuffix(b, "/")
}

// addSchemes adds the two Auth0 schemes when the spec lacks them; Handler's
// rewriting then points them at the tenant.
func addSchemes(doc map[string]any, openAPI3 bool) {
	var defs map[string]any
	if openAPI3 {
		defs = child(child(doc, "components"), "securitySchemes")
	} else {
		defs = child(doc, "securityDefinitions")
	}
	for _, name := range []string{implicitScheme, pkceScheme} {
		if _, ok := defs[name]; ok {
			continue
		}
		def := map[string]any{"type": "oauth2", "description": schemeDescriptions[name]}
		switch {
		case openAPI3 && name == implicitScheme:
			def["flows"] = map[string]any{"implicit": map[string]any{}}
		case openAPI3:
			def["flows"] = map[string]any{"authorizationCode": map[string]any{}}
		case name == implicitScheme:
			def["flow"] = "implicit"
		default:
			def["flow"] = "accessCode"
		}
		defs[name] = def
	}
}

// writeOperation sets one operation's security from what its route enforces
// (the code wins over a hand-written @Security: it is what the API does), and
// adds its 401 and 403 answers where the spec has none.
func writeOperation(o map[string]any, op auth0gin.Operation, openAPI3 bool) {
	o["security"] = security(op)
	var notes []string
	if len(op.Roles) > 0 {
		notes = append(notes, "Requires one of the roles "+strings.Join(op.Roles, ", ")+
			" (in the token's roles claim; OAuth2 scopes cannot express roles).")
		o["x-auth0-roles"] = slices.Clone(op.Roles)
	}
	if op.Claims {
		notes = append(notes, "The token's custom claims are checked too: 401 when they do not fit.")
	}
	if op.ExpiredWithin > 0 {
		notes = append(notes, "Takes a Bearer token only (no session cookie); the token may have expired, up to "+
			op.ExpiredWithin.String()+" ago, and is otherwise checked in full.")
	}
	if op.MaxAge > 0 || len(op.ACRValues) > 0 {
		var need []string
		stepUp := map[string]any{}
		if op.MaxAge > 0 {
			secs := int64(op.MaxAge / time.Second)
			need = append(need, "a login within the last "+strconv.FormatInt(secs, 10)+" seconds (auth_time)")
			stepUp["max_age"] = secs
		}
		if len(op.ACRValues) > 0 {
			need = append(need, "an authentication context among "+strings.Join(op.ACRValues, ", ")+" (acr, or the amr method mfa for Auth0's multi-factor one)")
			stepUp["acr_values"] = strings.Join(op.ACRValues, " ")
		}
		notes = append(notes, "Step-up (RFC 9470): requires "+strings.Join(need, " and ")+
			"; otherwise 401 insufficient_user_authentication, whose challenge says what to ask the next login for.")
		o["x-auth0-step-up"] = stepUp
	}
	if op.OrgRequired {
		org := map[string]any{}
		switch name, param := strings.CutPrefix(op.Organization, ":"); {
		case param:
			notes = append(notes, "Requires a token issued for the organization in the path parameter "+name+" (org_id, or org_name); otherwise 403 invalid_organization.")
			org["parameter"] = name
		case op.Organization == "":
			notes = append(notes, "Requires a token issued for an organization (org_id); otherwise 403 invalid_organization.")
		default:
			notes = append(notes, "Requires a token issued for the organization "+op.Organization+"; otherwise 403 invalid_organization.")
			org["organization"] = op.Organization
		}
		o["x-auth0-organization"] = org
	}
	switch op.DPoP {
	case "required":
		notes = append(notes, "Requires DPoP (RFC 9449): `Authorization: DPoP <token>` with a DPoP-bound token and a `DPoP` proof header "+
			"signed by its key; a Bearer token or a session cookie is refused (401). Swagger UI cannot sign proofs: call it with a DPoP client.")
		o["x-auth0-dpop"] = op.DPoP
	case "off":
		notes = append(notes, "Takes no DPoP: a Bearer token only; a DPoP-bound token is refused.")
		o["x-auth0-dpop"] = op.DPoP
	}
	if op.Optional {
		notes = append(notes, "Authentication is optional: without a token the route answers a guest; an invalid token is still refused.")
	}
	if len(notes) > 0 {
		d, _ := o["description"].(string)
		o["description"] = strings.TrimSpace(d + "\n\n" + strings.Join(notes, " "))
	}
	responses := child(o, "responses")
	if op.MaxAge > 0 || len(op.ACRValues) > 0 {
		addResponse(responses, "401", "Missing or invalid access token, or a login too old or too weak (insufficient_user_authentication)",
			`Bearer challenge (RFC 6750): realm, and error="invalid_token" with error_description when a token was sent; for a login too old or too weak, error="insufficient_user_authentication" with acr_values and max_age (RFC 9470)`, openAPI3)
	} else {
		addResponse(responses, "401", "Missing or invalid access token",
			`Bearer challenge (RFC 6750): realm, and error="invalid_token" with error_description when a token was sent`, openAPI3)
	}
	scoped := len(op.Scopes) > 0 || len(op.AnyScopes) > 0 || len(op.Roles) > 0
	switch {
	case scoped && op.OrgRequired:
		addResponse(responses, "403", "The token lacks a required scope or role, or is not issued for the organization",
			`Bearer challenge (RFC 6750): realm, error="insufficient_scope" with error_description and scope, or error="invalid_organization" with error_description`, openAPI3)
	case scoped:
		addResponse(responses, "403", "The token lacks a required scope or role",
			`Bearer challenge (RFC 6750): realm, error="insufficient_scope", error_description and scope`, openAPI3)
	case op.OrgRequired:
		addResponse(responses, "403", "The token is not issued for the organization",
			`Bearer challenge (RFC 6750): realm, error="invalid_organization", error_description`, openAPI3)
	}
}

// security lists the alternatives that satisfy op, for both schemes: one per
// scope of an any-of list (each with the scopes that are all required), and
// an empty one when authentication is optional.
func security(op auth0gin.Operation) []any {
	sets := [][]string{slices.Clone(op.Scopes)}
	if len(op.AnyScopes) > 0 {
		sets = sets[:0]
		for _, s := range op.AnyScopes {
			sets = append(sets, append(slices.Clone(op.Scopes), s))
		}
	}
	var alts []any
	for _, name := range []string{implicitScheme, pkceScheme} {
		for _, set := range sets {
			if set == nil {
				set = []string{}
			}
			alts = append(alts, map[string]any{name: set})
		}
	}
	if op.Optional {
		alts = append(alts, map[string]any{})
	}
	return alts
}

// addResponse adds an error answer with its WWW-Authenticate header; an
// answer the spec already describes keeps its description and schema and
// gains the header when it lacks one.
func addResponse(responses map[string]any, code, description, header string, openAPI3 bool) {
	r, ok := responses[code].(map[string]any)
	if !ok {
		r = map[string]any{"description": description}
		if openAPI3 {
			r["content"] = map[string]any{"application/json": map[string]any{"schema": errorSchema()}}
		} else {
			r["schema"] = errorSchema()
		}
		responses[code] = r
	}
	headers := child(r, "headers")
	if _, ok := headers["WWW-Authenticate"]; ok {
		return
	}
	h := map[string]any{"description": header}
	if openAPI3 {
		h["schema"] = map[string]any{"type": "string"}
	} else {
		h["type"] = "string"
	}
	headers["WWW-Authenticate"] = h
}

// errorSchema is the JSON body of a 401 or 403 (auth0gin.ErrorBody).
func errorSchema() map[string]any {
	str := func(d string) map[string]any { return map[string]any{"type": "string", "description": d} }
	return map[string]any{
		"type":     "object",
		"required": []any{"error"},
		"properties": map[string]any{
			"error":             str("invalid_token, insufficient_scope, insufficient_user_authentication, invalid_organization, or unauthorized when no token was sent"),
			"error_description": str("why the request was refused"),
			"scope":             str("for insufficient_scope: the scopes that would do, space-separated"),
			"acr_values":        str("for insufficient_user_authentication: the acr values to ask the next login for, space-separated"),
			"max_age":           map[string]any{"type": "integer", "description": "for insufficient_user_authentication: the max_age (seconds) to ask the next login for"},
			"organization":      str("for invalid_organization: the organization to log in through, when the route names one"),
		},
	}
}

// child returns the JSON object at key, creating it when absent (or not an object).
func child(m map[string]any, key string) map[string]any {
	if c, ok := m[key].(map[string]any); ok {
		return c
	}
	c := map[string]any{}
	m[key] = c
	return c
}

// withScopes returns the declared scopes plus those the operations name.
func withScopes(declared map[string]string, used map[string]any) map[string]string {
	out := maps.Clone(declared)
	if out == nil {
		out = map[string]string{}
	}
	for s := range used {
		if _, ok := out[s]; !ok {
			out[s] = ""
		}
	}
	return out
}

// openAPIPath returns a Gin path as OpenAPI writes it: "/users/:id" and
// "/files/*rest" become "/users/{id}" and "/files/{rest}".
func openAPIPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if len(s) > 1 && (s[0] == ':' || s[0] == '*') {
			segs[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(segs, "/")
}

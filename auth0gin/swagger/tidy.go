package swagger

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"
)

// tagDescriptions describe the tags of the routes this module's flow
// packages mount; a tag the app uses without defining it gets an entry
// with no description.
var tagDescriptions = map[string]string{
	"session": "Server-side sessions: exchange an access token for a session cookie, keep it alive, log out (auth0gin/session).",
	"login":   "Password login and refresh, with the refresh token held server-side (auth0gin/login).",
	"device":  "Device login for CLIs and TVs (RFC 8628), ending in a session (auth0gin/session).",
	"users":   "The current user, resolved from the token into the app's database (auth0gin/users).",
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// tidy makes the spec what validators and client generators expect: every
// operation has a unique operationId (swag's @ID when the app set one, else
// derived from the method and the path), every tag used is defined, an
// empty host is dropped (Swagger UI then calls the host serving the docs),
// and a Swagger 2.0 spec names its schemes (scheme, the docs request's, when
// the spec names none).
func tidy(doc map[string]any, scheme string, libraryTags map[string]bool) {
	paths := objects(doc["paths"])
	keys := make([]string, 0, len(paths))
	for p := range paths {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	ids := map[string]bool{}
	var missing []func()
	tags := map[string]bool{}
	for _, p := range keys {
		for _, m := range methods {
			o, ok := paths[p][m].(map[string]any)
			if !ok {
				continue
			}
			if id, _ := o["operationId"].(string); id != "" {
				ids[id] = true
			} else {
				missing = append(missing, func() { o["operationId"] = uniqueID(ids, operationID(m, p)) })
			}
			if ts, ok := o["tags"].([]any); ok {
				for _, t := range ts {
					if s, ok := t.(string); ok {
						tags[s] = true
					}
				}
			}
		}
	}
	for _, f := range missing { // after every app-set id is known
		f()
	}

	defined := map[string]bool{}
	list, _ := doc["tags"].([]any)
	for _, t := range list {
		if o, ok := t.(map[string]any); ok {
			if n, ok := o["name"].(string); ok {
				defined[n] = true
			}
		}
	}
	var add []string
	for t := range tags {
		if !defined[t] {
			add = append(add, t)
		}
	}
	sort.Strings(add)
	for _, t := range add {
		e := map[string]any{"name": t}
		if d, ok := tagDescriptions[t]; ok && libraryTags[t] {
			e["description"] = d
		} else if libraryTags[t] {
			e["description"] = "Routes mounted by auth0gin."
		}
		list = append(list, e)
	}
	if len(list) > 0 {
		doc["tags"] = list
	}

	if _, ok := doc["swagger"]; ok {
		if h, ok := doc["host"].(string); ok && h == "" {
			delete(doc, "host")
		}
		// swag writes "basePath": "" for an app without @BasePath; the
		// schema wants "/..." or nothing.
		if b, ok := doc["basePath"].(string); ok && b == "" {
			delete(doc, "basePath")
		}
		if s, ok := doc["schemes"].([]any); (!ok || len(s) == 0) && scheme != "" {
			doc["schemes"] = []any{scheme}
		}
	}
}

// operationID derives an id from the method and the path:
// GET /api/private-scoped → getApiPrivateScoped, GET /users/{id} → getUsersId.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(method)
	upper := true
	for _, r := range path {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			upper = true
			continue
		}
		if r >= unicode.MaxASCII {
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// uniqueID returns id, or id with the first free number appended.
func uniqueID(ids map[string]bool, id string) string {
	out := id
	for i := 2; ids[out]; i++ {
		out = fmt.Sprintf("%s%d", id, i)
	}
	ids[out] = true
	return out
}

// requestScheme is the scheme the docs were requested over: https on TLS,
// or when a proxy Gin trusts (the rule of Context.ClientIP: the peer is a
// trusted proxy that forwarded the client's address) says so in
// X-Forwarded-Proto; http otherwise.
func requestScheme(c *gin.Context) string {
	if c.Request.TLS != nil {
		return "https"
	}
	if c.ClientIP() != c.RemoteIP() {
		if p := strings.ToLower(strings.TrimSpace(strings.Split(c.GetHeader("X-Forwarded-Proto"), ",")[0])); p == "https" || p == "http" {
			return p
		}
	}
	return "http"
}

package swagger

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"

	"github.com/swaggo/swag"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// rewriter points a spec's OAuth2 security definitions at the tenant.
type rewriter struct {
	authorizeURL string
	tokenURL     string
	scopes       map[string]string           // declared scopes, added to each definition's
	ops          func() []auth0gin.Operation // the routes' requirements; nil: none
	libraryTags  map[string]bool             // tags of the operations flows documented
}

// authorizeURL is the tenant's /authorize with the audience the access token
// must carry. Swagger UI appends its own parameters with "&" when the URL
// already has a query.
func authorizeURL(endpoint, audience string, params url.Values) string {
	q := url.Values{}
	for k, vs := range params {
		q[k] = append([]string{}, vs...)
	}
	if audience != "" {
		q.Set("audience", audience)
	}
	if len(q) == 0 {
		return endpoint
	}
	return endpoint + "?" + q.Encode()
}

var errNotObject = errors.New("spec is not a JSON object")

// render returns the spec's JSON with the OAuth2 definitions rewritten. It
// renders a copy: swag.Spec.ReadDoc writes to its receiver, which would race
// with concurrent requests.
func (rw *rewriter) render(spec *swag.Spec, scheme string) ([]byte, error) {
	cp := *spec
	var doc map[string]any
	if err := json.Unmarshal([]byte(cp.ReadDoc()), &doc); err != nil {
		return nil, fmt.Errorf("decoding spec %q: %w", spec.InstanceName(), err)
	}
	if doc == nil {
		return nil, fmt.Errorf("spec %q: %w", spec.InstanceName(), errNotObject)
	}
	// The schemes and the operations' security come from the code
	// (operations.go); then every OAuth2 definition is pointed at the tenant.
	cp2 := *rw // render runs concurrently: document writes to its copy
	rw = &cp2
	used := rw.document(doc)
	tidy(doc, scheme, rw.libraryTags)
	rw = &rewriter{authorizeURL: rw.authorizeURL, tokenURL: rw.tokenURL, scopes: withScopes(rw.scopes, used)}
	// Swagger 2.0 (what swag v1 generates) and OpenAPI 3 (swag v2).
	for _, def := range objects(doc["securityDefinitions"]) {
		rw.swagger2(def)
	}
	if comps, ok := doc["components"].(map[string]any); ok {
		for _, def := range objects(comps["securitySchemes"]) {
			rw.openAPI3(def)
		}
	}
	b, err := json.MarshalIndent(doc, "", "    ")
	if err != nil {
		return nil, fmt.Errorf("encoding spec %q: %w", spec.InstanceName(), err)
	}
	return b, nil
}

// swagger2 rewrites a Swagger 2.0 security definition: one flow per definition.
func (rw *rewriter) swagger2(def map[string]any) {
	if def["type"] != "oauth2" {
		return
	}
	switch def["flow"] {
	case "implicit":
		def["authorizationUrl"] = rw.authorizeURL
	case "accessCode":
		def["authorizationUrl"] = rw.authorizeURL
		def["tokenUrl"] = rw.tokenURL
	case "password", "application":
		def["tokenUrl"] = rw.tokenURL
	}
	def["scopes"] = rw.mergeScopes(def["scopes"])
}

// openAPI3 rewrites an OpenAPI 3 security scheme: several flows per scheme.
func (rw *rewriter) openAPI3(def map[string]any) {
	if def["type"] != "oauth2" {
		return
	}
	for name, flow := range objects(def["flows"]) {
		switch name {
		case "implicit":
			flow["authorizationUrl"] = rw.authorizeURL
		case "authorizationCode":
			flow["authorizationUrl"] = rw.authorizeURL
			flow["tokenUrl"] = rw.tokenURL
		case "password", "clientCredentials":
			flow["tokenUrl"] = rw.tokenURL
		}
		flow["scopes"] = rw.mergeScopes(flow["scopes"])
	}
}

// mergeScopes adds the declared scopes to a definition's; the spec's own
// descriptions win, as they were written for the reader of the docs.
func (rw *rewriter) mergeScopes(v any) map[string]any {
	out := map[string]any{}
	for k, d := range rw.scopes {
		out[k] = d
	}
	if m, ok := v.(map[string]any); ok {
		maps.Copy(out, m)
	}
	return out
}

// objects returns the JSON objects held in a JSON object, by key.
func objects(v any) map[string]map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]map[string]any, len(m))
	for k, e := range m {
		if o, ok := e.(map[string]any); ok {
			out[k] = o
		}
	}
	return out
}

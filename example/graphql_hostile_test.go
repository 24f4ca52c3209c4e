package main

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestGraphQLHostileInput: malformed and abusive GraphQL requests get an
// answer below 500 (a 400, or GraphQL errors in a 200), never a panic.
func TestGraphQLHostileInput(t *testing.T) {
	tenant, h := app(t)
	alice := tenant.Token(t)
	deep := strings.Repeat("{ me ", 200) + strings.Repeat("}", 200)
	aliases := "{" + strings.Repeat("a: me { id } ", 2000) + "}"
	for name, body := range map[string]string{
		"not json":             `{"query":`,
		"query not a string":   `{"query": 12}`,
		"huge number variable": `{"query":"query($x: Int){ me { id } }","variables":{"x":1e400}}`,
		"variables not object": `{"query":"{ me { id } }","variables":[1,2]}`,
		"unknown field":        `{"query":"{ nope }"}`,
		"syntax error":         `{"query":"{ me { id "}`,
		"deep nesting":         `{"query":"` + deep + `"}`,
		"many aliases":         `{"query":"` + aliases + `"}`,
		"introspection":        `{"query":"{ __schema { types { name fields { name } } } }"}`,
		"fragment cycle":       `{"query":"{ me { ...A } } fragment A on User { ...B } fragment B on User { ...A }"}`,
		"duplicate query keys": `{"query":"{ me { id } }","query":"{ messages }"}`,
		"bad unicode":          "{\"query\":\"{ me { id } }\xff\xfe\"}",
		"operation unknown":    `{"query":"query A { me { id } }","operationName":"B"}`,
		"empty":                ``,
	} {
		req := httptest.NewRequest("POST", "/graphql", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+alice)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Errorf("%s: %d %.200s", name, w.Code, w.Body)
		}
	}
}

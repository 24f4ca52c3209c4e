package main

import (
	"strings"
	"testing"
)

// TestGraphQLValidationBounded: queries built to make validation quadratic
// (thousands of aliases, or one field repeated) are refused with a GraphQL
// error instead of being validated: one 52 KB request of 4,000 aliases used
// to take over a minute of CPU, from any caller with a valid token.
func TestGraphQLValidationBounded(t *testing.T) {
	tenant, h := app(t)
	alice := tenant.Token(t)
	for name, q := range map[string]string{
		"4000 aliases":         "{" + strings.Repeat("a: me { id } ", 4000) + "}",
		"1000 aliases, 13 KB":  "{" + strings.Repeat("a: me { id } ", 1000) + "}",
		"one field 600 times":  "{" + strings.Repeat("me { id } ", 600) + "}",
		"600 distinct aliases": "{" + aliasList(600) + "}",
	} {
		code, out := call(t, h, "POST", "/graphql", alice, `{"query":"`+q+`"}`)
		if code >= 500 || out["errors"] == nil || out["data"] != nil {
			t.Errorf("%s: %d, errors %v, data %.100v", name, code, out["errors"] != nil, out["data"])
		}
	}
	// An ordinary query still answers.
	code, out := call(t, h, "POST", "/graphql", alice, `{"query":"{ me { id auth0Id email name } a: me { id } }"}`)
	if code != 200 || out["errors"] != nil || out["data"] == nil {
		t.Fatalf("an ordinary query: %d %v", code, out)
	}
}

func aliasList(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("a")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString(string(rune('a'+i%26)) + string(rune('a'+(i/26)%26)))
		b.WriteString(": me { id } ")
	}
	return b.String()
}

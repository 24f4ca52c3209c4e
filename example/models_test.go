package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// The published spec names its models as the API's users see them (Message,
// PrivateMessage, User, ...), not by Go package (main.Message): each model
// carries a swag @name.
func TestSpecModelNames(t *testing.T) {
	raw, err := os.ReadFile("../docs/swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Definitions map[string]json.RawMessage `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Message", "PrivateMessage", "User", "TokenError", "ScopeError"} {
		if _, ok := spec.Definitions[want]; !ok {
			t.Errorf("no model %q in docs/swagger.json", want)
		}
	}
	for name := range spec.Definitions {
		if strings.Contains(name, ".") {
			t.Errorf("model %q is named after its Go package: give it a swag @name", name)
		}
	}
	for _, pkg := range []string{`"#/definitions/main.`, `"#/definitions/auth0gin.`} {
		if strings.Contains(string(raw), pkg) {
			t.Errorf("docs/swagger.json refers to %s...", pkg)
		}
	}
}

package auth0gin

import (
	"encoding/base64"
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeTokenClaims feeds the claims decoder any payload. A payload only
// reaches it once its signature holds, so this is defense in depth: whatever
// the bytes, it returns claims or an error and never panics, and what it
// accepts, encoding/json reads the same way.
func FuzzDecodeTokenClaims(f *testing.F) {
	for _, s := range []string{
		`{"sub":"auth0|alice","scope":"openid read:messages","permissions":["read:messages"],"https://example.com/email":"a@x","email":"b@x"}`,
		`{"https://example.com/roles":["admin",null],"gty":"client-credentials","azp":"c","client_id":"d","org_id":"o"}`,
		`{"scope":"a","scope":"b"}`, `{"scope":null}`, `{"permissions":"read"}`, `[]`, `{"a":{"b":[1,{"c":2}]}}`,
		`{"scope":"\ud800"}`, `{"":"x"}`, "{\"scope\":\"\xff\"}", `{"scope":"a"} {}`, `{`, `{"SCOPE":"admin"}`,
	} {
		f.Add([]byte(s))
	}
	names := claimNames{email: "https://example.com/email", roles: "https://example.com/roles"}
	f.Fuzz(func(t *testing.T, payload []byte) {
		c, err := decodeTokenClaims(base64.RawURLEncoding.EncodeToString(payload), names)
		if err != nil {
			return
		}
		if !utf8.Valid(payload) {
			t.Fatalf("accepted invalid UTF-8: %q", payload)
		}
		// Decoded into a map, encoding/json matches names exactly; the decoder
		// refuses a name given twice, so there is no last-one-wins to differ on.
		var ref map[string]any
		if err := json.Unmarshal(payload, &ref); err != nil {
			t.Fatalf("accepted what encoding/json refuses (%v): %q", err, payload)
		}
		for name, got := range map[string]string{"scope": c.Scope, "gty": c.Gty, "azp": c.Azp, "client_id": c.ClientID, "org_id": c.OrgID} {
			want, _ := ref[name].(string) // absent or null: ""
			if got != want {
				t.Fatalf("%s = %q, encoding/json read %q, from %q", name, got, want, payload)
			}
		}
		if perms, _ := ref["permissions"].([]any); len(perms) != len(c.Permissions) {
			t.Fatalf("permissions %q, encoding/json read %v, from %q", c.Permissions, perms, payload)
		}
	})
}

package auth0gin_test

import (
	"net/http"
	"strings"
	"testing"
)

// Issue 23: a claim holding a NUL byte is an invalid token (401
// invalid_token) at the guard, so it never reaches a store (PostgreSQL
// refuses NUL in text, which would be a 503 for that user forever).
func TestNULInAClaimIsAnInvalidToken(t *testing.T) {
	ti := newTestIssuer(t)
	r := newEngine(t, mustNew(t, ti.config()))
	for name, over := range map[string]map[string]any{
		"email":       {testEmailClaim: "a\x00@b.example"},
		"plain email": {testEmailClaim: nil, "email": "a\x00@b.example"},
		"sub":         {"sub": "auth0|al\x00ice"},
		"azp":         {"azp": "spa\x00"},
		"scope":       {"scope": "openid read:messages\x00"},
		"permissions": {"permissions": []string{"read:messages", "x\x00"}},
		"roles":       {testRolesClaim: []string{"admin\x00"}},
		"org_id":      {"org_id": "org_\x00"},
	} {
		got := call(t, r, "/private", bearerH(ti.token(t, over)))
		if got.code != http.StatusUnauthorized || !strings.Contains(got.challenge, `error="invalid_token"`) || got.body["error"] != "invalid_token" {
			t.Errorf("NUL in %s: %d %q %v, want 401 invalid_token", name, got.code, got.challenge, got.body)
		}
	}
	if got := call(t, r, "/private", bearerH(ti.token(t, nil))); got.code != http.StatusOK {
		t.Errorf("a clean token: %d %v", got.code, got.body)
	}
}

package auth0gin_test

import (
	"errors"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// New copies the caller's slices and maps: changing them afterwards changes
// nothing in what the Auth0 accepts.
func TestNewCopiesTheCallersConfig(t *testing.T) {
	ti := newTestIssuer(t)
	cfg := noCache(ti.config())
	cfg.Audience = []string{testAudience}
	cfg.Algorithms = []string{"RS256"}
	cfg.Issuers = []string{ti.iss()}
	cfg.Scopes = map[string]string{"read:messages": "Read messages"}
	a := mustNew(t, cfg)

	cfg.Issuers[0] = "https://attacker.example/"
	cfg.Audience[0] = "https://attacker.example/api"
	cfg.Algorithms[0] = "ES256"
	cfg.Scopes["delete:everything"] = "added after New"

	if _, err := a.Verify(t.Context(), ti.token(t, nil)); err != nil {
		t.Fatalf("a token for the configured audience: %v", err)
	}
	if _, err := a.Verify(t.Context(), ti.token(t, map[string]any{"aud": "https://attacker.example/api"})); !errors.Is(err, auth0gin.ErrAudience) {
		t.Errorf("a token for the audience written after New: err = %v, want auth0gin.ErrAudience", err)
	}
	if got := a.Config(); got.Audience[0] != testAudience || got.Algorithms[0] != "RS256" || len(got.Scopes) != 1 {
		t.Errorf("Config() after the caller's changes: %v %v %v", got.Audience, got.Algorithms, got.Scopes)
	}
	if !panics(func() { a.RequireScopes("delete:everything") }) {
		t.Error("a scope the caller added to its map after New was accepted at route registration")
	}
}

// Config hands out copies: changing them changes nothing in the Auth0.
func TestConfigReturnsACopy(t *testing.T) {
	ti := newTestIssuer(t)
	cfg := noCache(ti.config())
	cfg.Scopes = map[string]string{"read:messages": "Read messages"}
	a := mustNew(t, cfg)

	out := a.Config()
	out.Issuers[0] = "https://attacker.example/"
	out.Audience[0] = "https://attacker.example/api"
	out.Algorithms[0] = "ES256"
	out.Scopes["delete:everything"] = "added through Config()"

	if _, err := a.Verify(t.Context(), ti.token(t, nil)); err != nil {
		t.Fatalf("a token for the configured audience: %v", err)
	}
	if !panics(func() { a.RequireScopes("delete:everything") }) {
		t.Error("a scope added to the map Config() returned was accepted at route registration")
	}
	again := a.Config()
	if again.Audience[0] != testAudience || again.Algorithms[0] != "RS256" || len(again.Scopes) != 1 || again.Issuers[0] != ti.iss() {
		t.Errorf("Config() after changing an earlier copy: %v %v %v", again.Audience, again.Algorithms, again.Scopes)
	}
}

func panics(f func()) (did bool) {
	defer func() { did = recover() != nil }()
	f()
	return false
}

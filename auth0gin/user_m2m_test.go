package auth0gin_test

import "testing"

// IsM2M trusts gty, and sub == azp + "@clients" only when gty is absent: a
// person cannot pass as a machine by choosing a user id ending in @clients.
func TestIsM2M(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, noCache(ti.config()))
	for _, c := range []struct {
		name   string
		claims map[string]any
		want   bool
	}{
		{"password grant for the user mallory@clients (issue #10)",
			map[string]any{"sub": "auth0|mallory@clients", "azp": "spa-client", "gty": "password"}, false},
		{"password grant whose sub is azp@clients",
			map[string]any{"sub": "spa-client@clients", "azp": "spa-client", "gty": "password"}, false},
		{"no gty, sub ends in @clients but is not azp's",
			map[string]any{"sub": "auth0|mallory@clients", "azp": "spa-client", "gty": nil}, false},
		{"no gty, no azp",
			map[string]any{"sub": "m2m-client@clients", "azp": nil, "gty": nil}, false},
		{"no gty, another client's id",
			map[string]any{"sub": "m2m-client@clients", "azp": "spa-client", "gty": nil}, false},
		{"client credentials",
			map[string]any{"sub": "m2m-client@clients", "azp": "m2m-client", "gty": "client-credentials"}, true},
		{"no gty, sub is azp@clients",
			map[string]any{"sub": "m2m-client@clients", "azp": "m2m-client", "gty": nil}, true},
		{"no gty, RFC 9068 client_id",
			map[string]any{"sub": "m2m-client@clients", "azp": nil, "client_id": "m2m-client", "gty": nil}, true},
		{"a person", map[string]any{}, false},
	} {
		u, err := a.Verify(t.Context(), ti.token(t, c.claims))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := u.IsM2M(); got != c.want {
			t.Errorf("%s: IsM2M() = %v, want %v", c.name, got, c.want)
		}
	}
}

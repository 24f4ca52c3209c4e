package auth0gin_test

import (
	"errors"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// Two APIs share a cache, one issuer and one audience, but B's JWKS
// publishes a different key under the kid A verified with. A token signed
// with A's key, cached by A, must not pass B from the cache: B alone rejects
// it, and the cached verdict is bound to the key that verified it (its RFC
// 7638 thumbprint), not to the kid. Both cache kinds: in memory and bytes.
func TestCachedVerdictIsBoundToTheKey(t *testing.T) {
	for name, shared := range map[string]auth0gin.TokenCache{
		"memory": auth0gin.NewTestCache(0, 0),
		"bytes":  newGobCache(),
	} {
		t.Run(name, func(t *testing.T) {
			ti, other := newTestIssuer(t), newTestIssuer(t)
			publish(t, other, pub(rsaKey(t, 5), "k0", "RS256")) // another key, the same kid
			cfgA, cfgB := ti.config(), ti.config()
			cfgA.Cache, cfgB.Cache = shared, shared
			cfgB.JWKSURL = other.srv.URL + "/.well-known/jwks.json"
			a, b := mustNew(t, cfgA), mustNew(t, cfgB)
			tok := ti.token(t, nil)
			// B alone rejects it.
			if _, err := mustNew(t, noCache(cfgB)).Verify(t.Context(), tok); !errors.Is(err, auth0gin.ErrInvalidSignature) {
				t.Fatalf("B without the cache: %v", err)
			}
			// B holds its keys: a token of its own key passes.
			if _, err := b.Verify(t.Context(), signWith(t, ti, rsaKey(t, 5), "k0", "RS256", map[string]any{"jti": "b"})); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Verify(t.Context(), tok); err != nil {
				t.Fatal(err)
			}
			if _, err := b.Verify(t.Context(), tok); !errors.Is(err, auth0gin.ErrInvalidSignature) {
				t.Fatalf("B accepted, from the shared cache, a token its own key does not verify: %v", err)
			}
			// And A still hits its own verdict.
			if _, err := a.Verify(t.Context(), tok); err != nil {
				t.Fatal(err)
			}
		})
	}
}

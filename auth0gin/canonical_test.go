package auth0gin_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// spellings returns the other ways to write segment i of token that a lenient
// base64url decoder reads as the same bytes: the last character with other
// pad bits, and the segment padded with '='.
func spellings(token string, i int) []string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	parts := strings.Split(token, ".")
	seg := parts[i]
	last := strings.IndexByte(alphabet, seg[len(seg)-1])
	var mask int // the pad bits of the last character
	switch len(seg) % 4 {
	case 2:
		mask = 0x0f
	case 3:
		mask = 0x03
	}
	var out []string
	for bits := 1; bits <= mask; bits++ {
		alt := seg[:len(seg)-1] + string(alphabet[last&^mask|bits])
		p := append([]string{}, parts...)
		p[i] = alt
		out = append(out, strings.Join(p, "."))
	}
	if pad := (4 - len(seg)%4) % 4; pad > 0 {
		p := append([]string{}, parts...)
		p[i] = seg + strings.Repeat("=", pad)
		out = append(out, strings.Join(p, "."))
	}
	return out
}

// Each token has exactly one accepted spelling: another spelling of any of
// its three segments is refused before anything else, as malformed, so that
// it is never a cache entry of its own that Forget would leave alive.
func TestOneSpellingPerToken(t *testing.T) {
	ti := newTestIssuer(t)
	cache := auth0gin.NewTestCache(0, 0)
	cfg := ti.config()
	cfg.Cache = cache
	a := mustNew(t, cfg)
	// Find a token whose segments all carry pad bits, so that each has
	// other spellings.
	var tok string
	for i := 0; tok == ""; i++ {
		c := ti.token(t, map[string]any{"jti": strings.Repeat("x", i)})
		ok := true
		for _, p := range strings.Split(c, ".") {
			ok = ok && len(p)%4 != 0
		}
		if ok {
			tok = c
		}
	}
	u, err := a.Verify(t.Context(), tok)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for seg := range 3 {
		for _, alt := range spellings(tok, seg) {
			n++
			// Verify serves the memory cache's hits on tokens that passed
			// the shape check when set without checking again: another
			// spelling set by hand must still be refused.
			cache.Set(t.Context(), alt, u, u.ExpiresAt)
			if _, ok := cache.Get(t.Context(), alt); !ok {
				t.Fatalf("the cache did not keep %q set by hand: the check below would prove nothing", alt[len(alt)-8:])
			}
			_, err := a.Verify(t.Context(), alt)
			if !errors.Is(err, auth0gin.ErrMalformedToken) {
				t.Errorf("segment %d spelled %q: got %v, want auth0gin.ErrMalformedToken", seg, alt[len(alt)-8:], err)
			}
		}
	}
	if n < 3 {
		t.Fatalf("only %d other spellings tried", n)
	}
	// The entries set by hand shared the token's slot (the cache keys a
	// token by its tail): gone, and the token cached again.
	for seg := range 3 {
		for _, alt := range spellings(tok, seg) {
			cache.Delete(t.Context(), alt)
		}
	}
	if _, err := a.Verify(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	if got := cache.Len(); got != 1 {
		t.Errorf("%d cache entries, want 1", got)
	}
	a.Forget(t.Context(), tok)
	if got := cache.Len(); got != 0 {
		t.Errorf("Forget left %d entries", got)
	}
}

package auth0gin_test

// The user a verification yields: derived from the right claims, decoded
// strictly, copied for each request, and served from a cache only under the
// rules of the API asking.

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// A cache shared by two APIs must not lend one API's verdict to the other.
func TestSharedCacheKeepsEachAPIsRules(t *testing.T) {
	ti := newTestIssuer(t)
	shared := auth0gin.NewTestCache(0, 0)
	cfgA, cfgB := ti.config(), ti.config()
	cfgA.Cache, cfgB.Cache = shared, shared
	cfgB.Audience = []string{"https://other.api"}
	a, b := mustNew(t, cfgA), mustNew(t, cfgB)
	tok := ti.token(t, nil) // for testAudience only
	if _, err := a.Verify(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Verify(t.Context(), tok); !errors.Is(err, auth0gin.ErrAudience) {
		t.Fatalf("API B accepted API A's token from the shared cache: %v", err)
	}
}

// A cached token's user is one immutable value, shared by every request that
// carries the token: hits return it without a copy, and an append by a
// careless handler copies the slice instead of growing the shared array.
func TestCachedUserIsShared(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	tok := ti.token(t, nil)
	first, err := a.Verify(t.Context(), tok)
	if err != nil {
		t.Fatal(err)
	}
	hit, err := a.Verify(t.Context(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if hit == first {
		t.Fatal("the verifying request's user is the cached one: Set must keep a copy")
	}
	mine := *hit
	mine.Permissions = append(mine.Permissions, "admin") // must not reach the shared array
	mine.Scopes = append(mine.Scopes, "admin")
	for range 2 {
		u, err := a.Verify(t.Context(), tok)
		if err != nil {
			t.Fatal(err)
		}
		if u != hit {
			t.Fatal("a cache hit copied the user")
		}
		if u.ID != "auth0|alice" || !slices.Equal(u.Permissions, first.Permissions) || !slices.Equal(u.Scopes, first.Scopes) || *u.Email != "alice@example.com" {
			t.Fatalf("an edit leaked into the cache: %+v", u)
		}
		if cap(u.Permissions) != len(u.Permissions) || cap(u.Scopes) != len(u.Scopes) {
			t.Fatal("a cached user's slice has room to grow into a neighbour")
		}
	}
}

// verifiedThenRevoked verifies (and so caches) a token of a newly published
// key with an Auth0 built from cfg inside the bubble, then stops publishing
// the key.
func verifiedThenRevoked(t *testing.T, ti *testIssuer, cfg auth0gin.Config) (*auth0gin.Auth0, string) {
	t.Helper()
	a := mustNew(t, ti.inBubble(cfg))
	kid := ti.addKey(t)
	tok := ti.sign(t, kid, nil)
	if _, err := a.Verify(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	ti.removeKey(kid)
	return a, tok
}

// A key the tenant revokes takes its cached tokens with it at the next
// refresh, not CacheMaxTTL later.
func TestRevokedKeyEndsCachedTokens(t *testing.T) {
	ti := newTestIssuer(t)
	synctest.Test(t, func(t *testing.T) {
		a, tok := verifiedThenRevoked(t, ti, ti.config())
		time.Sleep(2 * time.Millisecond)                         // past KeyMinRefetch
		_, _ = a.Verify(t.Context(), ti.sign(t, "unknown", nil)) // triggers a refetch
		if _, err := a.Verify(t.Context(), tok); !errors.Is(err, auth0gin.ErrUnknownKey) {
			t.Fatalf("cached token of a revoked key: %v", err)
		}
	})
}

func TestMemoryCacheZeroBoundsMeanDefaults(t *testing.T) {
	c := auth0gin.NewTestCache(0, 0)
	c.Set(t.Context(), "t", &auth0gin.Auth0User{ID: "x"}, time.Now().Add(time.Hour))
	if _, ok := c.Get(t.Context(), "t"); !ok {
		t.Error("NewMemoryCache(0, 0) caches nothing")
	}
}

// A user served from the cache equals, field for field, the one verified.
func TestCachedUserEqualsVerified(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	for name, over := range map[string]map[string]any{
		"full":               nil,
		"no email, no roles": {testEmailClaim: nil, testRolesClaim: nil},
		"no permissions":     {"permissions": nil, "scope": ""},
		"m2m":                {"sub": "c@clients", "gty": "client-credentials", "azp": "c", "org_id": "org_1", "aud": testAudience},
	} {
		tok := ti.token(t, over)
		first, err := a.Verify(t.Context(), tok)
		if err != nil {
			t.Fatal(err)
		}
		hit, err := a.Verify(t.Context(), tok)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(first, hit) {
			t.Errorf("%s: cached %+v, verified %+v", name, hit, first)
		}
		if first.Email != nil && first.Email == hit.Email {
			t.Errorf("%s: the email is shared", name)
		}
		var c1, c2 map[string]any
		if err := first.Claims(&c1); err != nil || hit.Claims(&c2) != nil || !reflect.DeepEqual(c1, c2) {
			t.Errorf("%s: claims differ: %v %v (%v)", name, c1, c2, err)
		}
	}
}

// Cache hits alone keep the key set fresh: a hot token whose key the tenant
// revokes is refused after a background refresh, with no cache miss needed.
func TestHitsAloneRefreshKeys(t *testing.T) {
	ti := newTestIssuer(t)
	synctest.Test(t, func(t *testing.T) {
		cfg := ti.config()
		cfg.KeyRefreshInterval = time.Millisecond
		a, tok := verifiedThenRevoked(t, ti, cfg)
		time.Sleep(2 * time.Millisecond) // past KeyRefreshInterval and KeyMinRefetch
		if _, err := a.Verify(t.Context(), tok); err != nil {
			t.Fatalf("the hit that starts the refresh is served from the keys held: %v", err)
		}
		synctest.Wait() // the background refresh has stored the new set
		if _, err := a.Verify(t.Context(), tok); !errors.Is(err, auth0gin.ErrUnknownKey) {
			t.Fatalf("a revoked key's token stayed trusted while served from the cache: %v", err)
		}
	})
}

// A configured claim name may hold any character a JSON name can: Actions set
// namespaced claims as URLs, and nothing ties them to Go's struct-tag syntax.
func TestAnyClaimName(t *testing.T) {
	ti := newTestIssuer(t)
	for _, name := range []string{`https://example.com/user's_email`, "my roles", "email,omitempty", "-", "https://x/a;b", `a"b`, `back\slash`, "https://例え.jp/メール"} {
		c := ti.config()
		c.EmailClaim, c.RolesClaim = name, name+"/roles"
		a := mustNew(t, c)
		u, err := a.Verify(t.Context(), ti.token(t, map[string]any{
			testEmailClaim: nil, testRolesClaim: nil, name: "x@example.com", name + "/roles": []string{"editor"},
		}))
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if u.Email == nil || *u.Email != "x@example.com" || !u.HasRole("editor") {
			t.Errorf("%q: email %v, roles %v", name, u.Email, u.Roles)
		}
	}
}

// The validator's go-jose decoder takes the last of two equal names; ours
// refuses the token instead, so the two can never read different values from
// one payload. Invalid UTF-8 and wrong types are refused too, never guessed.
func TestClaimsDecodedStrictly(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	base := func(extra string) []byte {
		return fmt.Appendf(nil, `{"iss":%q,"sub":"auth0|alice","aud":%q,"exp":%d%s}`,
			ti.iss(), testAudience, time.Now().Add(time.Hour).Unix(), extra)
	}
	if _, err := a.Verify(t.Context(), ti.signRaw(t, "k0", base(`,"scope":"read:messages"`))); err != nil {
		t.Fatalf("a plain payload: %v", err)
	}
	for name, extra := range map[string]string{
		"scope twice":            `,"scope":"a","scope":"read:messages admin"`,
		"email twice":            `,"` + testEmailClaim + `":"a@x","` + testEmailClaim + `":"b@x"`,
		"invalid UTF-8":          ",\"scope\":\"read:messages \xff\"",
		"roles not an array":     `,"` + testRolesClaim + `":"admin"`,
		"email not a string":     `,"` + testEmailClaim + `":["a@x"]`,
		"permissions of numbers": `,"permissions":[1,2]`,
	} {
		_, err := a.Verify(t.Context(), ti.signRaw(t, "k0", base(extra)))
		if !errors.Is(err, auth0gin.ErrInvalidClaims) {
			t.Errorf("%s: err = %v, want auth0gin.ErrInvalidClaims", name, err)
		}
	}
}

// Concurrent first hits on a cached token unpack its user once: every hit
// gets the same user (run with -race).
func TestCachedUserFirstHitsConcurrent(t *testing.T) {
	ti := newTestIssuer(t)
	a := mustNew(t, ti.config())
	tok := ti.token(t, nil)
	if _, err := a.Verify(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	got := make([]*auth0gin.Auth0User, 16)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			u, err := a.Verify(t.Context(), tok)
			if err != nil {
				t.Error(err)
			}
			got[i] = u
		})
	}
	wg.Wait()
	for _, u := range got {
		if u != got[0] || u.ID != "auth0|alice" {
			t.Fatalf("hits returned different users: %p %p", u, got[0])
		}
	}
}

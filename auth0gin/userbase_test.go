package auth0gin_test

import (
	"errors"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// twoTenants trusts two issuers in one Auth0, with the given groups.
func twoTenants(t *testing.T, cache bool, groups func(a, b string) [][]string) (*testIssuer, *testIssuer, *auth0gin.Auth0) {
	t.Helper()
	ta, tb := newTestIssuer(t), newTestIssuer(t)
	cfg := ta.config()
	cfg.Issuers = []string{ta.iss(), tb.iss()}
	if groups != nil {
		cfg.SharedUserBases = groups(ta.iss(), tb.iss())
	}
	if !cache {
		cfg = noCache(cfg)
	}
	return ta, tb, mustNew(t, cfg)
}

// Finding 1 (issue 23): the same sub from two tenants is two users. UserBase
// is the token's issuer, set at verification, on a cache hit as on a miss.
func TestUserBaseIsTheIssuer(t *testing.T) {
	for _, cache := range []bool{false, true} {
		ta, tb, a := twoTenants(t, cache, nil)
		for range 2 { // the second round hits the cache, when there is one
			ua, err := a.Verify(t.Context(), ta.token(t, nil))
			if err != nil {
				t.Fatal(err)
			}
			ub, err := a.Verify(t.Context(), tb.token(t, nil))
			if err != nil {
				t.Fatal(err)
			}
			if ua.ID != ub.ID {
				t.Fatalf("the test wants one sub from both tenants: %q, %q", ua.ID, ub.ID)
			}
			if ua.UserBase != ta.iss() || ub.UserBase != tb.iss() {
				t.Errorf("cache %v: UserBase = %q and %q, want each token's issuer %q and %q", cache, ua.UserBase, ub.UserBase, ta.iss(), tb.iss())
			}
		}
	}
}

// Issuers grouped by SharedUserBases share the group's first issuer as their
// UserBase, and it survives MarshalBinary.
func TestSharedUserBases(t *testing.T) {
	ta, tb, a := twoTenants(t, true, func(a, b string) [][]string { return [][]string{{b, a}} })
	for range 2 {
		ua, err := a.Verify(t.Context(), ta.token(t, nil))
		if err != nil {
			t.Fatal(err)
		}
		if ua.UserBase != tb.iss() {
			t.Errorf("UserBase = %q, want the group's first issuer %q", ua.UserBase, tb.iss())
		}
		b, err := ua.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back auth0gin.Auth0User
		if err := back.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		if back.UserBase != tb.iss() || back.Issuer != ta.iss() || back.ID != ua.ID {
			t.Errorf("after UnmarshalBinary: UserBase %q, Issuer %q, ID %q", back.UserBase, back.Issuer, back.ID)
		}
	}
}

// A cache shared with an API that groups issuers differently cannot lend it
// its UserBase: each Auth0 names the user base from its own Config.
func TestSharedCacheDoesNotCarryUserBase(t *testing.T) {
	ta, tb := newTestIssuer(t), newTestIssuer(t)
	cache := auth0gin.NewMemoryCache(0, 0)
	grouped, apart := ta.config(), ta.config()
	grouped.Issuers, apart.Issuers = []string{ta.iss(), tb.iss()}, []string{ta.iss(), tb.iss()}
	grouped.SharedUserBases = [][]string{{tb.iss(), ta.iss()}}
	grouped.Cache, apart.Cache = cache, cache
	tok := ta.token(t, nil)
	if u, err := mustNew(t, grouped).Verify(t.Context(), tok); err != nil || u.UserBase != tb.iss() {
		t.Fatalf("grouped: %v %v", u, err)
	}
	if u, err := mustNew(t, apart).Verify(t.Context(), tok); err != nil || u.UserBase != ta.iss() {
		t.Fatalf("apart, from the shared cache: UserBase %q, err %v; want %q", u.UserBase, err, ta.iss())
	}
}

func TestSharedUserBasesAreChecked(t *testing.T) {
	base := auth0gin.Config{Domain: "tenant.auth0.com", Audience: []string{"https://api"},
		Issuers: []string{"https://a.example/", "https://b.example/", "https://c.example/"}}
	for name, groups := range map[string][][]string{
		"an untrusted issuer":     {{"https://a.example/", "https://evil.example/"}},
		"an issuer in two groups": {{"https://a.example/", "https://b.example/"}, {"https://c.example/", "https://a.example/"}},
		"an issuer twice in one":  {{"https://a.example/", "https://a.example/"}},
		"an empty group":          {{}},
		"a spelling of an issuer": {{"https://a.example", "https://b.example/"}},
	} {
		cfg := base
		cfg.SharedUserBases = groups
		if _, err := auth0gin.New(cfg); !errors.Is(err, auth0gin.ErrConfig) {
			t.Errorf("%s: err = %v, want ErrConfig", name, err)
		}
	}
	cfg := base
	mine := [][]string{{"https://a.example/", "https://b.example/"}}
	cfg.SharedUserBases = mine
	a := mustNew(t, cfg)
	mine[0][0] = "https://c.example/"
	a.Config().SharedUserBases[0][0] = "https://c.example/"
	if got := a.Config().SharedUserBases[0][0]; got != "https://a.example/" {
		t.Errorf("the SharedUserBases slices are shared with the caller: %q", got)
	}
}

// Finding 1 (issue 23): ForgetUser of A's user forgets A's tokens only, not
// those of the same sub from tenant B.
func TestForgetUserIsPerUserBase(t *testing.T) {
	ta, tb, _ := twoTenants(t, true, nil)
	cache := auth0gin.NewTestCache(0, 0)
	cfg := ta.config()
	cfg.Issuers, cfg.Cache = []string{ta.iss(), tb.iss()}, cache
	a := mustNew(t, cfg)
	tokA, tokB := ta.token(t, nil), tb.token(t, nil)
	for _, tok := range []string{tokA, tokB} {
		if _, err := a.Verify(t.Context(), tok); err != nil {
			t.Fatal(err)
		}
	}
	a.ForgetUser(t.Context(), ta.iss(), "auth0|alice")
	if _, ok := cache.Get(t.Context(), tokA); ok {
		t.Error("A's token is still cached")
	}
	if _, ok := cache.Get(t.Context(), tokB); !ok {
		t.Error("ForgetUser of A's user forgot B's token of the same sub")
	}
}

package users_test

import (
	"context"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/users"

	"github.com/auth0gin/auth0gin/auth0gin/internal/tenanturl"
)

// TestResolutionOrder walks every branch of find → link → create, on both
// ready stores, against the dev tenant's Management API.
func TestResolutionOrder(t *testing.T) {
	tenant := newTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	ctx := context.Background()

	eachStore(t, func(t *testing.T, st *users.SQLStore) {
		src := &counting{src: users.ManagementSource(mgmtClient(t, tenant))}
		res := newResolver(t, users.Config[users.User]{Store: st, Profiles: src})
		alice := verify(t, auth, tenant.Token(t))
		resolve := func(u *auth0gin.Auth0User) *users.Current[users.User] {
			t.Helper()
			cur, err := res.Resolve(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			return cur
		}
		rows := func() int {
			t.Helper()
			n, err := st.Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		t.Run("email match links the Auth0 id", func(t *testing.T) {
			imported, err := st.Insert(ctx, "Alice@Example.com", "Imported Alice")
			if err != nil {
				t.Fatal(err)
			}
			cur := resolve(alice)
			if cur.User.ID != imported.ID || cur.User.Auth0ID != devtenant.Alice.ID {
				t.Fatalf("want the imported row %d linked to alice, got %+v", imported.ID, cur.User)
			}
			// The token has no name claim, so the profile was fetched: it
			// told that the email is verified.
			if got := src.n.Load(); got != 1 {
				t.Errorf("profile fetches: %d, want 1", got)
			}
		})

		t.Run("found by Auth0 id, then from the cache", func(t *testing.T) {
			res.InvalidateAll()
			before := src.n.Load()
			first := resolve(alice)
			again := resolve(alice)
			if first.User.ID != again.User.ID || first.User.Auth0ID != devtenant.Alice.ID {
				t.Fatalf("%+v vs %+v", first.User, again.User)
			}
			if src.n.Load() != before {
				t.Error("a known user fetched a profile")
			}
			if rows() != 1 {
				t.Errorf("rows: %d", rows())
			}
		})

		t.Run("unverified email never links", func(t *testing.T) {
			imported, err := st.Insert(ctx, carolEmail, "Imported Carol")
			if err != nil {
				t.Fatal(err)
			}
			// Her token even claims a verified email; with no name claim the
			// profile is fetched, and Auth0's word (unverified) wins.
			carol := verify(t, auth, tenant.Token(t, auth0test.User(carolEmail),
				auth0test.Claims(map[string]any{"email_verified": true})))
			cur := resolve(carol)
			if cur.User.ID == imported.ID {
				t.Fatal("carol's unverified email linked the imported row")
			}
			if cur.User.Auth0ID != carolID || cur.User.Email != carolEmail || cur.User.Name != "Carol Unverified" {
				t.Errorf("carol's new row: %+v", cur.User)
			}
			if _, err := st.FindByAuth0ID(ctx, base(auth), carolID); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("profile fetched when the claims lack a name", func(t *testing.T) {
			before := src.n.Load()
			bob := verify(t, auth, tenant.Token(t, auth0test.User(devtenant.Bob.Email)))
			cur := resolve(bob)
			if cur.User.Name != "Bob Example" || cur.User.Email != devtenant.Bob.Email {
				t.Errorf("bob: %+v", cur.User)
			}
			if src.n.Load() != before+1 {
				t.Errorf("profile fetches: %d, want %d", src.n.Load(), before+1)
			}
		})

		t.Run("deleted from the app's database, created again", func(t *testing.T) {
			bob := verify(t, auth, tenant.Token(t, auth0test.User(devtenant.Bob.Email)))
			old := resolve(bob)
			if err := st.Delete(ctx, base(auth), devtenant.Bob.ID); err != nil {
				t.Fatal(err)
			}
			res.Invalidate(base(auth), devtenant.Bob.ID)
			cur := resolve(bob)
			if cur.User.ID == old.User.ID || cur.User.Auth0ID != devtenant.Bob.ID {
				t.Fatalf("recreated: %+v (old %+v)", cur.User, old.User)
			}
			if _, err := st.FindByAuth0ID(ctx, base(auth), devtenant.Bob.ID); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("claims that carry the profile need no fetch", func(t *testing.T) {
			res := newResolver(t, users.Config[users.User]{Store: st, Profiles: src,
				NameClaim: "https://example.com/name", EmailVerifiedClaim: "https://example.com/email_verified"})
			before := src.n.Load()
			dave := verify(t, auth, tenant.Token(t, auth0test.Subject("auth0|dave"), auth0test.Email("dave@example.com"),
				auth0test.Claims(map[string]any{"https://example.com/name": "Dave From Claims", "https://example.com/email_verified": true})))
			cur := resolve2(t, res, dave)
			if cur.User.Name != "Dave From Claims" || cur.User.Email != "dave@example.com" || cur.User.Auth0ID != "auth0|dave" {
				t.Errorf("dave: %+v", cur.User)
			}
			if src.n.Load() != before {
				t.Error("complete claims still fetched the profile")
			}
		})

		t.Run("a machine token is a machine, never a row", func(t *testing.T) {
			before := rows()
			m := verify(t, auth, tenant.M2MToken(t))
			cur := resolve(m)
			if cur.Machine == nil || cur.Machine.ClientID != devtenant.M2MClient.ID {
				t.Fatalf("machine: %+v", cur)
			}
			if rows() != before {
				t.Error("a machine token made a row")
			}
		})
	})
}

func resolve2(t *testing.T, res *users.Resolver[users.User], u *auth0gin.Auth0User) *users.Current[users.User] {
	t.Helper()
	cur, err := res.Resolve(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return cur
}

// TestUserinfoSource: without a machine client, the profile comes from
// /userinfo with the caller's own token.
func TestUserinfoSource(t *testing.T) {
	tenant := newTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	st := sqliteStore(t)
	src := &counting{src: users.UserinfoSource(tenanturl.Endpoint(auth.Config().Issuers, "userinfo"))}
	res := newResolver(t, users.Config[users.User]{Store: st, Profiles: src})
	tok := tenant.Token(t, auth0test.Scopes("openid", "profile", "email", "read:messages"))
	cur, err := res.Resolve(users.WithToken(context.Background(), tok), verify(t, auth, tok))
	if err != nil {
		t.Fatal(err)
	}
	if cur.User.Name != "Alice Example" || cur.User.Email != devtenant.Alice.Email || src.n.Load() != 1 {
		t.Errorf("alice from /userinfo: %+v, %d fetches", cur.User, src.n.Load())
	}

	// A session cookie carries no token to send: the claims make the row.
	bob := verify(t, auth, tenant.Token(t, auth0test.User(devtenant.Bob.Email)))
	cur, err = res.Resolve(context.Background(), bob)
	if err != nil {
		t.Fatal(err)
	}
	if cur.User.Auth0ID != devtenant.Bob.ID || cur.User.Email != devtenant.Bob.Email {
		t.Errorf("bob from claims: %+v", cur.User)
	}

	// A token /userinfo refuses (no openid scope, so not for /userinfo):
	// no profile to get with it, so the claims make the row.
	st2 := sqliteStore(t)
	res2 := newResolver(t, users.Config[users.User]{Store: st2, Profiles: users.UserinfoSource(tenanturl.Endpoint(auth.Config().Issuers, "userinfo"))})
	plain := tenant.Token(t)
	cur, err = res2.Resolve(users.WithToken(context.Background(), plain), verify(t, auth, plain))
	if err != nil || cur.User.Email != devtenant.Alice.Email || cur.User.Name != "" {
		t.Errorf("refused by /userinfo: %+v %v", cur, err)
	}
}

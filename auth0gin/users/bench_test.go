package users_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/users"
)

func answer(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"message": "Hello from a private endpoint! You need to be authenticated and have a scope of read:messages to see this."})
}

func answerUser(c *gin.Context) {
	u, ok := users.From[users.User](c)
	if !ok || u.ID == 0 {
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	answer(c)
}

// BenchmarkHotUser is the hot path: one token, its user resolved and cached,
// against bare Gin and the guard alone, all serving the same JSON. The
// ratio bare-gin/auth0gin+users is the hot request's share of bare Gin's
// throughput.
func BenchmarkHotUser(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	tenant := newTenant(b)
	auth := auth0gin.MustNew(tenant.Config())
	tok := tenant.Token(b)
	res := newResolver(b, users.Config[users.User]{Store: sqliteStore(b), Profiles: users.ManagementSource(mgmtClient(b, tenant))})

	bare := gin.New()
	bare.GET("/scoped", answer)
	guard := gin.New()
	guard.GET("/scoped", auth.RequireScopes("read:messages"), answer)
	full := gin.New()
	full.GET("/scoped", auth.RequireScopes("read:messages"), res.Require(), answerUser)
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{{"bare-gin", bare}, {"auth0gin", guard}, {"auth0gin+users", full}} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/scoped", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				bc.h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// BenchmarkColdUser is the first sight of a user: every iteration resolves
// a user the app has never seen, so it looks the id up, fetches the profile
// (from the dev tenant's Management API, over loopback HTTP) or takes it
// from complete claims, and inserts the row.
func BenchmarkColdUser(b *testing.B) {
	tenant := newTenant(b)
	auth := auth0gin.MustNew(tenant.Config())
	mgmt := users.ManagementSource(mgmtClient(b, tenant))
	// Tokens of users the tenant does not know: their claims carry the
	// whole profile, or (for the fetch) alice, deleted and re-created.
	for _, store := range []struct {
		name string
		open func(testing.TB) *users.SQLStore
	}{{"sqlite", sqliteStore}, {"postgres", pgStore}} {
		b.Run(store.name+"/claims", func(b *testing.B) {
			st := store.open(b)
			res := newResolver(b, users.Config[users.User]{Store: st, CacheTTL: -1})
			us := make([]*auth0gin.Auth0User, 0, 4096)
			for i := range cap(us) {
				us = append(us, verify(b, auth, tenant.Token(b, auth0test.Subject(fmt.Sprintf("auth0|cold%d", i)),
					auth0test.Email(fmt.Sprintf("cold%d@example.com", i)),
					auth0test.Claims(map[string]any{"name": "Cold", "email_verified": true}))))
			}
			ctx := context.Background()
			i := 0
			for b.Loop() {
				if i == len(us) {
					b.StopTimer()
					if _, err := st.DB().ExecContext(ctx, "DELETE FROM "+st.Table()); err != nil {
						b.Fatal(err)
					}
					i = 0
					b.StartTimer()
				}
				if _, err := res.Resolve(ctx, us[i]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(store.name+"/management", func(b *testing.B) {
			st := store.open(b)
			res := newResolver(b, users.Config[users.User]{Store: st, Profiles: mgmt, CacheTTL: -1})
			alice := verify(b, auth, tenant.Token(b))
			ctx := context.Background()
			for b.Loop() {
				if _, err := res.Resolve(ctx, alice); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := st.Delete(ctx, alice.UserBase, alice.ID); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

package users_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/users"
)

// TestConcurrentFirstRequests: 100 concurrent first requests of one new
// user, through the guard and the middleware, make one row and one profile
// fetch, on a SQLite file and on PostgreSQL.
func TestConcurrentFirstRequests(t *testing.T) {
	tenant := newTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	token := tenant.Token(t)

	run := func(t *testing.T, st *users.SQLStore) {
		src := &counting{src: users.ManagementSource(mgmtClient(t, tenant))}
		res := newResolver(t, users.Config[users.User]{Store: st, Profiles: src})
		gin.SetMode(gin.TestMode)
		r := gin.New()
		r.GET("/api/me", auth.RequireScopes(), res.Require(), func(c *gin.Context) {
			u, _ := users.From[users.User](c)
			c.JSON(http.StatusOK, gin.H{"id": u.ID})
		})

		const n = 100
		var wg sync.WaitGroup
		start := make(chan struct{})
		codes := make([]int, n)
		bodies := make([]string, n)
		for i := range n {
			wg.Go(func() {
				req := httptest.NewRequest(http.MethodGet, "/api/me", nil)
				req.Header.Set("Authorization", "Bearer "+token)
				w := httptest.NewRecorder()
				<-start
				r.ServeHTTP(w, req)
				codes[i], bodies[i] = w.Code, w.Body.String()
			})
		}
		close(start)
		wg.Wait()
		for i := range n {
			if codes[i] != http.StatusOK || bodies[i] != bodies[0] {
				t.Fatalf("request %d: %d %s (request 0: %s)", i, codes[i], bodies[i], bodies[0])
			}
		}
		if got, err := st.Count(context.Background()); err != nil || got != 1 {
			t.Errorf("rows: %d (%v), want 1", got, err)
		}
		if got := src.n.Load(); got != 1 {
			t.Errorf("profile fetches: %d, want 1", got)
		}
		if _, err := st.FindByAuth0ID(context.Background(), base(auth), devtenant.Alice.ID); err != nil {
			t.Error(err)
		}
	}
	t.Run("sqlite file", func(t *testing.T) {
		st, err := users.OpenSQL(context.Background(), "sqlite://"+filepath.Join(t.TempDir(), "app.db"), "")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		run(t, st)
	})
	t.Run("postgres", func(t *testing.T) { run(t, pgStore(t)) })
}

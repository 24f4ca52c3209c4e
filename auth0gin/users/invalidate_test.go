package users_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/users"
)

// gatedStore counts lookups, and holds the first one until released.
type gatedStore struct {
	users.Store[users.User]
	finds   atomic.Int64
	entered chan struct{}
	release chan struct{}
}

func (g *gatedStore) FindByAuth0ID(ctx context.Context, userBase, id string) (users.User, error) {
	if g.finds.Add(1) == 1 {
		close(g.entered)
		<-g.release
	}
	return g.Store.FindByAuth0ID(ctx, userBase, id)
}

// TestInvalidateDuringResolution: the app changes a user's row and calls
// Invalidate while a resolution that read the row before the change is
// still running. That resolution must not put what it read into the cache
// after the Invalidate (the app would be served the old row for a whole
// CacheTTL), and requests after the Invalidate must not join it.
func TestInvalidateDuringResolution(t *testing.T) {
	tenant := newTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	u := verify(t, auth, tenant.Token(t))
	st := &gatedStore{Store: sqliteStore(t), entered: make(chan struct{}), release: make(chan struct{})}
	res := newResolver(t, users.Config[users.User]{Store: st})
	ctx := context.Background()

	done := make(chan error, 1)
	go func() { _, err := res.Resolve(ctx, u); done <- err }()
	<-st.entered // the first resolution is reading the row
	res.Invalidate(u.UserBase, u.ID)
	second := make(chan error, 1)
	go func() { _, err := res.Resolve(ctx, u); second <- err }()
	close(st.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if _, err := res.Resolve(ctx, u); err != nil {
		t.Fatal(err)
	}
	// One lookup for the first resolution, at least one after the
	// Invalidate; before the fix the second joined the first flight and the
	// third was served its stale result from the cache.
	if n := st.finds.Load(); n < 2 {
		t.Errorf("%d lookups: the resolution begun before Invalidate served everything after it", n)
	}
}

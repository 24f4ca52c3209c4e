package login_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// WaitReplicas forwards to the wrapped store when it has the method (the
// optional interface the flows look for), else confirms at once.
func (c *countingStore) WaitReplicas(ctx context.Context, key string, n int, timeout time.Duration) error {
	if err := c.count("WaitReplicas"); err != nil {
		return err
	}
	if w, ok := c.Store.(interface {
		WaitReplicas(context.Context, string, int, time.Duration) error
	}); ok {
		return w.WaitReplicas(ctx, key, n, timeout)
	}
	return nil
}

// replicated is a store whose replicas confirm, or not (lagging).
type replicated struct {
	store.Store
	lagging atomic.Bool
	asked   atomic.Int64
}

func (r *replicated) WaitReplicas(_ context.Context, _ string, n int, timeout time.Duration) error {
	r.asked.Add(1)
	if n != 1 || timeout != 250*time.Millisecond {
		return fmt.Errorf("WaitReplicas(%d, %v)", n, timeout)
	}
	if r.lagging.Load() {
		return fmt.Errorf("%w: 0 of 1 replicas confirmed in %v", auth0gin.ErrUnavailable, timeout)
	}
	return nil
}

// TestReplicaWait (issue 24): with ReplicaWait, a login and a refresh wait
// for one replica; unconfirmed, 503 with Retry-After. The refused login's
// refresh token is revoked; the refused refresh keeps its rows, so a retry
// with the same token gets the one new token, with one refresh grant.
func TestReplicaWait(t *testing.T) {
	st := &replicated{Store: newMemStore()}
	h := newHarness(t, nil, st, func(c *login.Config) { c.ReplicaWait = 250 * time.Millisecond })
	st.lagging.Store(true)
	if r := h.login(devtenant.Alice.Email, devtenant.Alice.Password); r.status != 503 || r.header.Get("Retry-After") == "" {
		t.Fatalf("login, no replica: %d %s", r.status, r.body)
	}
	st.lagging.Store(false)
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	st.lagging.Store(true)
	if r := h.refresh(a.AccessToken); r.status != 503 || r.header.Get("Retry-After") == "" {
		t.Fatalf("refresh, no replica: %d %s", r.status, r.body)
	}
	st.lagging.Store(false)
	b := h.refresh(a.AccessToken).answer(t)
	if c := h.refresh(b.AccessToken); c.status != 200 {
		t.Fatalf("refreshing the new token: %d %s", c.status, c.body)
	}
	s := h.tenant.Stats()
	if s.Grants["refresh_token"] != 2 || s.RefreshReuseRevocations != 0 {
		t.Errorf("tenant counters: %+v", s)
	}
	if st.asked.Load() != 4 {
		t.Errorf("%d waits, want 4 (two logins, two refreshes that wrote; the retry is the grace answer)", st.asked.Load())
	}
	// Off (the default): never asked.
	st.asked.Store(0)
	off := newHarness(t, h.tenant, st)
	off.refresh(off.login(devtenant.Bob.Email, devtenant.Bob.Password).answer(t).AccessToken).answer(t)
	if st.asked.Load() != 0 {
		t.Errorf("ReplicaWait 0 waited %d times", st.asked.Load())
	}
}

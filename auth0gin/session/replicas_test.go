package session_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// WaitReplicas forwards to the wrapped store when it has the method (the
// optional interface the flows look for), else confirms at once.
func (f *faulty) WaitReplicas(ctx context.Context, key string, n int, timeout time.Duration) error {
	if err := f.err(); err != nil {
		return err
	}
	if w, ok := f.Store.(interface {
		WaitReplicas(context.Context, string, int, time.Duration) error
	}); ok {
		return w.WaitReplicas(ctx, key, n, timeout)
	}
	return nil
}

type replicated struct {
	store.Store
	lagging atomic.Bool
	asked   atomic.Int64
}

func (r *replicated) WaitReplicas(_ context.Context, _ string, n int, timeout time.Duration) error {
	r.asked.Add(1)
	if r.lagging.Load() {
		return fmt.Errorf("%w: 0 of %d replicas in %v", auth0gin.ErrUnavailable, n, timeout)
	}
	return nil
}

// TestReplicaWait (issue 24): with ReplicaWait, a new session waits for one
// replica; unconfirmed, the login is 503 with Retry-After and no cookie.
func TestReplicaWait(t *testing.T) {
	st := &replicated{Store: newStore(t)}
	e := newEnv(t, st, auth0test.NewTenant(t), session.Config{ReplicaWait: 250 * time.Millisecond})
	tok := e.tenant.Token(t)
	st.lagging.Store(true)
	r := e.do("POST", "/auth/session", map[string]string{"Authorization": "Bearer " + tok})
	if r.code != 503 || r.h.Get("Retry-After") == "" || r.h.Get("Set-Cookie") != "" {
		t.Fatalf("no replica: %d %v %s", r.code, r.h, r.raw)
	}
	st.lagging.Store(false)
	c := e.login(tok)
	if r := e.do("GET", "/api/private", cookieH(c)); r.code != 200 {
		t.Fatalf("the session: %d %s", r.code, r.raw)
	}
	if st.asked.Load() != 2 {
		t.Errorf("%d waits, want 2", st.asked.Load())
	}
}

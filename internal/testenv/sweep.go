package testenv

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// Sweeper is a store that deletes its expired rows on demand (SQLite,
// PostgreSQL).
type Sweeper interface {
	store.Store
	Sweep(ctx context.Context) (int64, error)
}

// Sweep checks st's Sweep: it removes the expired values and members, and
// only those. st must read its time from clock and be otherwise unused.
func Sweep(t *testing.T, st Sweeper, clock *Clock) {
	t.Helper()
	ctx := t.Context()
	soon := clock.Now().Add(time.Minute)
	for i := range 10 {
		if err := st.Set(ctx, fmt.Sprint("k", i), []byte("v"), soon); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Set(ctx, "live", []byte("v"), clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.AddMember(ctx, "set", "m", soon); err != nil {
		t.Fatal(err)
	}
	if n, err := st.Sweep(ctx); err != nil || n != 0 {
		t.Fatalf("Sweep before expiry = %d, %v; want 0", n, err)
	}
	clock.Advance(2 * time.Minute)
	if n, err := st.Sweep(ctx); err != nil || n != 11 {
		t.Fatalf("Sweep after expiry = %d, %v; want 11", n, err)
	}
	if _, err := st.Get(ctx, "live"); err != nil {
		t.Fatalf("Sweep removed a live value: %v", err)
	}
}

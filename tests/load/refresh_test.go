package main

import (
	"context"
	"testing"
	"time"
)

// TestRefreshLoad runs the refresh measurement small: every refresh must be
// answered, with one tenant grant each and no reuse detection (correctness
// only: never timing).
func TestRefreshLoad(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rs, err := measureRefresh(ctx, refreshPlan{chains: 4, duration: 300 * time.Millisecond, rounds: 1}, refreshStores(), quiet())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.refreshes == 0 || int64(r.grants) != r.refreshes || r.failures != 0 {
			t.Errorf("%s: %+v", r.store, r)
		}
	}
}

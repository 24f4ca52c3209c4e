package auth0gin

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/internal/dpop"
)

// One proof key cannot fill the in-memory replay cache: past its share its
// own proofs are refused, and another key's fresh proof is still added.
func TestMemoryReplayOneKeyCannotFillTheCache(t *testing.T) {
	m := newMemoryReplay(1000, time.Minute)
	ctx := context.Background()
	exp := time.Now().Add(2 * time.Minute)
	var added int
	for i := range 1000 {
		ok, err := m.Add(ctx, replayKey(dpop.Proof{Thumbprint: "attacker", JTI: fmt.Sprint(i)}), []byte{1}, exp)
		if errors.Is(err, errReplayKeyFull) {
			break
		}
		if !ok || err != nil {
			t.Fatal(i, ok, err)
		}
		added++
	}
	if added >= 1000 {
		t.Errorf("one key added %d proofs: the whole cache", added)
	}
	if added < 500 {
		t.Errorf("one key was refused after %d proofs, with the cache less than half full", added)
	}
	ok, err := m.Add(ctx, replayKey(dpop.Proof{Thumbprint: "victim", JTI: "fresh"}), []byte{1}, exp)
	if !ok || err != nil {
		t.Errorf("another key's fresh proof after one key took its share: added %v, err %v", ok, err)
	}
	// The share frees up as the key's entries expire.
	m.now = func() time.Time { return exp.Add(2 * time.Minute) }
	if ok, err := m.Add(ctx, replayKey(dpop.Proof{Thumbprint: "attacker", JTI: "later"}), []byte{1}, exp.Add(4*time.Minute)); !ok || err != nil {
		t.Errorf("the key's proof once its entries expired: added %v, err %v", ok, err)
	}
}

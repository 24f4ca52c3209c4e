package auth0gin

import (
	"context"
	"errors"
	"sync"
	"time"
)

// errReplayFull: the in-memory replay cache holds its maximum of unexpired
// proofs. It fails closed: a proof it cannot remember is not accepted.
var errReplayFull = errors.New("auth0gin: the in-memory DPoP replay cache is full")

// memoryReplay is the default replay cache (Config.DPoPReplay): one
// instance's memory, bounded. Entries are kept in buckets by expiry, each
// bucket span wide, and a bucket is dropped whole once its span has passed,
// so expiry costs nothing per entry and an entry is never dropped early.
type memoryReplay struct {
	mu      sync.Mutex
	span    int64 // bucket width, ns
	max     int
	n       int
	buckets map[int64]map[string]struct{} // by expiry / span
	now     func() time.Time
}

func newMemoryReplay(max int, window time.Duration) *memoryReplay {
	span := max64(int64(window/2), int64(time.Second))
	return &memoryReplay{span: span, max: max, buckets: map[int64]map[string]struct{}{}, now: time.Now}
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// Add inserts key until expiresAt unless it is present and unexpired.
func (m *memoryReplay) Add(_ context.Context, key string, _ []byte, expiresAt time.Time) (bool, error) {
	now := m.now().UnixNano()
	exp := expiresAt.UnixNano()
	if exp <= now {
		return true, nil // expired already: nothing to remember
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for b, set := range m.buckets {
		if (b+1)*m.span <= now { // every entry of b has expired
			m.n -= len(set)
			delete(m.buckets, b)
			continue
		}
		if _, ok := set[key]; ok {
			return false, nil
		}
	}
	if m.n >= m.max {
		return false, errReplayFull
	}
	b := exp / m.span
	set := m.buckets[b]
	if set == nil {
		set = map[string]struct{}{}
		m.buckets[b] = set
	}
	set[key] = struct{}{}
	m.n++
	return true, nil
}

package auth0gin

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"
)

// errReplayFull: the in-memory replay cache holds its maximum of unexpired
// proofs. It fails closed: a proof it cannot remember is not accepted.
var errReplayFull = errors.New("auth0gin: the in-memory DPoP replay cache is full")

// errReplayKeyFull: the in-memory replay cache is half full and one proof
// key holds more than its share of it (1/replayShare of the bound). Its
// proofs are refused (401 invalid_dpop_proof) until some expire; other
// keys' proofs still pass.
var errReplayKeyFull = errors.New("auth0gin: one DPoP key holds its share of the in-memory replay cache")

// replayShare: once the in-memory replay cache is half full, a proof key
// holding more than 1/replayShare of its bound (65,536 proofs at the
// default bound) has its proofs refused, so that one client with one bound
// token cannot fill it and lock every other client out. Below half full
// the share does not apply: a busy legitimate client (a backend sending
// thousands of requests a second with one key) is never refused for its
// rate while there is room.
const replayShare = 16

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
	share   int                           // the most entries one proof key may hold
	perKey  map[string]int                // entries by replayOwner
	now     func() time.Time
}

func newMemoryReplay(maxEntries int, window time.Duration) *memoryReplay {
	span := max64(int64(window/2), int64(time.Second))
	return &memoryReplay{span: span, max: maxEntries, buckets: map[int64]map[string]struct{}{},
		share: max(1, maxEntries/replayShare), perKey: map[string]int{}, now: time.Now}
}

// replayOwner is the proof key part of a replayKey ("" for another key).
func replayOwner(key string) string {
	rest, ok := strings.CutPrefix(key, replayKeyPrefix)
	if !ok {
		return ""
	}
	owner, _, _ := strings.Cut(rest, ".")
	return owner
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
			for k := range set {
				if o := replayOwner(k); o != "" {
					if m.perKey[o]--; m.perKey[o] <= 0 {
						delete(m.perKey, o)
					}
				}
			}
			delete(m.buckets, b)
			continue
		}
		if _, ok := set[key]; ok {
			return false, nil
		}
	}
	owner := replayOwner(key)
	if owner != "" && m.perKey[owner] >= m.share && m.n >= m.max/2 {
		return false, errReplayKeyFull
	}
	if m.n >= m.max {
		return false, errReplayFull
	}
	if owner != "" {
		m.perKey[owner]++
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

package devtenant

import (
	"sync"
	"sync/atomic"
	"time"
)

// jtiSet is the tenant's DPoP replay cache (RFC 9449 §11.1): the jti of
// each proof it accepted, per key, until the proof expires. A proof is
// checked before the client authenticates, so anyone can add to it with a
// key of their own; it is bounded, and when full it refuses new proofs
// rather than forget a live jti (which would let that proof be replayed).
// One key holds at most perKey of the entries, so one self-made key cannot
// fill the set for every other client.
//
// Entries are filed by the second they expire: expiry drops the buckets
// whose second has passed, in time proportional to what it drops, under
// the set's own lock, never the tenant's.
type jtiSet struct {
	max, perKey int // bounds: entries in all, entries of one key

	mu      sync.Mutex
	seen    map[jtiKey]struct{}
	keys    map[string]int     // entries by key thumbprint
	buckets map[int64][]jtiKey // by the unix second at which they expire
	swept   int64              // buckets up to this second are gone

	lastWarn atomic.Int64 // unix second of the last "full" warning
}

// jtiKey is a jti as seen with one key: jtis are unique per key, so one
// key's proofs cannot collide with another's.
type jtiKey struct{ jkt, jti string }

// jtiResult is what jtiSet.add made of a proof's jti.
type jtiResult int

const (
	jtiNew     jtiResult = iota // recorded: the proof may be used
	jtiReplay                   // seen before and still live: a replay
	jtiFull                     // the set is full: refused, not recorded
	jtiKeyFull                  // this key holds its share: refused, not recorded
)

func newJTISet(n int) *jtiSet {
	return &jtiSet{
		max: n, perKey: max(n/10, 1),
		seen: map[jtiKey]struct{}{}, keys: map[string]int{}, buckets: map[int64][]jtiKey{},
	}
}

// add records jti, of a proof of the key with thumbprint jkt that expires
// at expires, and says whether it is new. When the set or the key's share
// is full it records nothing and gives how long until entries next expire
// (a Retry-After).
func (s *jtiSet) add(jkt, jti string, expires, now time.Time) (jtiResult, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	k := jtiKey{jkt, jti}
	if _, ok := s.seen[k]; ok {
		return jtiReplay, 0
	}
	switch {
	case len(s.seen) >= s.max:
		return jtiFull, s.retryAfter(now)
	case s.keys[jkt] >= s.perKey:
		return jtiKeyFull, s.retryAfter(now)
	}
	sec := expires.Unix()
	if expires.After(time.Unix(sec, 0)) {
		sec++ // rounded up: kept until it has expired
	}
	sec = max(sec, s.swept+1) // a bucket that is not already swept
	s.seen[k] = struct{}{}
	s.keys[jkt]++
	s.buckets[sec] = append(s.buckets[sec], k)
	return jtiNew, 0
}

// expire drops the entries expired at now: the buckets from the last sweep
// up to now, or, after a long gap, whichever buckets are due.
func (s *jtiSet) expire(now time.Time) {
	n := now.Unix()
	if n <= s.swept {
		return
	}
	if n-s.swept > int64(len(s.buckets)) {
		for sec, b := range s.buckets {
			if sec <= n {
				s.drop(sec, b)
			}
		}
	} else {
		for sec := s.swept + 1; sec <= n; sec++ {
			if b, ok := s.buckets[sec]; ok {
				s.drop(sec, b)
			}
		}
	}
	s.swept = n
}

func (s *jtiSet) drop(sec int64, b []jtiKey) {
	for _, k := range b {
		delete(s.seen, k)
		if s.keys[k.jkt]--; s.keys[k.jkt] <= 0 {
			delete(s.keys, k.jkt)
		}
	}
	delete(s.buckets, sec)
}

// retryAfter is how long until the next bucket expires, at least a second.
func (s *jtiSet) retryAfter(now time.Time) time.Duration {
	next := int64(-1)
	for sec := range s.buckets {
		if next < 0 || sec < next {
			next = sec
		}
	}
	return max(time.Unix(next, 0).Sub(now), time.Second)
}

// len is the number of entries.
func (s *jtiSet) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seen)
}

// warnNow reports whether a "full" warning may be logged now: once a
// minute at most.
func (s *jtiSet) warnNow(now time.Time) bool {
	last := s.lastWarn.Load()
	return now.Unix()-last >= 60 && s.lastWarn.CompareAndSwap(last, now.Unix())
}

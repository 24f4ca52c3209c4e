package login

import (
	"crypto/rand"
	"sync"
	"time"
)

// ghosts remembers the locks this process may hold without knowing it: an
// Add that failed with an error (a timeout, a connection reset) may still
// have been applied by the store. Without this, a refresh after such a
// hiccup would wait for its own lock to expire; with it, the next refresh of
// the same token here finds its nonce in the lock and carries on.
type ghosts struct {
	mu sync.Mutex
	m  map[string]ghost // by token hash
}

type ghost struct {
	nonce   string
	expires time.Time
}

// maxGhosts bounds the table; past it, expired entries go, then all.
const maxGhosts = 10_000

func (g *ghosts) remember(hash, nonce string, expires, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.m == nil {
		g.m = map[string]ghost{}
	}
	if len(g.m) >= maxGhosts {
		for k, v := range g.m {
			if !now.Before(v.expires) {
				delete(g.m, k)
			}
		}
		if len(g.m) >= maxGhosts {
			clear(g.m)
		}
	}
	g.m[hash] = ghost{nonce, expires}
}

// take returns and forgets the nonce of a lock this process may hold.
func (g *ghosts) take(hash string, now time.Time) (string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	v, ok := g.m[hash]
	delete(g.m, hash)
	return v.nonce, ok && now.Before(v.expires)
}

// newNonce is a lock's value: random, so a lock can be told from another.
func newNonce() string {
	var b [16]byte
	rand.Read(b[:])
	return string(b[:])
}

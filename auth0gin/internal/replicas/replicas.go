// Package replicas is how the flows (session, login) ask a store to confirm
// a write on a replica before they answer (their Config.ReplicaWait).
package replicas

import (
	"context"
	"time"
)

// waiter is what a store offers when its writes can be confirmed by
// replicas (the Redis backend: Redis, Sentinel, Cluster). WaitReplicas
// returns nil once n replicas of the node holding key have every write that
// node had applied when the call began, or an error wrapping
// auth0gin.ErrUnavailable when fewer confirm within timeout.
type waiter interface {
	WaitReplicas(ctx context.Context, key string, n int, timeout time.Duration) error
}

// Wait waits up to timeout for one replica to hold the writes just made in
// key's group, when timeout is positive and st can be asked; a store that
// cannot (SQLite, PostgreSQL: durable at the server's commit) is not.
func Wait(ctx context.Context, st any, key string, timeout time.Duration) error {
	if timeout <= 0 {
		return nil
	}
	w, ok := st.(waiter)
	if !ok {
		return nil
	}
	return w.WaitReplicas(ctx, key, 1, timeout)
}

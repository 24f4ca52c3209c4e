package login

import (
	"context"
	"time"
)

// replicaWaiter is what a store offers when its writes can be confirmed by
// replicas (Redis, Sentinel, Cluster: WAIT). WaitReplicas returns nil once
// n replicas of the node holding key have every write that node had applied
// when the call began, or an error wrapping auth0gin.ErrUnavailable when
// fewer confirm within timeout. A store without it (SQLite, PostgreSQL,
// whose durability is the server's commit) is never asked. The method is
// requested from package store (issue 24); the flows use it as soon as a
// backend has it.
type replicaWaiter interface {
	WaitReplicas(ctx context.Context, key string, n int, timeout time.Duration) error
}

// waitReplica waits, when Config.ReplicaWait is set and the store can, for
// one replica to hold the writes just made under key's group.
func (m *Manager) waitReplica(ctx context.Context, key string) error {
	if m.cfg.ReplicaWait <= 0 {
		return nil
	}
	w, ok := m.store.(replicaWaiter)
	if !ok {
		return nil
	}
	return w.WaitReplicas(ctx, key, 1, m.cfg.ReplicaWait)
}

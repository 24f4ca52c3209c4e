package redis

import (
	"context"
	"fmt"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// WaitReplicas returns nil once n replicas of the node that holds key have
// every write that node had applied when the call began, and an error
// wrapping auth0gin.ErrUnavailable when fewer confirm within timeout (or the
// node cannot be reached). The flows call it, through an optional interface,
// after a write that must survive a failover (session.Config.ReplicaWait,
// login.Config.ReplicaWait).
//
// Redis's WAIT counts the calling connection's own last write, so a WAIT on
// a pooled connection that wrote nothing would prove nothing. WaitReplicas
// writes a short-lived marker in key's group on one connection to key's node,
// then waits there: the node's replication offset is one ordered stream, so
// a replica that has the marker has every earlier write of that node.
// On a cluster, key must carry a {group}.
func (s *backend) WaitReplicas(ctx context.Context, key string, n int, timeout time.Duration) error {
	if err := s.begin("wait"); err != nil {
		return err
	}
	k := s.key(key)
	marker := s.prefix + "w:wait"
	var node *goredis.Client
	switch c := s.c.(type) {
	case *goredis.ClusterClient:
		i := strings.IndexByte(k, '{')
		j := strings.IndexByte(k[i+1:], '}')
		if i < 0 || j <= 0 {
			return fmt.Errorf("redis store: wait: %w: on a cluster the key needs a {group}", auth0gin.ErrConfig)
		}
		marker = s.prefix + "w:" + k[i:i+j+2] // the same {group}: the same slot
		m, err := c.MasterForKey(ctx, k)
		if err != nil {
			return s.done(ctx, "wait", k, err)
		}
		node = m
	case *goredis.Client:
		node = c
	default:
		return fmt.Errorf("redis store: wait: %w: a %T cannot wait for replicas", auth0gin.ErrConfig, s.c)
	}
	conn := node.Conn()
	defer conn.Close()
	if err := conn.Set(ctx, marker, 1, time.Second).Err(); err != nil {
		return s.done(ctx, "wait", k, err)
	}
	// WAIT answers by itself once its timeout passes (fewer replicas than
	// asked for); go-redis would wait timeout+10s for that answer, so a
	// server that froze after the marker is given a second more, then
	// counts as hung like any other call.
	wctx, cancel := context.WithTimeout(ctx, timeout+time.Second)
	defer cancel()
	got, err := conn.Wait(wctx, n, timeout).Result()
	if err != nil {
		return s.done(ctx, "wait", k, err)
	}
	if got < int64(n) {
		return fmt.Errorf("redis store: wait: %d of %d replicas confirmed within %s: %w", got, n, timeout, auth0gin.ErrUnavailable)
	}
	return nil
}

package testenv

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// PauseMaster freezes master i with SIGSTOP, as a hung machine or a network
// partition would, and returns at once. Its replica takes over once the
// other masters judge it failed (cluster-node-timeout 1s); WaitPromoted
// waits for that. The paused server is resumed (and then rejoins as a
// replica) or killed when the test ends.
func (c *RedisCluster) PauseMaster(i int) { c.Masters[i].Pause() }

// WaitPromoted waits until Replicas[i] is a master serving its slots and
// every reachable node reports cluster_state:ok, then swaps Masters[i] and
// Replicas[i] and returns how long it waited.
func (c *RedisCluster) WaitPromoted(t testing.TB, i int) time.Duration {
	t.Helper()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), clusterReady)
	defer cancel()
	var live []*goredis.Client
	for j, r := range append(append([]*RedisServer{}, c.Masters...), c.Replicas...) {
		if j == i { // the paused master
			continue
		}
		cl := goredis.NewClient(&goredis.Options{Addr: r.Addr(), DialerRetries: 1, ReadTimeout: 500 * time.Millisecond})
		defer cl.Close()
		live = append(live, cl)
	}
	rep := goredis.NewClient(&goredis.Options{Addr: c.Replicas[i].Addr(), DialerRetries: 1})
	defer rep.Close()
	err := poll(ctx, func() error {
		info, err := rep.Info(ctx, "replication").Result()
		if err != nil {
			return err
		}
		if !strings.Contains(info, "role:master") {
			return fmt.Errorf("replica %d is still a replica", i)
		}
		for _, cl := range live {
			info, err := cl.ClusterInfo(ctx).Result()
			if err != nil {
				return err
			}
			if !strings.Contains(info, "cluster_state:ok") {
				return fmt.Errorf("%s: %s", cl.Options().Addr, firstLine(info))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("redis cluster failover: %v", err)
	}
	c.Masters[i], c.Replicas[i] = c.Replicas[i], c.Masters[i]
	return time.Since(start)
}

// PausePrimary freezes the primary with SIGSTOP and returns at once. The
// sentinels judge it down after 1s and elect the replica; WaitPrimary
// waits for that.
func (s *RedisSentinel) PausePrimary() { s.Primary.Pause() }

// WaitPrimary waits until every sentinel names the replica as the primary
// and the replica answers as one, then swaps Primary and Replica and
// returns how long it waited.
func (s *RedisSentinel) WaitPrimary(t testing.TB) time.Duration {
	t.Helper()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), clusterReady)
	defer cancel()
	want := s.Replica.Addr()
	rep := goredis.NewClient(&goredis.Options{Addr: want, DialerRetries: 1})
	defer rep.Close()
	err := poll(ctx, func() error {
		for _, sn := range s.Sentinels {
			sc := goredis.NewSentinelClient(&goredis.Options{Addr: sn.Addr(), DialerRetries: 1})
			addr, err := sc.GetMasterAddrByName(ctx, MasterName).Result()
			_ = sc.Close()
			if err != nil {
				return err
			}
			if got := net.JoinHostPort(addr[0], addr[1]); got != want {
				return fmt.Errorf("sentinel %s names %s", sn.Addr(), got)
			}
		}
		info, err := rep.Info(ctx, "replication").Result()
		if err != nil {
			return err
		}
		if !strings.Contains(info, "role:master") {
			return fmt.Errorf("%s is not a master yet", want)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("sentinel failover: %v", err)
	}
	s.Primary, s.Replica = s.Replica, s.Primary
	return time.Since(start)
}

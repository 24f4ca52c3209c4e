package testenv

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// RedisSentinel is a Sentinel setup of a test's own: one primary, one
// replica and three sentinels monitoring them as MasterName, on free
// loopback ports, torn down when the test ends. The sentinels judge a
// primary down after 1s, so a failover takes a few seconds.
type RedisSentinel struct {
	Primary, Replica *RedisServer
	Sentinels        []*RedisServer
}

// MasterName is the name the sentinels monitor the primary under.
const MasterName = "mymaster"

// StartRedisSentinel starts a Sentinel setup for t. Without redis-server it
// skips t, or fails it under CI.
func StartRedisSentinel(t testing.TB) *RedisSentinel {
	t.Helper()
	bin := redisBin(t)
	start := time.Now()
	// A port freePort found free may be taken before redis-server binds it
	// (other tests start servers too): try other ports.
	var primary, replica *RedisServer
	var err error
	for range 5 {
		primary = newRedis(t, bin, freePortT(t), "--repl-diskless-sync-delay", "0")
		replica = newRedis(t, bin, freePortT(t), "--replicaof", "127.0.0.1", strconv.Itoa(primary.Port()), "--repl-diskless-sync-delay", "0")
		if err = startAll([]*RedisServer{primary, replica}); err == nil || !errors.Is(err, errExited) {
			break
		}
		primary.Stop()
		replica.Stop()
	}
	if err != nil {
		t.Fatal(err)
	}
	s := &RedisSentinel{Primary: primary, Replica: replica}
	ctx, cancel := context.WithTimeout(context.Background(), clusterReady)
	defer cancel()
	rc := goredis.NewClient(&goredis.Options{Addr: replica.Addr(), DialerRetries: 1})
	defer rc.Close()
	err = poll(ctx, func() error {
		info, err := rc.Info(ctx, "replication").Result()
		if err != nil {
			return err
		}
		if !strings.Contains(info, "master_link_status:up") {
			return fmt.Errorf("the replica is not in sync yet")
		}
		return nil
	})
	if err != nil {
		t.Fatalf("redis sentinel setup: %v", err)
	}
	// Each sentinel is told its own id, the replica and the other
	// sentinels up front: found by itself, a replica takes up to 10s (INFO
	// every 10s) and a sentinel 2s (hello messages).
	for attempt := range 5 {
		if err = s.startSentinels(t, bin); err == nil || !errors.Is(err, errExited) || attempt == 4 {
			break
		}
		for _, sn := range s.Sentinels {
			sn.Stop()
		}
		s.Sentinels = nil
	}
	if err != nil {
		t.Fatal(err)
	}
	err = poll(ctx, func() error {
		for i, sn := range s.Sentinels {
			if err := s.sentinelKnows(ctx, sn); err != nil {
				return fmt.Errorf("sentinel %d: %w", i, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("redis sentinel setup: %v", err)
	}
	t.Logf("redis sentinel setup (1 primary, 1 replica, 3 sentinels) ready in %v", time.Since(start).Round(time.Millisecond))
	return s
}

// startSentinels starts three sentinels of s's primary on fresh ports.
func (s *RedisSentinel) startSentinels(t testing.TB, bin string) error {
	ids := make([]string, 3)
	ports := make([]int, 3)
	for i := range ids {
		ids[i] = fmt.Sprintf("%040x", rand.Uint64())
		ports[i] = freePortT(t)
	}
	primary, replica := s.Primary, s.Replica
	for i := range 3 {
		sn := newRedis(t, bin, ports[i], "--sentinel")
		sn.conf = filepath.Join(sn.dir, "sentinel.conf")
		var conf strings.Builder
		fmt.Fprintf(&conf, "sentinel myid %s\n", ids[i])
		fmt.Fprintf(&conf, "sentinel monitor %s 127.0.0.1 %d 2\n", MasterName, primary.Port())
		fmt.Fprintf(&conf, "sentinel down-after-milliseconds %s 1000\n", MasterName)
		fmt.Fprintf(&conf, "sentinel failover-timeout %s 10000\n", MasterName)
		fmt.Fprintf(&conf, "sentinel known-replica %s 127.0.0.1 %d\n", MasterName, replica.Port())
		for j := range 3 {
			if j != i {
				fmt.Fprintf(&conf, "sentinel known-sentinel %s 127.0.0.1 %d %s\n", MasterName, ports[j], ids[j])
			}
		}
		if err := os.WriteFile(sn.conf, []byte(conf.String()), 0o600); err != nil {
			return err
		}
		s.Sentinels = append(s.Sentinels, sn)
	}
	return startAll(s.Sentinels)
}

// sentinelKnows checks that sn sees the primary, its replica and the two
// other sentinels: what a failover needs.
func (s *RedisSentinel) sentinelKnows(ctx context.Context, sn *RedisServer) error {
	c := goredis.NewSentinelClient(&goredis.Options{Addr: sn.Addr(), DialerRetries: 1})
	defer c.Close()
	m, err := c.Master(ctx, MasterName).Result()
	if err != nil {
		return err
	}
	if m["num-slaves"] != "1" || m["num-other-sentinels"] != "2" {
		return fmt.Errorf("sees %s replicas and %s other sentinels", m["num-slaves"], m["num-other-sentinels"])
	}
	return nil
}

// URL is the setup's redis+sentinel:// URL (go-redis's ParseFailoverURL
// form): one sentinel, the others in addr=.
func (s *RedisSentinel) URL() string {
	u := "redis+sentinel://" + s.Sentinels[0].Addr() + "/0?master_name=" + MasterName
	for _, sn := range s.Sentinels[1:] {
		u += "&addr=" + sn.Addr()
	}
	return u
}

// Failover asks a sentinel to fail over now (SENTINEL FAILOVER) and waits
// until every sentinel names the new primary, which it returns.
func (s *RedisSentinel) Failover(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clusterReady)
	defer cancel()
	c := goredis.NewSentinelClient(&goredis.Options{Addr: s.Sentinels[0].Addr(), DialerRetries: 1})
	defer c.Close()
	old, err := c.GetMasterAddrByName(ctx, MasterName).Result()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Failover(ctx, MasterName).Err(); err != nil {
		t.Fatalf("SENTINEL FAILOVER: %v", err)
	}
	var now string
	err = poll(ctx, func() error {
		for _, sn := range s.Sentinels {
			sc := goredis.NewSentinelClient(&goredis.Options{Addr: sn.Addr(), DialerRetries: 1})
			addr, err := sc.GetMasterAddrByName(ctx, MasterName).Result()
			_ = sc.Close()
			if err != nil {
				return err
			}
			if net.JoinHostPort(addr[0], addr[1]) == net.JoinHostPort(old[0], old[1]) {
				return fmt.Errorf("sentinel %s still names %s", sn.Addr(), net.JoinHostPort(old[0], old[1]))
			}
			now = net.JoinHostPort(addr[0], addr[1])
		}
		return nil
	})
	if err != nil {
		t.Fatalf("failover: %v", err)
	}
	return now
}

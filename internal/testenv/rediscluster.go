package testenv

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// RedisCluster is a Redis Cluster of a test's own: three masters, each with
// one replica, on free loopback ports, keeping nothing on disk, torn down
// when the test ends. It is built by hand (CLUSTER ADDSLOTSRANGE, MEET,
// REPLICATE) and polled until every node reports the cluster ok, which is
// faster than redis-cli --cluster create and its one-second waits.
type RedisCluster struct {
	// Masters and Replicas as started: Replicas[i] replicates Masters[i]
	// until a failover swaps their roles.
	Masters, Replicas []*RedisServer
}

// clusterReady bounds the wait for a cluster (or sentinel setup) to form: a
// limit on a failure, not a measured timing.
const clusterReady = 30 * time.Second

// StartRedisCluster starts a cluster for t. Without redis-server (7.0 or
// later, for cluster-port and ADDSLOTSRANGE) it skips t, or fails it under CI.
func StartRedisCluster(t testing.TB) *RedisCluster {
	t.Helper()
	bin := redisBin(t)
	start := time.Now()
	c := &RedisCluster{}
	all := make([]*RedisServer, 6)
	errs := make([]error, 6)
	var wg sync.WaitGroup
	for i := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A port freePort found free may be taken before redis-server
			// binds it (other tests start servers too): try other ports.
			for range 5 {
				bus, err1 := freePort()
				port, err2 := freePort()
				if errs[i] = errors.Join(err1, err2); errs[i] != nil {
					return
				}
				r := newRedis(t, bin, port,
					"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
					"--cluster-port", strconv.Itoa(bus), "--cluster-node-timeout", "1000",
					"--cluster-replica-validity-factor", "0", "--repl-diskless-load", "on-empty-db",
					"--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0")
				r.mu.Lock()
				errs[i] = r.startLocked()
				r.mu.Unlock()
				if errs[i] == nil {
					all[i] = r
					return
				}
				if !errors.Is(errs[i], errExited) {
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	c.Masters, c.Replicas = all[:3], all[3:]
	ctx, cancel := context.WithTimeout(context.Background(), clusterReady)
	defer cancel()
	clients := make([]*goredis.Client, len(all))
	for i, r := range all {
		clients[i] = goredis.NewClient(&goredis.Options{Addr: r.Addr(), DialerRetries: 1})
		defer clients[i].Close()
	}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("redis cluster: %s: %v", what, err)
		}
	}
	ranges := [][2]int64{{0, 5460}, {5461, 10922}, {10923, 16383}}
	for i, rg := range ranges {
		must("ADDSLOTSRANGE", clients[i].ClusterAddSlotsRange(ctx, int(rg[0]), int(rg[1])).Err())
	}
	for _, r := range all[1:] {
		bus := busPort(r)
		must("MEET", clients[0].Do(ctx, "CLUSTER", "MEET", "127.0.0.1", r.Port(), bus).Err())
	}
	ids := make([]string, len(all))
	for i := range all {
		id, err := clients[i].ClusterMyID(ctx).Result()
		must("MYID", err)
		ids[i] = id
	}
	// A replica can replicate a master only once it knows it.
	for i := 3; i < 6; i++ {
		must("REPLICATE", poll(ctx, func() error {
			return clients[i].ClusterReplicate(ctx, ids[i-3]).Err()
		}))
	}
	must("waiting for cluster_state:ok on every node", poll(ctx, func() error {
		for i, cl := range clients {
			info, err := cl.ClusterInfo(ctx).Result()
			if err != nil {
				return err
			}
			if !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, "cluster_known_nodes:6") {
				return fmt.Errorf("node %d: %s", i, firstLine(info))
			}
		}
		// Every master must list its replica, so that a client sees it.
		for i := 3; i < 6; i++ {
			info, err := clients[i].Info(ctx, "replication").Result()
			if err != nil {
				return err
			}
			if !strings.Contains(info, "master_link_status:up") {
				return fmt.Errorf("replica %d not in sync yet", i-3)
			}
		}
		return nil
	}))
	t.Logf("redis cluster of 3 masters and 3 replicas ready in %v (seed %s)", time.Since(start).Round(time.Millisecond), c.Masters[0].Addr())
	return c
}

// URL is the cluster's redis+cluster:// URL: one seed, the others in addr=.
func (c *RedisCluster) URL() string {
	u := "redis+cluster://" + c.Masters[0].Addr() + "?"
	for i, r := range c.Masters[1:] {
		if i > 0 {
			u += "&"
		}
		u += "addr=" + r.Addr()
	}
	return u
}

// Addrs lists the masters' addresses, for goredis.ClusterOptions.
func (c *RedisCluster) Addrs() []string {
	out := make([]string, len(c.Masters))
	for i, r := range c.Masters {
		out[i] = r.Addr()
	}
	return out
}

// busPort is the --cluster-port a server was started with.
func busPort(r *RedisServer) int {
	for i, a := range r.args {
		if a == "--cluster-port" {
			p, _ := strconv.Atoi(r.args[i+1])
			return p
		}
	}
	return r.port + 10000
}

// startAll starts servers at once and waits for each to answer.
func startAll(servers []*RedisServer) error {
	var wg sync.WaitGroup
	errs := make([]error, len(servers))
	for i, r := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.mu.Lock()
			defer r.mu.Unlock()
			errs[i] = r.startLocked()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// poll calls op every 20ms until it returns nil or ctx ends.
func poll(ctx context.Context, op func() error) error {
	for {
		err := op()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last: %v)", ctx.Err(), err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(line)
}

package testenv

import (
	"errors"
	"net"
	"testing"
	"time"
)

// A redis-server whose port is taken exits, and the start says so at once
// (the starters then try another port) instead of waiting out 10s.
func TestRedisPortTaken(t *testing.T) {
	bin := redisBin(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	r := newRedis(t, bin, ln.Addr().(*net.TCPAddr).Port)
	start := time.Now()
	r.mu.Lock()
	err = r.startLocked()
	r.mu.Unlock()
	if !errors.Is(err, errExited) {
		t.Fatalf("start on a taken port = %v, want errExited", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("the start took %v to tell", d)
	}
}

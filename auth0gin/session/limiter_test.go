package session

import (
	"fmt"
	"testing"
	"time"
)

func TestLimiterBoundsClients(t *testing.T) {
	l := newLimiter(2, 100)
	now := time.Unix(1000, 0)
	for range 2 {
		if ok, _ := l.allow("10.0.0.1", now); !ok {
			t.Fatal("refused within the burst")
		}
	}
	ok, wait := l.allow("10.0.0.1", now)
	if ok || wait != 30*time.Second {
		t.Fatalf("third login: %v, wait %v", ok, wait)
	}
	if ok, _ := l.allow("10.0.0.1", now.Add(30*time.Second)); !ok {
		t.Error("refused after a token came back")
	}
	// A flood of addresses never holds more than max clients.
	for i := range 10_000 {
		l.allow(fmt.Sprintf("192.0.2.%d", i), now)
		if n := len(l.cur) + len(l.prev); n > 100 {
			t.Fatalf("%d clients remembered, max 100", n)
		}
	}
}

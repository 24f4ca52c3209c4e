package hub

import (
	"sync"
	"testing"
	"time"
)

func TestDeliveryAndStop(t *testing.T) {
	h := New()
	got := make(chan string, 10)
	stop := h.Subscribe("ch", func(m string) { got <- m })
	if !h.Has("ch") || h.Len() != 1 {
		t.Fatal("subscription not registered")
	}
	h.Publish("other", "x")
	h.Publish("ch", "a")
	h.Publish("ch", "b")
	for _, want := range []string{"a", "b"} {
		select {
		case m := <-got:
			if m != want {
				t.Fatalf("got %q, want %q", m, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no delivery")
		}
	}
	stop()
	stop()
	if h.Has("ch") {
		t.Fatal("stop left the subscription registered")
	}
	h.Publish("ch", "late")
	select {
	case m := <-got:
		t.Fatalf("delivered %q after stop", m)
	default:
	}
}

// stop waits for a running callback: once it returns, fn has finished.
func TestStopWaitsForCallback(t *testing.T) {
	h := New()
	entered := make(chan struct{})
	release := make(chan struct{})
	var mu sync.Mutex
	done := false
	stop := h.Subscribe("ch", func(string) {
		close(entered)
		<-release
		mu.Lock()
		done = true
		mu.Unlock()
	})
	h.Publish("ch", "m")
	<-entered
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	close(release)
	<-stopped
	mu.Lock()
	defer mu.Unlock()
	if !done {
		t.Fatal("stop returned while the callback was running")
	}
}

func TestClose(t *testing.T) {
	h := New()
	calls := make(chan string, 10)
	h.Subscribe("ch", func(m string) { calls <- m })
	h.Close()
	h.Publish("ch", "after close")
	stop := h.Subscribe("ch", func(m string) { calls <- m })
	stop()
	h.Publish("ch", "again")
	select {
	case m := <-calls:
		t.Fatalf("delivered %q after Close", m)
	default: // Publish queues synchronously: nothing queued, nothing to come
	}
}

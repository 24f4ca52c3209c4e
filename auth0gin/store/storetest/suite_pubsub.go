package storetest

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// deliveryWait bounds how long a test waits for a published message. It is a
// limit on a failure, not a measured timing: a passing test waits only as
// long as delivery takes.
const deliveryWait = 10 * time.Second

// inbox collects the messages of one subscription.
type inbox struct {
	ch   chan string
	stop func()
}

// subscribe subscribes to channel on st, stopped at the end of t.
func subscribe(t *testing.T, st store.Store, channel string) *inbox {
	t.Helper()
	in := &inbox{ch: make(chan string, 100)}
	stop, err := st.Subscribe(ctx(t), channel, func(m string) {
		select {
		case in.ch <- m:
		default:
			t.Errorf("subscriber of %q: inbox full, dropping %q", channel, m)
		}
	})
	if err != nil {
		t.Fatalf("Subscribe(%q): %v", channel, err)
	}
	in.stop = stop
	t.Cleanup(stop)
	return in
}

// expect waits for the next message, which must be want.
func (in *inbox) expect(t *testing.T, want string) {
	t.Helper()
	select {
	case got := <-in.ch:
		if got != want {
			t.Fatalf("received %q, want %q", short([]byte(got)), short([]byte(want)))
		}
	case <-time.After(deliveryWait):
		t.Fatalf("no message %q within %v", short([]byte(want)), deliveryWait)
	}
}

// empty fails if a message is waiting.
func (in *inbox) empty(t *testing.T) {
	t.Helper()
	select {
	case got := <-in.ch:
		t.Fatalf("unexpected message %q", got)
	default:
	}
}

func publish(t *testing.T, st store.Store, channel, message string) {
	t.Helper()
	if err := st.Publish(ctx(t), channel, message); err != nil {
		t.Fatalf("Publish(%q): %v", channel, err)
	}
}

func (s *suite) testPubSub(t *testing.T) {
	st := s.open(t)
	publish(t, st, "nobody-listens", "lost") // no subscriber: not an error
	a := subscribe(t, st, "ch")
	b := subscribe(t, st, "ch")
	other := subscribe(t, st, "other")
	publish(t, st, "ch", "one")
	publish(t, st, "ch", "two")
	publish(t, st, "other", "three")
	a.expect(t, "one")
	a.expect(t, "two")
	b.expect(t, "one")
	b.expect(t, "two")
	other.expect(t, "three")
	a.empty(t)
	b.empty(t)
	other.empty(t)
}

func (s *suite) testPubSubStop(t *testing.T) {
	st := s.open(t)
	var (
		mu      sync.Mutex
		stopped bool
		late    []string
	)
	stop, err := st.Subscribe(ctx(t), "ch", func(m string) {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			late = append(late, m)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	witness := subscribe(t, st, "ch")
	publish(t, st, "ch", "before")
	witness.expect(t, "before")
	stop()
	mu.Lock()
	stopped = true
	mu.Unlock()
	stop() // twice is harmless
	publish(t, st, "ch", "after")
	witness.expect(t, "after")
	mu.Lock()
	defer mu.Unlock()
	if len(late) > 0 {
		t.Fatalf("a stopped subscription was called with %q", late)
	}
}

func (s *suite) testPubSubAcrossInstances(t *testing.T) {
	a := s.open(t)
	b := s.second(t)
	onA := subscribe(t, a, "ch")
	onB := subscribe(t, b, "ch")
	publish(t, b, "ch", "from b")
	onA.expect(t, "from b")
	onB.expect(t, "from b")
	publish(t, a, "ch", "from a")
	onA.expect(t, "from a")
	onB.expect(t, "from a")
}

func (s *suite) testPubSubOddMessages(t *testing.T) {
	st := s.open(t)
	messages := []string{
		"",
		"a\x00b",
		"line\nbreak",
		"ключ 鍵 🔑",
		"\xff\xfe not utf-8",
		`{"json": "quotes'"}`,
		strings.Repeat("m", 2048),
	}
	for _, ch := range []string{"", "a\x00b", "ch with space", "UPPER", "%*?[", "ключ", "x:y"} {
		in := subscribe(t, st, ch)
		for _, m := range messages {
			publish(t, st, ch, m)
		}
		for _, m := range messages {
			in.expect(t, m)
		}
		in.stop()
	}
}

func (s *suite) testConcurrent(t *testing.T) {
	st := s.open(t)
	var b store.Store = st
	if !s.single {
		b = s.open(t)
	}
	in := subscribe(t, st, "events")
	const workers, rounds = 8, 40
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := st
			if w%2 == 1 {
				st = b
			}
			c := ctx(t)
			for i := range rounds {
				own := "own-" + string(rune('a'+w))
				shared := "shared-" + string(rune('a'+i%4))
				steps := []func() error{
					func() error { return st.Set(c, own, []byte{byte(i)}, s.later()) },
					func() error {
						v, err := st.Get(c, own)
						if err == nil && (len(v) != 1 || v[0] != byte(i)) {
							t.Errorf("worker %d read %v from its own key, want [%d]", w, v, i)
						}
						return err
					},
					func() error { return st.Set(c, shared, []byte("x"), s.later()) },
					func() error { _, err := st.Get(c, shared); return ignoreMissing(err) },
					func() error { _, err := st.Add(c, shared+"-add", []byte("x"), s.later()); return err },
					func() error { return st.Delete(c, shared) },
					func() error { return st.AddMember(c, "set", own, s.later()) },
					func() error { _, err := st.Members(c, "set"); return err },
					func() error { return st.RemoveMember(c, "set", own) },
				}
				for _, step := range steps {
					if err := step(); err != nil {
						errs <- err
						return
					}
				}
			}
			if err := st.Publish(c, "events", "done"); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent use: %v", err)
	}
	for range workers {
		in.expect(t, "done")
	}
}

func ignoreMissing(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/internal/testenv"
)

// Option configures Run.
type Option func(*suite)

// WallClock says that the stores keep time by a clock of their own (a
// server's, as Redis TTLs do) and ignore the now passed to the factory: the
// suite then sets expiries a few hundred milliseconds ahead on the wall clock
// and waits them out. Without it the suite passes the factory a fake clock's
// now and tests expiry by moving that clock on, without waiting.
func WallClock() Option {
	return func(s *suite) { s.clock = nil }
}

// SingleInstance says that two stores opened in one test cannot share data
// (an in-memory database): the tests of two instances are skipped.
func SingleInstance() Option {
	return func(s *suite) { s.single = true }
}

// Run runs the conformance suite against the stores that newStore opens.
//
// newStore is called at least once per subtest, with that subtest's t and
// the clock the store must judge expiry by (pass now to the store: expiry is
// tested by moving it on; see WallClock for a store that cannot take one).
// The store it returns is closed by the suite (closing twice must be
// harmless).
// Unless SingleInstance is given, two calls with the same t must open two
// independent Store values on the same backend (the same file, key prefix or
// schema: see PerTest), as two instances of an app would, so that data and
// published messages cross between them.
func Run(t *testing.T, newStore func(t *testing.T, now func() time.Time) store.Store, opts ...Option) {
	s := &suite{newStore: newStore, clock: testenv.NewClock(time.Now())}
	for _, o := range opts {
		o(s)
	}
	tests := []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"GetMissing", s.testGetMissing},
		{"SetGet", s.testSetGet},
		{"SetReplaces", s.testSetReplaces},
		{"SetMany", s.testSetMany},
		{"SetManyExpiry", s.testSetManyExpiry},
		{"SetManyDuplicates", s.testSetManyDuplicates},
		{"SetManyLarge", s.testSetManyLarge},
		{"SetManyCanceled", s.testSetManyCanceled},
		{"SetManyAtomic", s.testSetManyAtomic},
		{"ValuesAreCopied", s.testValuesAreCopied},
		{"Delete", s.testDelete},
		{"KeyGroups", s.testKeyGroups},
		{"CrossGroup", s.testCrossGroup},
		{"Incr", s.testIncr},
		{"IncrExpiry", s.testIncrExpiry},
		{"IncrNotCounter", s.testIncrNotCounter},
		{"IncrConcurrent", s.testIncrConcurrent},
		{"Add", s.testAdd},
		{"Expiry", s.testExpiry},
		{"ExpiredNotFuture", s.testNotFuture},
		{"AddAfterExpiry", s.testAddAfterExpiry},
		{"AddConcurrent", s.testAddConcurrent},
		{"AddConcurrentInstances", s.testAddConcurrentInstances},
		{"BinaryValues", s.testBinaryValues},
		{"LargeValue", s.testLargeValue},
		{"OddKeys", s.testOddKeys},
		{"SetsBasic", s.testSets},
		{"SetsExpiry", s.testSetsExpiry},
		{"SetsAndKeysApart", s.testSetsAndKeysApart},
		{"SetsOddMembers", s.testSetsOddMembers},
		{"SharedAcrossInstances", s.testSharedAcrossInstances},
		{"PubSub", s.testPubSub},
		{"PubSubStop", s.testPubSubStop},
		{"PubSubAcrossInstances", s.testPubSubAcrossInstances},
		{"PubSubOddMessages", s.testPubSubOddMessages},
		{"Concurrent", s.testConcurrent},
		{"CanceledContext", s.testCanceledContext},
		{"Close", s.testClose},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.fn)
	}
}

type suite struct {
	newStore func(t *testing.T, now func() time.Time) store.Store
	clock    *testenv.Clock // nil on the wall clock
	single   bool
}

// open opens a store closed at the end of t.
func (s *suite) open(t *testing.T) store.Store {
	t.Helper()
	st := s.newStore(t, s.now)
	if st == nil {
		t.Fatal("newStore returned nil")
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// second opens a second instance on the same backend, or skips t.
func (s *suite) second(t *testing.T) store.Store {
	t.Helper()
	if s.single {
		t.Skip("single-instance backend: two stores cannot share data")
	}
	return s.open(t)
}

// now is the time the stores see.
func (s *suite) now() time.Time {
	if s.clock != nil {
		return s.clock.Now()
	}
	return time.Now()
}

// later is an expiry far enough ahead that no test outlives it.
func (s *suite) later() time.Time { return s.now().Add(time.Hour) }

// shortTTL is how far ahead an expiry is set when the test will go past it.
const shortTTL = 300 * time.Millisecond

// soon returns an expiry the test can go past with pass.
func (s *suite) soon() time.Time { return s.now().Add(shortTTL) }

// pass moves time past an expiry returned by soon: the fake clock is advanced,
// or the test waits on the wall clock until the expiry has passed (a real
// server's clock, as with Redis TTLs, leaves no other way).
func (s *suite) pass(exp time.Time) {
	if s.clock != nil {
		s.clock.Advance(exp.Sub(s.clock.Now()) + time.Millisecond)
		return
	}
	if d := time.Until(exp); d > 0 {
		time.Sleep(d + 20*time.Millisecond)
	}
}

// expired reports whether exp has been reached, by the clock the stores see.
// On the wall clock a slow machine can reach a short expiry before the test
// looks: checks of what is still live before an expiry use it to tell a
// late look from a wrong answer.
func (s *suite) expired(exp time.Time) bool { return !s.now().Before(exp) }

func ctx(t *testing.T) context.Context { return t.Context() }

func mustSet(t *testing.T, st store.Store, key string, value []byte, exp time.Time) {
	t.Helper()
	if err := st.Set(ctx(t), key, value, exp); err != nil {
		t.Fatalf("Set(%q): %v", key, err)
	}
}

func mustGet(t *testing.T, st store.Store, key string, want []byte) {
	t.Helper()
	got, err := st.Get(ctx(t), key)
	if err != nil {
		t.Fatalf("Get(%q): %v, want the value", key, err)
	}
	if string(got) != string(want) {
		t.Fatalf("Get(%q) = %s, want %s", key, short(got), short(want))
	}
}

func mustMiss(t *testing.T, st store.Store, key string) {
	t.Helper()
	got, err := st.Get(ctx(t), key)
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get(%q) = %s, %v; want ErrNotFound", key, short(got), err)
	}
}

// short renders a value for a failure message without flooding it.
func short(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/internal/testenv"
)

// recoveryLimit bounds how long Outage waits for a store to work again: a
// limit on a failure, not a measured timing.
const recoveryLimit = 15 * time.Second

// Outage takes st through an outage the test causes. It stores a value and
// subscribes; down breaks the backend (stops the server, cuts the proxy),
// after which every operation must fail with an error wrapping
// auth0gin.ErrUnavailable; up repairs it, after which the same st must work
// again, its subscription included.
func Outage(t *testing.T, st store.Store, down, up func()) {
	t.Helper()
	ctx := t.Context()
	later := time.Now().Add(time.Hour)
	if err := st.Set(ctx, "k", []byte("v"), later); err != nil {
		t.Fatal(err)
	}
	heard := make(chan string, 100)
	stop, err := st.Subscribe(ctx, "ch", func(m string) { heard <- m })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	down()
	start := time.Now()
	ops := []struct {
		name string
		op   func() error
	}{
		{"Get", func() error { _, err := st.Get(ctx, "k"); return err }},
		{"Set", func() error { return st.Set(ctx, "k", []byte("v"), later) }},
		{"SetMany", func() error {
			return st.SetMany(ctx, store.Entry{Key: "{o}k", Value: []byte("v"), ExpiresAt: later}, store.Entry{Key: "{o}k2", ExpiresAt: later})
		}},
		{"Incr", func() error { _, err := st.Incr(ctx, "n", later); return err }},
		{"Add", func() error { _, err := st.Add(ctx, "a", []byte("v"), later); return err }},
		{"Delete", func() error { return st.Delete(ctx, "k") }},
		{"AddMember", func() error { return st.AddMember(ctx, "s", "m", later) }},
		{"Members", func() error { _, err := st.Members(ctx, "s"); return err }},
		{"RemoveMember", func() error { return st.RemoveMember(ctx, "s", "m") }},
		{"Publish", func() error { return st.Publish(ctx, "ch", "m") }},
	}
	for _, o := range ops {
		if err := o.op(); !errors.Is(err, auth0gin.ErrUnavailable) {
			t.Errorf("%s during the outage = %v, want ErrUnavailable", o.name, err)
		}
	}
	t.Logf("%d operations failed during the outage in %v", len(ops), time.Since(start))

	up()
	if err := testenv.Eventually(ctx, recoveryLimit, func() error { return st.Set(ctx, "k", []byte("back"), later) }); err != nil {
		t.Fatalf("the store did not recover: %v", err)
	}
	if v, err := st.Get(ctx, "k"); err != nil || string(v) != "back" {
		t.Fatalf("Get after recovery = %q, %v", v, err)
	}
	// A subscription reconnects by itself; publish until it hears.
	err = testenv.Eventually(ctx, recoveryLimit, func() error {
		if err := st.Publish(ctx, "ch", "after"); err != nil {
			return err
		}
		select {
		case <-heard:
			return nil
		case <-time.After(100 * time.Millisecond):
			return errors.New("the subscription heard nothing yet")
		}
	})
	if err != nil {
		t.Fatalf("the subscription did not recover: %v", err)
	}
}

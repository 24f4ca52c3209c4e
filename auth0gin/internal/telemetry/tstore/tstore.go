// Package tstore wraps a store.Store so that its round trips are client
// spans and db.client.operation.duration measurements (a package apart
// from telemetry, which the core imports and package store imports the core).
package tstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// StoreTel instruments store round trips: a client span each, their
// duration (db.client.operation.duration) and errors by backend and
// operation.
type StoreTel struct {
	tracer   trace.Tracer
	duration metric.Float64Histogram
	errors   metric.Int64Counter
}

// NewStoreTel makes the store instruments from m and tr.
func NewStoreTel(m metric.Meter, tr trace.Tracer) *StoreTel {
	return &StoreTel{
		tracer: tr,
		duration: telemetry.Must(m.Float64Histogram(telemetry.StoreDuration, metric.WithUnit("s"),
			metric.WithDescription("Duration of a session-store round trip, by backend (db.system.name) and operation (db.operation.name)."),
			metric.WithExplicitBucketBoundaries(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1))),
		errors: telemetry.Must(m.Int64Counter(telemetry.StoreErrors, metric.WithUnit("{error}"),
			metric.WithDescription("Session-store round trips that failed (not-found answers excluded), by backend and operation."))),
	}
}

// Store operations, in the order of the tables of tracedStore.
const (
	opGet = iota
	opSet
	opSetMany
	opAdd
	opDelete
	opIncr
	opAddMember
	opMembers
	opRemoveMember
	opPublish
	opSubscribe
	nOps
)

var opNames = [nOps]string{"get", "set", "set_many", "add", "delete", "incr", "add_member", "members", "remove_member", "publish", "subscribe"}

// tracedStore wraps the store session and login use: every round trip is a
// child span of the request's, timed and counted. WaitReplicas is passed
// through (internal/replicas looks for it).
type tracedStore struct {
	store.Store
	t       *StoreTel
	backend string
	ok, bad [nOps]telemetry.Opts
	names   [nOps]string // span names
	sysAttr attribute.KeyValue
	onMsg   func(ctx context.Context)
}

// backendOf names a store's backend by its package, as db.system.name does.
func backendOf(st store.Store) string {
	typ := fmt.Sprintf("%T", st)
	for _, b := range []struct{ pkg, name string }{{"redis.", "redis"}, {"postgres.", "postgresql"}, {"sqlite.", "sqlite"}, {"memory", "memory"}} {
		if strings.Contains(strings.ToLower(typ), b.pkg) {
			return b.name
		}
	}
	return telemetry.Other
}

// Instrument returns st wrapped so that its round trips are spans and
// metrics (st itself if it is wrapped already); onMsg, when not nil, is
// called for every pub/sub message delivered.
func (t *StoreTel) Instrument(st store.Store, onMsg func(context.Context)) store.Store {
	if ts, ok := st.(*tracedStore); ok {
		return ts
	}
	ts := &tracedStore{Store: st, t: t, backend: backendOf(st), onMsg: onMsg}
	ts.sysAttr = telemetry.KeyDBSystem.String(ts.backend)
	for i, op := range opNames {
		ts.ok[i] = telemetry.NewOpts(ts.sysAttr, telemetry.KeyDBOp.String(op))
		ts.bad[i] = telemetry.NewOpts(ts.sysAttr, telemetry.KeyDBOp.String(op), telemetry.KeyErrorType.String("error"))
		ts.names[i] = op + " " + ts.backend
	}
	return ts
}

// begin opens op's span and returns the time it started.
func (s *tracedStore) begin(ctx context.Context, op int) (context.Context, trace.Span, time.Time) {
	ctx, span := s.t.tracer.Start(ctx, s.names[op], trace.WithSpanKind(trace.SpanKindClient))
	if span.IsRecording() {
		span.SetAttributes(s.sysAttr, telemetry.KeyDBOp.String(opNames[op]))
	}
	return ctx, span, time.Now()
}

// done records op, started at start, with its error (a not-found is an
// answer, not an error).
func (s *tracedStore) done(ctx context.Context, op int, span trace.Span, start time.Time, err error) {
	o := &s.ok[op]
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		o = &s.bad[op]
		s.t.errors.Add(ctx, 1, s.ok[op].Add...)
		telemetry.End(span, err)
	} else {
		span.End()
	}
	s.t.duration.Record(ctx, time.Since(start).Seconds(), o.Rec...)
}

// Get implements store.Store.
func (s *tracedStore) Get(ctx context.Context, key string) ([]byte, error) {
	ctx, span, t0 := s.begin(ctx, opGet)
	b, err := s.Store.Get(ctx, key)
	s.done(ctx, opGet, span, t0, err)
	return b, err
}

// Set implements store.Store.
func (s *tracedStore) Set(ctx context.Context, key string, value []byte, expiresAt time.Time) error {
	ctx, span, t0 := s.begin(ctx, opSet)
	err := s.Store.Set(ctx, key, value, expiresAt)
	s.done(ctx, opSet, span, t0, err)
	return err
}

// SetMany implements store.Store.
func (s *tracedStore) SetMany(ctx context.Context, entries ...store.Entry) error {
	ctx, span, t0 := s.begin(ctx, opSetMany)
	err := s.Store.SetMany(ctx, entries...)
	s.done(ctx, opSetMany, span, t0, err)
	return err
}

// Add implements store.Store.
func (s *tracedStore) Add(ctx context.Context, key string, value []byte, expiresAt time.Time) (bool, error) {
	ctx, span, t0 := s.begin(ctx, opAdd)
	ok, err := s.Store.Add(ctx, key, value, expiresAt)
	s.done(ctx, opAdd, span, t0, err)
	return ok, err
}

// Delete implements store.Store.
func (s *tracedStore) Delete(ctx context.Context, keys ...string) error {
	ctx, span, t0 := s.begin(ctx, opDelete)
	err := s.Store.Delete(ctx, keys...)
	s.done(ctx, opDelete, span, t0, err)
	return err
}

// Incr implements store.Store.
func (s *tracedStore) Incr(ctx context.Context, key string, expiresAt time.Time) (int64, error) {
	ctx, span, t0 := s.begin(ctx, opIncr)
	n, err := s.Store.Incr(ctx, key, expiresAt)
	s.done(ctx, opIncr, span, t0, err)
	return n, err
}

// AddMember implements store.Store.
func (s *tracedStore) AddMember(ctx context.Context, set, member string, expiresAt time.Time) error {
	ctx, span, t0 := s.begin(ctx, opAddMember)
	err := s.Store.AddMember(ctx, set, member, expiresAt)
	s.done(ctx, opAddMember, span, t0, err)
	return err
}

// Members implements store.Store.
func (s *tracedStore) Members(ctx context.Context, set string) ([]string, error) {
	ctx, span, t0 := s.begin(ctx, opMembers)
	m, err := s.Store.Members(ctx, set)
	s.done(ctx, opMembers, span, t0, err)
	return m, err
}

// RemoveMember implements store.Store.
func (s *tracedStore) RemoveMember(ctx context.Context, set string, members ...string) error {
	ctx, span, t0 := s.begin(ctx, opRemoveMember)
	err := s.Store.RemoveMember(ctx, set, members...)
	s.done(ctx, opRemoveMember, span, t0, err)
	return err
}

// Publish implements store.Store.
func (s *tracedStore) Publish(ctx context.Context, channel, message string) error {
	ctx, span, t0 := s.begin(ctx, opPublish)
	err := s.Store.Publish(ctx, channel, message)
	s.done(ctx, opPublish, span, t0, err)
	return err
}

// Subscribe implements store.Store; every message delivered is counted.
func (s *tracedStore) Subscribe(ctx context.Context, channel string, fn func(message string)) (func(), error) {
	ctx, span, t0 := s.begin(ctx, opSubscribe)
	stop, err := s.Store.Subscribe(ctx, channel, func(msg string) {
		if s.onMsg != nil {
			s.onMsg(context.Background())
		}
		fn(msg)
	})
	s.done(ctx, opSubscribe, span, t0, err)
	return stop, err
}

// WaitReplicas passes internal/replicas' optional wait through, when the
// wrapped store has it.
func (s *tracedStore) WaitReplicas(ctx context.Context, key string, n int, timeout time.Duration) error {
	w, ok := s.Store.(interface {
		WaitReplicas(ctx context.Context, key string, n int, timeout time.Duration) error
	})
	if !ok {
		return nil
	}
	return w.WaitReplicas(ctx, key, n, timeout)
}

// Package telemetrytest gives tests an OpenTelemetry SDK that keeps what it
// records in memory: a MeterProvider read by a ManualReader and a
// TracerProvider whose spans a SpanRecorder keeps. Only tests import it.
package telemetrytest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// SDK is an in-memory OpenTelemetry SDK.
type SDK struct {
	Reader *sdkmetric.ManualReader
	Meters *sdkmetric.MeterProvider
	Spans  *tracetest.SpanRecorder
	Traces *sdktrace.TracerProvider
}

// New returns an SDK, shut down by t.Cleanup.
func New(t testing.TB) *SDK {
	s := &SDK{Reader: sdkmetric.NewManualReader(), Spans: tracetest.NewSpanRecorder()}
	s.Meters = sdkmetric.NewMeterProvider(sdkmetric.WithReader(s.Reader))
	s.Traces = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(s.Spans))
	t.Cleanup(func() {
		_ = s.Meters.Shutdown(context.Background())
		_ = s.Traces.Shutdown(context.Background())
	})
	return s
}

// Request returns ctx under a new recording server span, as otelgin's would
// be, and the span (end it when the request is done).
func (s *SDK) Request(ctx context.Context) (context.Context, trace.Span) {
	return s.Traces.Tracer("test").Start(ctx, "request", trace.WithSpanKind(trace.SpanKindServer))
}

// Point is one series: its metric, its attributes and its value (a sum or
// a gauge's value; a histogram's count).
type Point struct {
	Name  string
	Attrs map[string]string
	Value float64
}

// Key is the series' identity: name{k=v,...} with sorted keys.
func (p Point) Key() string {
	keys := make([]string, 0, len(p.Attrs))
	for k := range p.Attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(p.Name)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%s", k, p.Attrs[k])
	}
	b.WriteByte('}')
	return b.String()
}

// Collect reads every series now.
func (s *SDK) Collect(t testing.TB) []Point {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := s.Reader.Collect(context.Background(), &rm); err != nil {
		t.Fatalf("collecting metrics: %v", err)
	}
	var out []Point
	attrs := func(set attribute.Set) map[string]string {
		m := map[string]string{}
		for _, kv := range set.ToSlice() {
			m[string(kv.Key)] = kv.Value.String()
		}
		return m
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					out = append(out, Point{m.Name, attrs(p.Attributes), float64(p.Value)})
				}
			case metricdata.Sum[float64]:
				for _, p := range d.DataPoints {
					out = append(out, Point{m.Name, attrs(p.Attributes), p.Value})
				}
			case metricdata.Gauge[int64]:
				for _, p := range d.DataPoints {
					out = append(out, Point{m.Name, attrs(p.Attributes), float64(p.Value)})
				}
			case metricdata.Gauge[float64]:
				for _, p := range d.DataPoints {
					out = append(out, Point{m.Name, attrs(p.Attributes), p.Value})
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					out = append(out, Point{m.Name, attrs(p.Attributes), float64(p.Count)})
				}
			}
		}
	}
	return out
}

// Value is the sum over the series of name whose attributes include want
// (k, v pairs); found reports whether any matched.
func Value(points []Point, name string, want ...string) (v float64, found bool) {
	for _, p := range points {
		if p.Name != name || !matches(p.Attrs, want) {
			continue
		}
		v += p.Value
		found = true
	}
	return v, found
}

func matches(attrs map[string]string, want []string) bool {
	for i := 0; i+1 < len(want); i += 2 {
		if attrs[want[i]] != want[i+1] {
			return false
		}
	}
	return true
}

// Want fails t unless the series of name with attributes want add up to v.
func Want(t testing.TB, points []Point, v float64, name string, want ...string) {
	t.Helper()
	got, found := Value(points, name, want...)
	if !found || got != v {
		t.Errorf("%s%v = %v (found %v), want %v; series:\n%s", name, want, got, found, v, Dump(points, name))
	}
}

// Dump lists the series of name (all when "").
func Dump(points []Point, name string) string {
	var lines []string
	for _, p := range points {
		if name == "" || p.Name == name {
			lines = append(lines, fmt.Sprintf("  %s = %v", p.Key(), p.Value))
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// Keys returns the identities of every series.
func Keys(points []Point) []string {
	var ks []string
	for _, p := range points {
		ks = append(ks, p.Key())
	}
	slices.Sort(ks)
	return ks
}

// Ended returns the ended spans named name.
func (s *SDK) Ended(name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, sp := range s.Spans.Ended() {
		if sp.Name() == name {
			out = append(out, sp)
		}
	}
	return out
}

// Names lists the names of the ended spans.
func (s *SDK) Names() []string {
	var out []string
	for _, sp := range s.Spans.Ended() {
		out = append(out, sp.Name())
	}
	return out
}

// Events returns the events named name of the ended span sp.
func Events(sp sdktrace.ReadOnlySpan, name string) []map[string]string {
	var out []map[string]string
	for _, e := range sp.Events() {
		if e.Name != name {
			continue
		}
		m := map[string]string{}
		for _, kv := range e.Attributes {
			m[string(kv.Key)] = kv.Value.String()
		}
		out = append(out, m)
	}
	return out
}

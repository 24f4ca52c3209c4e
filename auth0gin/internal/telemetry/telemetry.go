// Package telemetry holds what every auth0gin package shares to report
// itself through OpenTelemetry: the instrument names and units, the fixed
// attribute values (outcomes, reasons, sources), issuer bucketing, attribute
// option sets built once, and a slog.Handler that stamps records with the
// active span's trace_id and span_id.
//
// Everything here uses the OpenTelemetry API only: the app chooses the SDK
// and the exporters. With the API's no-op providers (no SDK installed), a
// recording costs a call into the no-op instrument and allocates nothing:
// every attribute set is built once, as a ready []metric.AddOption or
// []metric.RecordOption slice.
package telemetry

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the core package; the other
// packages use ScopeName + "/" + their name.
const ScopeName = "github.com/auth0gin/auth0gin/auth0gin"

// Providers returns mp and tp, or the global providers for the nil ones.
func Providers(mp metric.MeterProvider, tp trace.TracerProvider) (metric.MeterProvider, trace.TracerProvider) {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	return mp, tp
}

// Opts is one attribute set as the options the instruments take, built once.
type Opts struct {
	Add []metric.AddOption
	Rec []metric.RecordOption
	Obs []metric.ObserveOption
}

// NewOpts builds the options of the attribute set kvs.
func NewOpts(kvs ...attribute.KeyValue) Opts {
	o := metric.WithAttributeSet(attribute.NewSet(kvs...))
	return Opts{Add: []metric.AddOption{o}, Rec: []metric.RecordOption{o}, Obs: []metric.ObserveOption{o}}
}

// Index returns the position of v in list, or len(list) when it is absent
// (the "other" slot of a table built over list plus one). It buckets
// issuers: only the issuers the configuration names become attribute
// values, any other is Other, so a flood of forged issuers adds no series.
func Index(list []string, v string) int {
	for i, s := range list {
		if s == v {
			return i
		}
	}
	return len(list)
}

// Must returns the instrument, or the no-op one when err is set: an
// instrument the SDK refuses (a bad name) must never stop the library. The
// names are constants, tested, so this is never expected to happen.
func Must[T any](inst T, err error) T {
	if err != nil {
		otel.Handle(err)
	}
	return inst
}

// End ends span, marking it failed with err's type (never its text, which
// may name hosts or echo input) when err is not nil.
func End(span trace.Span, err error) {
	if err != nil && span.IsRecording() {
		span.SetStatus(codes.Error, errorType(err))
	}
	span.End()
}

// errorType is a bounded description of err for a span status: the
// context's errors by name, else "error".
func errorType(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return "error"
}

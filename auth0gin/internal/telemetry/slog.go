package telemetry

import (
	"context"
	"log/slog"

	"go.opentelemetry.io/otel/trace"
)

// Logger returns l with its handler wrapped by Handler, so that its records
// carry the active span's trace_id and span_id; nil stays nil, and a logger
// already wrapped is returned as it is.
func Logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return nil
	}
	if _, ok := l.Handler().(traceHandler); ok {
		return l
	}
	return slog.New(Handler(l.Handler()))
}

// Handler wraps h: a record whose context holds a valid span context gets
// trace_id and span_id (hex) among its attributes (inside any group the
// logger opened with WithGroup); other records pass unchanged.
func Handler(h slog.Handler) slog.Handler {
	if th, ok := h.(traceHandler); ok {
		return th
	}
	return traceHandler{inner: h}
}

type traceHandler struct {
	inner slog.Handler
}

// Enabled implements slog.Handler.
func (t traceHandler) Enabled(ctx context.Context, l slog.Level) bool { return t.inner.Enabled(ctx, l) }

// Handle implements slog.Handler.
func (t traceHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r = r.Clone()
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return t.inner.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (t traceHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return traceHandler{inner: t.inner.WithAttrs(as)}
}

// WithGroup implements slog.Handler.
func (t traceHandler) WithGroup(name string) slog.Handler {
	return traceHandler{inner: t.inner.WithGroup(name)}
}

package telemetry_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"

	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry"
)

// A record under a valid span context carries its trace_id and span_id, one
// without none; WithAttrs and WithGroup keep the wrapper; wrapping twice
// wraps once.
func TestLoggerAddsTrace(t *testing.T) {
	var buf bytes.Buffer
	log := telemetry.Logger(slog.New(slog.NewTextHandler(&buf, nil)))
	if telemetry.Logger(log) != log || telemetry.Logger(nil) != nil {
		t.Error("wrapping a wrapped logger (or nil) changed it")
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}, TraceFlags: trace.FlagsSampled})
	ctx := trace.ContextWithSpanContext(context.Background(), sc)

	log.InfoContext(context.Background(), "plain")
	if strings.Contains(buf.String(), "trace_id") {
		t.Errorf("a record without a span: %s", buf.String())
	}
	buf.Reset()
	log.With("k", "v").WithGroup("g").InfoContext(ctx, "traced", "a", 1)
	got := buf.String()
	for _, want := range []string{"k=v", "g.a=1", "g.trace_id=" + sc.TraceID().String(), "g.span_id=" + sc.SpanID().String()} {
		if !strings.Contains(got, want) {
			t.Errorf("traced record %q lacks %s", got, want)
		}
	}
}

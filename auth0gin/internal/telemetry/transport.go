package telemetry

import (
	"net/http"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Transport wraps base (nil: http.DefaultTransport) so that every request
// it sends is a client span, a child of the request context's span: name
// names it from the request (a fixed string or a route template, never the
// raw path, which may carry ids). Its attributes are the semantic
// conventions' http.request.method, server.address, url.template and
// http.response.status_code. The trace context is not propagated to the
// tenant: Auth0 does not read it, and it would tell a third party about the
// app's traces.
func Transport(base http.RoundTripper, t trace.Tracer, name func(*http.Request) (span, template string)) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if tt, ok := base.(*tracedTransport); ok && tt.tracer == t {
		return base
	}
	return &tracedTransport{base: base, tracer: t, name: name}
}

type tracedTransport struct {
	base   http.RoundTripper
	tracer trace.Tracer
	name   func(*http.Request) (string, string)
}

// RoundTrip implements http.RoundTripper.
func (t *tracedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	name, tmpl := t.name(r)
	ctx, span := t.tracer.Start(r.Context(), name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("http.request.method", r.Method),
			attribute.String("server.address", r.URL.Hostname()), attribute.String("url.template", tmpl)))
	defer span.End()
	res, err := t.base.RoundTrip(r.WithContext(ctx))
	if err != nil {
		span.SetStatus(codes.Error, errorType(err))
		return nil, err
	}
	span.SetAttributes(attribute.Int("http.response.status_code", res.StatusCode))
	if res.StatusCode >= 400 {
		span.SetStatus(codes.Error, strconv.Itoa(res.StatusCode))
	}
	return res, nil
}

// Unwrap returns the wrapped transport.
func (t *tracedTransport) Unwrap() http.RoundTripper { return t.base }

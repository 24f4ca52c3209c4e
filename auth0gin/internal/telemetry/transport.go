package telemetry

import (
	"context"
	"net/http"
	"strconv"
	"time"

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
//
// observe, when not nil, is told of each call once it answers: its
// template, status (0 when it failed), start and error, for the caller's
// metrics.
func Transport(base http.RoundTripper, t trace.Tracer, name func(*http.Request) (span, template string), observe Observe) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if tt, ok := base.(*tracedTransport); ok && tt.tracer == t {
		return base
	}
	return &tracedTransport{base: base, tracer: t, name: name, observe: observe}
}

// Observe is told of each call a Transport made.
type Observe func(ctx context.Context, template string, status int, start time.Time, err error)

// Client returns a copy of c (nil: a client with timeout) whose transport
// is wrapped by Transport.
func Client(c *http.Client, timeout time.Duration, t trace.Tracer, name func(*http.Request) (string, string), observe Observe) *http.Client {
	var cc http.Client
	if c != nil {
		cc = *c
	} else {
		cc.Timeout = timeout
	}
	cc.Transport = Transport(cc.Transport, t, name, observe)
	return &cc
}

// Named returns a name function giving every request the span name span and
// the template of its path given by template (nil: the path as it is, for
// fixed endpoints only).
func Named(span string, template func(path string) string) func(*http.Request) (string, string) {
	return func(r *http.Request) (string, string) {
		if template == nil {
			return span, r.URL.Path
		}
		return span, template(r.URL.Path)
	}
}

type tracedTransport struct {
	base    http.RoundTripper
	tracer  trace.Tracer
	name    func(*http.Request) (string, string)
	observe Observe
}

// RoundTrip implements http.RoundTripper.
func (t *tracedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	name, tmpl := t.name(r)
	ctx, span := t.tracer.Start(r.Context(), name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("http.request.method", r.Method),
			attribute.String("server.address", r.URL.Hostname()), attribute.String("url.template", tmpl)))
	defer span.End()
	start := time.Now()
	res, err := t.base.RoundTrip(r.WithContext(ctx))
	if t.observe != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.observe(ctx, tmpl, status, start, err)
	}
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

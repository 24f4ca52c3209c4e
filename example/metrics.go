package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// startTelemetry installs the OpenTelemetry SDK as the global providers,
// which auth0gin (Config.MeterProvider and TracerProvider left nil) and
// otelgin report to:
//
//   - metrics: a Prometheus exporter served at /metrics on a listener of
//     its own, METRICS_ADDR (default 127.0.0.1:9464, loopback: the
//     metrics name routes and issuers; "off" turns it off; a port taken
//     is logged and the app serves on without it);
//   - traces: by OTLP over HTTP when OTEL_EXPORTER_OTLP_ENDPOINT (or
//     OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, configured by the SDK's
//     standard variables (OTEL_EXPORTER_OTLP_HEADERS, OTEL_SERVICE_NAME,
//     ...); otherwise spans are only the trace_id and span_id of the logs.
//
// The returned function flushes and stops both.
func startTelemetry(ctx context.Context, log *slog.Logger) (stop func(), err error) {
	var stops []func(context.Context) error
	stop = func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, s := range stops {
			_ = s(sctx)
		}
	}
	reg := prometheus.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, fmt.Errorf("the Prometheus exporter: %w", err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
	stops = append(stops, mp.Shutdown)
	otel.SetMeterProvider(mp)

	tpOpts := []sdktrace.TracerProviderOption{}
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "" {
		te, err := otlptracehttp.New(ctx) // reads the OTEL_EXPORTER_OTLP_* variables
		if err != nil {
			stop()
			return nil, fmt.Errorf("the OTLP trace exporter: %w", err)
		}
		tpOpts = append(tpOpts, sdktrace.WithBatcher(te))
		log.Info("example: sending traces by OTLP")
	}
	tp := sdktrace.NewTracerProvider(tpOpts...)
	stops = append([]func(context.Context) error{tp.Shutdown}, stops...)
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))

	addr := envOr("METRICS_ADDR", "127.0.0.1:9464")
	if addr == "off" {
		return stop, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		// Two instances on one machine (the tests run several): the second
		// serves without /metrics rather than not at all.
		log.Warn("example: no /metrics", "METRICS_ADDR", addr, "err", err)
		return stop, nil
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("example: metrics listener", "err", err)
		}
	}()
	stops = append(stops, srv.Shutdown)
	log.Info("example: metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	return stop, nil
}

package main

import (
	"fmt"
	"log/slog"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// withOtel is the hot-token variant with auth0gin reporting to a real
// OpenTelemetry SDK: metrics to the Prometheus exporter (served at /metrics,
// as an app serves them to its scraper), spans to a TracerProvider that
// samples and records everything (with no exporter: the in-process cost).
// The cached variant, with no provider installed, is the arm without
// instrumentation, so the ratio is what auth0gin's instruments cost. otelgin
// is left out: its own request span and http.server.* histograms are the
// app's choice, and cost far more than auth0gin's (BenchmarkOtelHotToken
// measures both).
//
// The harness registers it with one line in variants.go's engine switch
// (case withOtel: return otelEngine(issuerURL, tune)) and compares it with
// cached in one run: the issue asks ≥ 0.95× the cached variant's rps.
const withOtel variant = "auth0gin+otel"

// otelMetricsPath serves the variant's Prometheus metrics.
const otelMetricsPath = "/metrics"

// otelEngine is the engine of withOtel; its cache is the cached variant's,
// for its size.
func otelEngine(issuerURL string, tune func(*auth0gin.Config)) (*gin.Engine, auth0gin.TokenCache, error) {
	return otelEngineWith(issuerURL, tune, false)
}

// otelEngineWith is otelEngine, behind otelgin (on the same SDK) or not.
// Without it there is no request span, so no decision event: what is
// measured is auth0gin's metrics on the SDK.
func otelEngineWith(issuerURL string, tune func(*auth0gin.Config), withOtelgin bool) (*gin.Engine, auth0gin.TokenCache, error) {
	reg := prometheus.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, nil, fmt.Errorf("the Prometheus exporter: %w", err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
	tp := sdktrace.NewTracerProvider() // parent-based, always sampling: every request's span records
	cache := auth0gin.NewMemoryCache(0, 0)
	cfg := auth0gin.Config{
		Domain:         issuerURL,
		Audience:       []string{audience},
		Logger:         slog.New(slog.DiscardHandler),
		Cache:          cache,
		MeterProvider:  mp,
		TracerProvider: tp,
	}
	if tune != nil {
		tune(&cfg)
	}
	a, err := auth0gin.New(cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("auth0gin.New: %w", err)
	}
	r := gin.New()
	r.GET(otelMetricsPath, gin.WrapH(promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))
	if withOtelgin {
		r.Use(otelgin.Middleware(string(withOtel), otelgin.WithMeterProvider(mp), otelgin.WithTracerProvider(tp)))
	}
	r.GET(route, a.RequireScopes(scope), answer)
	return r, cache, nil
}

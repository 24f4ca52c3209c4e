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

// withOtel is the hot-token variant with OpenTelemetry on: the cached
// variant (auth0gin, default config) behind otelgin, both reporting to a
// real SDK. Metrics go to the Prometheus exporter (served at /metrics, as an
// app serves them to its scraper); every span is sampled and recorded, with
// no exporter, so the figure is the in-process cost of tracing. The cached
// variant, with no provider installed, is the arm without instrumentation.
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
	return otelEngineWith(issuerURL, tune, true)
}

// otelEngineWith is otelEngine, behind otelgin or not: without it, what is
// measured is auth0gin's own instruments on the SDK (no request span, so no
// decision event), which the in-process benchmark tells apart.
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

package auth0gin_test

import (
	"context"
	"fmt"
	"log"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// Metrics and spans go to the providers in the Config (here an SDK read by
// hand; in an app, one with the Prometheus or OTLP exporter), behind
// otelgin's request span.
func ExampleConfig_openTelemetry() {
	tenant := startTenant()
	defer tenant.Close()

	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	tp := sdktrace.NewTracerProvider()
	auth := auth0gin.MustNew(auth0gin.Config{
		Domain:         tenant.URL,
		Audience:       []string{devtenant.Audience},
		MeterProvider:  mp, // nil: otel.GetMeterProvider()
		TracerProvider: tp, // nil: otel.GetTracerProvider()
	})
	r := gin.New()
	r.Use(otelgin.Middleware("my-api", otelgin.WithTracerProvider(tp), otelgin.WithMeterProvider(mp)))
	r.GET("/api/private", auth.RequireScopes(), func(c *gin.Context) { c.Status(http.StatusNoContent) })

	token := mint(tenant)
	for range 3 {
		get(r, "/api/private", token)
	}
	get(r, "/api/private", "")

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		log.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if s, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == "auth0gin.token.cache.hits" {
				fmt.Println(m.Name, s.DataPoints[0].Value)
			}
			if s, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == "auth0gin.token.checks" {
				for _, p := range s.DataPoints {
					outcome, _ := p.Attributes.Value("outcome")
					fmt.Println(m.Name, outcome.AsString(), p.Value)
				}
			}
		}
	}
	// Unordered output:
	// auth0gin.token.checks ok 3
	// auth0gin.token.checks missing 1
	// auth0gin.token.cache.hits 2
}

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

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
// otelReport (registered in init below) compares it with cached in one
// run: the issue asks ≥ 0.95× the cached variant's rps.
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

func init() {
	registerVariant(withOtel, func(issuerURL string, tune func(*auth0gin.Config)) (*gin.Engine, error) {
		r, _, err := otelEngine(issuerURL, tune)
		return r, err
	})
	registerSection("otel", otelReport)
}

// otelReport measures one hot token through the cached variant (no
// provider installed) and through withOtel, served like the main tables'
// variants (a pinned child process in the full run), in rounds of rotating
// order: the ratio of each round is what auth0gin's instruments cost on a
// real SDK.
func otelReport(ctx context.Context, p plan, log *slog.Logger) (string, []string, error) {
	k, err := newSigningKey("otel-k0")
	if err != nil {
		return "", nil, err
	}
	is, err := newIssuer(k)
	if err != nil {
		return "", nil, err
	}
	defer is.close()
	tokens, err := is.signMany(ctx, k, 0, 1, 1)
	if err != nil {
		return "", nil, err
	}
	hot := []string{"Bearer " + tokens[0]}
	client := newClient(p.concurrency)
	defer client.CloseIdleConnections()
	arms := []variant{cached, withOtel}
	rps := make([][]float64, len(arms))
	var problems []string
	for round := range p.rounds {
		for j := range arms {
			vi := (j + round) % len(arms)
			v := arms[vi]
			var srv *server
			if p.child {
				srv, err = startChild(v, is.url(), p.pin, 0, false)
			} else {
				srv, err = startInProcess(v, is.url(), nil)
			}
			if err != nil {
				return "", nil, err
			}
			warm := load{url: srv.url + route, headers: hot, duration: p.hotWarm, concurrency: p.concurrency}
			meas := load{url: srv.url + route, headers: hot, duration: p.duration, concurrency: p.concurrency}
			res, err := measureOne(ctx, client, srv, warm, meas, p, fmt.Sprintf("otel-%s-%d", v, round))
			err = errors.Join(err, srv.stop())
			client.CloseIdleConnections()
			if err != nil {
				return "", nil, err
			}
			if res.non2xx > 0 {
				problems = append(problems, fmt.Sprintf("%s, round %d: %d answers out of 2xx (first error: %v)", v, round+1, res.non2xx, res.firstErr))
			}
			rps[vi] = append(rps[vi], res.rps)
			log.Info("otel", "variant", string(v), "round", round+1, "rps", int(res.rps))
		}
	}
	ratios := make([]float64, len(rps[1]))
	for r := range ratios {
		ratios[r] = rps[1][r] / rps[0][r]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n## OpenTelemetry: the hot token on a real SDK\n\n")
	fmt.Fprintf(&b, "One hot token, %d rounds in rotating order, served like the tables above. **%s** reports to the "+
		"OpenTelemetry SDK (metrics to the Prometheus exporter, every span sampled and recorded, no otelgin); "+
		"**%s** has no provider installed. The ratio is the median of the per-round ratios (min–max); the target is ≥ 0.95.\n\n",
		p.rounds, withOtel, cached)
	fmt.Fprintf(&b, "| variant | req/s (median) | × no instrumentation |\n|---|---:|---:|\n")
	fmt.Fprintf(&b, "| %s | %.0f | 1.00 |\n", cached, median(rps[0]))
	fmt.Fprintf(&b, "| %s | %.0f | %.3f (%.3f–%.3f) |\n\n", withOtel, median(rps[1]), median(ratios), slices.Min(ratios), slices.Max(ratios))
	if m := median(ratios); m < 0.95 {
		problems = append(problems, fmt.Sprintf("auth0gin on the OTel SDK keeps %.3f× the rate without instrumentation (target ≥ 0.95)", m))
	}
	return b.String(), problems, nil
}

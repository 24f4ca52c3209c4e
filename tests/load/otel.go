package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

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
// variants (a pinned child process in the full run), side by side in
// interleaved slices (otelRound): the ratio of each round is what
// auth0gin's instruments cost on a real SDK.
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
		runs, order, err := otelRound(ctx, client, is.url(), hot, arms, p, round)
		if err != nil {
			return "", nil, err
		}
		for _, vi := range order {
			v, res := arms[vi], runs[vi]
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
	fmt.Fprintf(&b, "One hot token, served like the tables above, in %d rounds: a round starts a server per variant and warms each, "+
		"then measures them side by side in %d interleaved slices of %v each, the order rotating from round to round. **%s** reports to the "+
		"OpenTelemetry SDK (metrics to the Prometheus exporter, every span sampled and recorded, no otelgin); "+
		"**%s** has no provider installed. The ratio is the median of the per-round ratios (min–max); the target is ≥ 0.95.\n\n",
		p.rounds, max(1, p.slices), p.duration/time.Duration(max(1, p.slices)), withOtel, cached)
	fmt.Fprintf(&b, "| variant | req/s (median) | × no instrumentation |\n|---|---:|---:|\n")
	fmt.Fprintf(&b, "| %s | %.0f | 1.00 |\n", cached, median(rps[0]))
	fmt.Fprintf(&b, "| %s | %.0f | %.3f (%.3f–%.3f) |\n\n", withOtel, median(rps[1]), median(ratios), slices.Min(ratios), slices.Max(ratios))
	if m := median(ratios); m < 0.95 {
		problems = append(problems, fmt.Sprintf("auth0gin on the OTel SDK keeps %.3f× the rate without instrumentation (target ≥ 0.95)", m))
	}
	return b.String(), problems, nil
}

// otelRound is round r of otelReport, side by side (sideBySide): a fresh
// server for every arm, warmed up, then both measured in p.slices
// interleaved slices of p.duration/p.slices each. runs[i] is arms[i]'s
// slices added up. With p.profileDir, every server is profiled over the
// round's slices, as otel-<variant>-<r>.pprof.
func otelRound(ctx context.Context, client *http.Client, issuerURL string, hot []string, arms []variant, p plan, r int) (runs []run, order []int, err error) {
	rd := round{n: len(arms), r: r, slices: p.slices,
		start: func(vi int) (*server, error) {
			var srv *server
			var err error
			if p.child {
				srv, err = startChild(arms[vi], issuerURL, p.pin, 0, false)
			} else {
				srv, err = startInProcess(arms[vi], issuerURL, nil)
			}
			if err != nil {
				err = fmt.Errorf("%s: %w", arms[vi], err)
			}
			return srv, err
		},
		warm: func(vi int, srv *server) (load, error) {
			l := load{url: srv.url + route, headers: hot, concurrency: p.concurrency, drain: true}
			warm, meas := l, l
			warm.duration, meas.duration = p.hotWarm, p.duration
			if _, err := warm.run(ctx, client); err != nil {
				return l, fmt.Errorf("%s: %w", arms[vi], err)
			}
			return meas, nil
		},
	}
	rd.profile = profilePath(p.profileDir, func(vi int) string { return fmt.Sprintf("otel-%s-%d", arms[vi], r) })
	return sideBySide(ctx, client, rd)
}

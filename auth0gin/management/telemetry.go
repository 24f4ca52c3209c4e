package management

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry"
)

// mgmtTel holds the Management client's instruments, made from
// Config.MeterProvider and Config.TracerProvider (the global ones when nil).
type mgmtTel struct {
	calls, limited, tokens metric.Int64Counter
	duration, wait         metric.Float64Histogram

	mu   sync.Mutex
	sets map[string]*telemetry.Opts // by route template and status, built at first use
}

// newMgmtTel makes the instruments and wraps cfg.HTTPClient so that every
// exchange (the token's included) is a client span, counted by route
// template and status.
func newMgmtTel(cfg *Config) *mgmtTel {
	mp, tp := telemetry.Providers(cfg.MeterProvider, cfg.TracerProvider)
	m := mp.Meter(telemetry.ScopeName + "/management")
	t := &mgmtTel{sets: map[string]*telemetry.Opts{}}
	t.calls = telemetry.Must(m.Int64Counter(telemetry.ManagementCalls, metric.WithUnit("{call}"),
		metric.WithDescription("Management API exchanges, by route template and status (0: no answer).")))
	t.duration = telemetry.Must(m.Float64Histogram(telemetry.ManagementDuration, metric.WithUnit("s"),
		metric.WithDescription("Duration of a Management API exchange, by route template and status."),
		metric.WithExplicitBucketBoundaries(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)))
	t.limited = telemetry.Must(m.Int64Counter(telemetry.ManagementRateLimited, metric.WithUnit("{response}"),
		metric.WithDescription("Management API 429 answers, by route template and whether the call waited for the reset (retried) or gave up.")))
	t.wait = telemetry.Must(m.Float64Histogram(telemetry.ManagementWait, metric.WithUnit("s"),
		metric.WithDescription("The wait taken for a Management API rate-limit reset before retrying, by route template."),
		metric.WithExplicitBucketBoundaries(0.5, 1, 2, 4, 8, 16, 30, 60)))
	t.tokens = telemetry.Must(m.Int64Counter(telemetry.ManagementTokens, metric.WithUnit("{fetch}"),
		metric.WithDescription("Machine-token fetches from the tenant's /oauth/token, by result.")))
	cfg.HTTPClient = telemetry.Client(cfg.HTTPClient, cfg.Timeout, tp.Tracer(telemetry.ScopeName+"/management"), routeName, t.called)
	return t
}

// routeName names an exchange by its route template.
func routeName(r *http.Request) (string, string) {
	tmpl := routeTemplate(r.URL.EscapedPath())
	return r.Method + " " + tmpl, tmpl
}

// routeTemplate turns a path below the API into its template: after
// /api/v2/ every second segment is an id ({id}), and a segment that is no
// plain lowercase word is one too, so no user id, email or other value ever
// becomes an attribute. The token endpoint is /oauth/token.
func routeTemplate(path string) string {
	if strings.HasSuffix(path, tokenPath) && !strings.Contains(path, "/api/v2/") {
		return tokenPath
	}
	_, rest, ok := strings.Cut(path, "/api/v2/")
	if !ok {
		return telemetry.Other
	}
	segs := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	if len(segs) > 6 {
		return telemetry.Other
	}
	var b strings.Builder
	b.WriteString("/api/v2")
	for i, s := range segs {
		b.WriteByte('/')
		if i%2 == 1 || !word(s) {
			b.WriteString("{id}")
		} else {
			b.WriteString(s)
		}
	}
	return b.String()
}

// word reports whether s is a plain route word (users, users-by-email, roles).
func word(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// opts returns the attribute set named key, built by mk at first use; the
// keys (route templates, statuses, results) are bounded, so the sets are too.
func (t *mgmtTel) opts(key string, mk func() telemetry.Opts) *telemetry.Opts {
	t.mu.Lock()
	defer t.mu.Unlock()
	o, ok := t.sets[key]
	if !ok {
		v := mk()
		o = &v
		t.sets[key] = o
	}
	return o
}

// called records one exchange.
func (t *mgmtTel) called(ctx context.Context, route string, status int, start time.Time, _ error) {
	o := t.opts("call "+route+" "+strconv.Itoa(status), func() telemetry.Opts {
		return telemetry.NewOpts(telemetry.KeyRoute.String(route), telemetry.KeyStatus.Int(status))
	})
	t.calls.Add(ctx, 1, o.Add...)
	t.duration.Record(ctx, time.Since(start).Seconds(), o.Rec...)
	if route == tokenPath {
		r := telemetry.OK
		if status/100 != 2 {
			r = telemetry.Error
		}
		t.tokens.Add(ctx, 1, t.opts("token "+r, func() telemetry.Opts { return telemetry.NewOpts(telemetry.KeyResult.String(r)) }).Add...)
	}
}

// rateLimited records a 429 of the call to path: the wait taken before the
// retry, or a give-up (giveUp not nil).
func (t *mgmtTel) rateLimited(ctx context.Context, path string, wait time.Duration, giveUp error) {
	route := routeTemplate("/api/v2/" + strings.TrimPrefix(path, "api/v2/"))
	if "/"+path == tokenPath || path == tokenPath {
		route = tokenPath
	}
	retried := giveUp == nil
	t.limited.Add(ctx, 1, t.opts("429 "+route+" "+strconv.FormatBool(retried), func() telemetry.Opts {
		return telemetry.NewOpts(telemetry.KeyRoute.String(route), attribute.Bool("retried", retried))
	}).Add...)
	if retried {
		t.wait.Record(ctx, wait.Seconds(), t.opts("wait "+route, func() telemetry.Opts {
			return telemetry.NewOpts(telemetry.KeyRoute.String(route))
		}).Rec...)
	}
}

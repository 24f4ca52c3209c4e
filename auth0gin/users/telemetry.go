package users

import (
	"context"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry"
)

// usersTel holds the resolver's instruments, made by New from the Auth0's
// providers (auth0gin.Config.MeterProvider and TracerProvider).
type usersTel struct {
	tracer                       trace.Tracer
	resolutions, profiles, races metric.Int64Counter
	byPath                       map[string]telemetry.Opts
	bySource                     map[[2]string]telemetry.Opts
	none                         telemetry.Opts
}

// Resolution paths: found by Auth0 id, linked by verified email, created.
const (
	pathID        = "id"
	pathEmailLink = "email_link"
	pathCreate    = "create"
)

func newUsersTel(auth *auth0gin.Auth0) *usersTel {
	var mp metric.MeterProvider
	var tp trace.TracerProvider
	if auth != nil {
		c := auth.Config()
		mp, tp = c.MeterProvider, c.TracerProvider
	}
	mp, tp = telemetry.Providers(mp, tp)
	m := mp.Meter(telemetry.ScopeName + "/users")
	t := &usersTel{tracer: tp.Tracer(telemetry.ScopeName + "/users"), byPath: map[string]telemetry.Opts{},
		bySource: map[[2]string]telemetry.Opts{}, none: telemetry.NewOpts()}
	t.resolutions = telemetry.Must(m.Int64Counter(telemetry.UserResolutions, metric.WithUnit("{resolution}"),
		metric.WithDescription("Users resolved from the store (cache misses), by path: id (found), email_link (linked by verified email), create.")))
	t.profiles = telemetry.Must(m.Int64Counter(telemetry.UserProfiles, metric.WithUnit("{fetch}"),
		metric.WithDescription("Profile fetches for a new user, by source (userinfo, management, custom) and result.")))
	t.races = telemetry.Must(m.Int64Counter(telemetry.UserRacesLost, metric.WithUnit("{race}"),
		metric.WithDescription("Creates that found the row another request or instance had just created (the library's table).")))
	for _, p := range []string{pathID, pathEmailLink, pathCreate} {
		t.byPath[p] = telemetry.NewOpts(telemetry.KeyPath.String(p))
	}
	for _, s := range []string{"userinfo", "management", "custom", telemetry.Other} {
		for _, r := range []string{telemetry.OK, telemetry.Error} {
			t.bySource[[2]string{s, r}] = telemetry.NewOpts(telemetry.KeySource.String(s), telemetry.KeyResult.String(r))
		}
	}
	return t
}

// resolved counts a resolution by its path.
func (t *usersTel) resolved(ctx context.Context, path string) {
	if t != nil {
		t.resolutions.Add(ctx, 1, t.byPath[path].Add...)
	}
}

// profile counts a profile fetch from source with its error.
func (t *usersTel) profile(ctx context.Context, source string, err error) {
	if t == nil {
		return
	}
	r := telemetry.OK
	if err != nil {
		r = telemetry.Error
	}
	o, ok := t.bySource[[2]string{source, r}]
	if !ok {
		o = t.bySource[[2]string{telemetry.Other, r}]
	}
	t.profiles.Add(ctx, 1, o.Add...)
}

// raceLost counts a Create that read the row another request made.
func (t *usersTel) raceLost(ctx context.Context) {
	if t != nil {
		t.races.Add(ctx, 1, t.none.Add...)
	}
}

// client returns hc (nil: a client with a 10 s timeout) whose calls to
// /userinfo are client spans.
func (t *usersTel) client(hc *http.Client) *http.Client {
	return telemetry.Client(hc, 10*time.Second, t.tracer, telemetry.Named("GET /userinfo", func(string) string { return "/userinfo" }), nil)
}

package management

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/internal/envfile"
	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry"
	"github.com/auth0gin/auth0gin/auth0gin/internal/tenanturl"
)

// Environment variables read by FromEnv (see its doc).
const (
	envDomain       = "AUTH0_DOMAIN"
	envClientID     = "AUTH0_M2M_CLIENT_ID"
	envClientSecret = "AUTH0_M2M_CLIENT_SECRET"
	envAudience     = "AUTH0_MANAGEMENT_AUDIENCE"
)

// Defaults New uses for zero Config fields (each stated in its field's doc).
const (
	defaultTimeout     = 10 * time.Second
	defaultMaxRetries  = 3
	defaultMaxWait     = 30 * time.Second
	defaultTokenMargin = time.Minute
)

// Config configures a Client. Domain, ClientID and ClientSecret are required;
// everything else has a default.
type Config struct {
	// Domain is the tenant: "tenant.eu.auth0.com", or a base URL such as
	// "https://tenant.eu.auth0.com/" (plain http only for loopback hosts, as
	// for a dev tenant).
	Domain string
	// ClientID and ClientSecret are the machine-to-machine application's
	// credentials; the secret is sent to the token endpoint only and never
	// appears in a log line or an error.
	ClientID     string
	ClientSecret string
	// Audience is the Management API identifier (default
	// "https://DOMAIN/api/v2/"). Set it when Domain is a custom domain.
	Audience string
	// HTTPClient sends every request (default: a client with Timeout). A
	// client without a Timeout gets a copy with Timeout set.
	HTTPClient *http.Client
	// Timeout bounds each HTTP exchange (default 10 s). A call that
	// waits for a rate-limit reset may take longer in total; bound it with the
	// context's deadline.
	Timeout time.Duration
	// MaxRetries is how many times a 429 is retried after its reset (default 3;
	// negative: never).
	MaxRetries int
	// MaxWait is the longest wait for a rate-limit reset (default 30 s). A reset further away fails the call at once with
	// ErrRateLimited.
	MaxWait time.Duration
	// TokenMargin is how long before its expiry the cached machine token is
	// replaced (default one minute, at most half the token's lifetime).
	TokenMargin time.Duration
	// Logger receives the client's logs (default slog.Default()): token
	// fetches, rejected tokens and rate-limit waits. No token or secret is
	// ever logged.
	Logger *slog.Logger
	// MeterProvider and TracerProvider receive the client's metrics and
	// spans (default: OpenTelemetry's global providers): every exchange is
	// a client span, counted by route template and status; 429s with the
	// wait taken; machine-token fetches. See docs/observability.md.
	MeterProvider  metric.MeterProvider
	TracerProvider trace.TracerProvider

	envErr error // a .env FromEnv could not read, reported by New
}

// FromEnv reads a Config from the environment, loading `.env` from the
// working directory first when it exists (variables already set win):
//
//	AUTH0_DOMAIN               the tenant, as the core reads it
//	AUTH0_M2M_CLIENT_ID        the machine-to-machine application authorized
//	AUTH0_M2M_CLIENT_SECRET    for the Management API, and its secret
//	AUTH0_MANAGEMENT_AUDIENCE  optional: the Management API audience, for a
//	                           tenant reached through a custom domain (the
//	                           audience stays https://TENANT.auth0.com/api/v2/)
//
// Missing values, and a `.env` that cannot be read, are reported by New.
func FromEnv() Config {
	if err := envfile.Load(); err != nil {
		return Config{envErr: fmt.Errorf("management: %w", err)}
	}
	return configFromLookup(os.Getenv)
}

func configFromLookup(get func(string) string) Config {
	return Config{
		Domain:       strings.TrimSpace(get(envDomain)),
		ClientID:     strings.TrimSpace(get(envClientID)),
		ClientSecret: strings.TrimSpace(get(envClientSecret)),
		Audience:     strings.TrimSpace(get(envAudience)),
	}
}

// resolve validates c and fills in the defaults; base is the tenant's base
// URL with a trailing slash.
func (c Config) resolve() (cfg Config, base string, err error) {
	bad := func(format string, args ...any) (Config, string, error) {
		return c, "", fmt.Errorf("%w: management: %s", auth0gin.ErrConfig, fmt.Sprintf(format, args...))
	}
	if c.envErr != nil {
		return bad("%v", c.envErr)
	}
	if c.ClientID == "" || c.ClientSecret == "" {
		return bad("a client id (%s) and a client secret (%s) are required", envClientID, envClientSecret)
	}
	base, err = tenanturl.Base(c.Domain)
	if err != nil {
		return bad("%v", err)
	}
	if c.Audience == "" {
		c.Audience = base + "api/v2/"
	}
	if c.Timeout < 0 || c.MaxWait < 0 || c.TokenMargin < 0 {
		return bad("durations must not be negative")
	}
	if c.Timeout == 0 {
		c.Timeout = defaultTimeout
	}
	if c.MaxWait == 0 {
		c.MaxWait = defaultMaxWait
	}
	if c.TokenMargin == 0 {
		c.TokenMargin = defaultTokenMargin
	}
	switch {
	case c.MaxRetries == 0:
		c.MaxRetries = defaultMaxRetries
	case c.MaxRetries < 0:
		c.MaxRetries = 0
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: c.Timeout}
	} else if c.HTTPClient.Timeout == 0 {
		hc := *c.HTTPClient
		hc.Timeout = c.Timeout
		c.HTTPClient = &hc
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	c.Logger = telemetry.Logger(c.Logger) // records carry trace_id and span_id
	return c, base, nil
}

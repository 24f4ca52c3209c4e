package auth0gin

import (
	"fmt"
	"log/slog"
)

// plainConfig is Config without its methods, for String to print.
type plainConfig Config

// LogValue logs a Config without its DPoP nonce secret: its settings, not
// its clients, caches or providers.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("domain", c.Domain),
		slog.Any("issuers", c.Issuers),
		slog.Any("audience", c.Audience),
		slog.String("client_id", c.ClientID),
		slog.Any("algorithms", c.Algorithms),
		slog.Duration("clock_skew", c.ClockSkew),
		slog.Bool("disable_cache", c.DisableCache),
		slog.Duration("cache_max_ttl", c.CacheMaxTTL),
		slog.String("public_origin", c.PublicOrigin),
		slog.String("dpop", c.DPoP),
		slog.Duration("dpop_window", c.DPoPWindow),
		slog.Any("dpop_algorithms", c.DPoPAlgorithms),
		slog.String("dpop_nonce_secret", redactedIfSet(c.DPoPNonceSecret)),
		slog.Duration("dpop_nonce_lifetime", c.DPoPNonceLifetime),
	)
}

// String prints a Config with its DPoP nonce secret redacted (%v, %+v, %s).
func (c Config) String() string {
	c.DPoPNonceSecret = redactedIfSet(c.DPoPNonceSecret)
	return fmt.Sprintf("auth0gin.Config%+v", plainConfig(c))
}

// GoString is String for %#v.
func (c Config) GoString() string { return c.String() }

// redactedIfSet stands in for a secret: `""` when it is empty, else
// [REDACTED] (as management.Config and login.Config print theirs).
func redactedIfSet(s string) string {
	if s == "" {
		return `""`
	}
	return "[REDACTED]"
}

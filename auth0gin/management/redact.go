package management

import (
	"fmt"
	"log/slog"
)

// redacted stands in for a secret wherever a Config is printed or logged.
const redacted = "[REDACTED]"

// LogValue logs a Config without its client secret.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("domain", c.Domain),
		slog.String("audience", c.Audience),
		slog.String("client_id", c.ClientID),
		slog.String("client_secret", redactedIfSet(c.ClientSecret)),
	)
}

// String prints a Config without its client secret (%v, %+v, %s).
func (c Config) String() string {
	return fmt.Sprintf("management.Config{Domain:%q Audience:%q ClientID:%q ClientSecret:%s}",
		c.Domain, c.Audience, c.ClientID, redactedIfSet(c.ClientSecret))
}

// GoString is String for %#v.
func (c Config) GoString() string { return c.String() }

func redactedIfSet(s string) string {
	if s == "" {
		return `""`
	}
	return redacted
}

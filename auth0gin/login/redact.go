package login

import (
	"fmt"
	"log/slog"
	"slices"
)

// LogValue logs a Config without its client secret or keys.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("client_id", c.ClientID),
		slog.String("client_secret", redactedIfSet(c.ClientSecret)),
		slog.String("connection", c.Connection),
		slog.String("audience", c.Audience),
		slog.String("scope", c.Scope),
		slog.Any("keys", c.Keys),
	)
}

// String prints a Config without its client secret or keys (%v, %+v, %s).
func (c Config) String() string {
	return fmt.Sprintf("login.Config{ClientID:%q ClientSecret:%s Connection:%q Audience:%q Scope:%q Keys:%v}",
		c.ClientID, redactedIfSet(c.ClientSecret), c.Connection, c.Audience, c.Scope, c.Keys)
}

// GoString is String for %#v.
func (c Config) GoString() string { return c.String() }

// String names the key ids only (%v of a Keyring, or of a Config holding one).
func (k *Keyring) String() string {
	if k == nil {
		return "<nil>"
	}
	return fmt.Sprintf("login.Keyring%q", k.ids)
}

// LogValue logs the key ids only.
func (k *Keyring) LogValue() slog.Value {
	if k == nil {
		return slog.StringValue("<nil>")
	}
	return slog.AnyValue(slices.Clone(k.ids))
}

func redactedIfSet(s string) string {
	if s == "" {
		return `""`
	}
	return "[REDACTED]"
}

// Package redact keeps the passwords of store URLs out of messages: a URL
// shown in an error has its password replaced, and an error from a driver
// that quotes the URL is reworded without it.
package redact

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// URL returns raw with the password of its user info and of a password
// query parameter replaced by "xxxxx"; a URL that does not parse is replaced
// whole, since it cannot be told where its password is.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		// What url.Query would drop may be a password.
		u.RawQuery = "(unparsable query)"
		return u.Redacted()
	}
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// Query parses a URL's query as url.ParseQuery does. Unlike url.Query, it
// refuses (with an error wrapping auth0gin.ErrConfig that prints no part of
// the query) what url.Query would silently drop: a pair holding ';' or a
// bad %-escape, which may be a setting such as schema= or a password.
func Query(rawQuery string) (url.Values, error) {
	q, err := url.ParseQuery(rawQuery)
	if err == nil {
		return q, nil
	}
	why := "a ';' separates its parameters (only '&' does; write ';' in a value as %3B)"
	if esc := new(url.EscapeError); errors.As(err, esc) {
		why = "a '%' is not followed by two hex digits (write '%' in a value as %25)"
	}
	return nil, fmt.Errorf("%w: the query of the URL does not parse: %s", auth0gin.ErrConfig, why)
}

// secrets are the strings of raw that must not appear in a message, each
// also as Go quotes it (%q, as *url.Error prints its URL: ", \ and control
// characters escaped), longest first so that a secret's quoted form is
// replaced before the secret.
func secrets(raw string) []string {
	out := plainSecrets(raw)
	for _, s := range out {
		if q := strconv.Quote(s); q[1:len(q)-1] != s {
			out = append(out, q[1:len(q)-1])
		}
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

func plainSecrets(raw string) []string {
	var out []string
	if u, err := url.Parse(raw); err == nil {
		if p, ok := u.User.Password(); ok && p != "" {
			out = append(out, p, url.PathEscape(p), url.QueryEscape(p))
		}
		q, err := url.ParseQuery(u.RawQuery)
		if err != nil && u.RawQuery != "" {
			out = append(out, u.RawQuery) // what q lacks may be a password
		}
		for _, p := range q["password"] {
			if p != "" {
				out = append(out, p, url.QueryEscape(p))
			}
		}
	} else if raw != "" {
		out = append(out, raw)
	}
	return out
}

// Error returns err with every occurrence of raw's password (and of raw
// itself when it does not parse) removed from its message. A reworded error
// does not unwrap to err, whose message (or a wrapped error's) holds the
// password: errors.Is sees only the sentinels err matched among
// auth0gin.ErrConfig, auth0gin.ErrUnavailable and the context's errors.
func Error(err error, raw string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := msg
	for _, s := range secrets(raw) {
		clean = strings.ReplaceAll(clean, s, "xxxxx")
	}
	if clean == msg {
		return err
	}
	var kinds []error
	for _, k := range sentinels {
		if errors.Is(err, k) {
			kinds = append(kinds, k)
		}
	}
	return &scrubbed{msg: clean, kinds: kinds}
}

// sentinels are the errors a reworded error still matches, when the
// original did.
var sentinels = []error{auth0gin.ErrConfig, auth0gin.ErrUnavailable, context.Canceled, context.DeadlineExceeded}

type scrubbed struct {
	msg   string
	kinds []error
}

func (e *scrubbed) Error() string   { return e.msg }
func (e *scrubbed) Unwrap() []error { return e.kinds }

// Package redact keeps the passwords of store URLs out of messages: a URL
// shown in an error has its password replaced, and an error from a driver
// that quotes the URL is reworded without it.
package redact

import (
	"net/url"
	"strings"
)

// URL returns raw with the password of its user info and of a password
// query parameter replaced by "xxxxx"; a URL that does not parse is replaced
// whole, since it cannot be told where its password is.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// secrets are the strings of raw that must not appear in a message.
func secrets(raw string) []string {
	var out []string
	if u, err := url.Parse(raw); err == nil {
		if p, ok := u.User.Password(); ok && p != "" {
			out = append(out, p, url.PathEscape(p), url.QueryEscape(p))
		}
		for _, p := range u.Query()["password"] {
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
// itself when it does not parse) removed from its message. errors.Is and
// errors.As still see err.
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
	return &scrubbed{msg: clean, err: err}
}

type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

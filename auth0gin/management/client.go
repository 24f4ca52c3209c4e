package management

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// maxBodyBytes caps every answer the client reads. A page of 100 users with
// their metadata (16 KB each at most) stays well below it.
const maxBodyBytes = 8 << 20

// Client calls the Management API v2 with a cached machine token. Create it
// with New; it is safe for concurrent use, and meant to be shared: every
// Client fetches its own token.
type Client struct {
	base       string // the tenant's base URL, with a trailing slash
	hc         *http.Client
	tokens     *tokenCache
	log        *slog.Logger
	tel        *mgmtTel // OpenTelemetry instruments (telemetry.go)
	maxRetries int
	maxWait    time.Duration

	// now and sleep are the clock; tests replace them.
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
}

// New returns a Client for cfg. It fetches nothing: the machine token is
// fetched by the first call.
func New(cfg Config) (*Client, error) {
	cfg, base, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	tel := newMgmtTel(&cfg) // wraps cfg.HTTPClient: every exchange is a span
	c := &Client{
		tel:        tel,
		base:       base,
		hc:         cfg.HTTPClient,
		log:        cfg.Logger,
		maxRetries: cfg.MaxRetries,
		maxWait:    cfg.MaxWait,
		now:        time.Now,
		sleep:      sleep,
	}
	c.tokens = newTokenCache(cfg, base, func() time.Time { return c.now() })
	return c, nil
}

// request is one API call: what to send and where to decode the answer.
type request struct {
	method string
	path   string     // escaped, below the base URL: "api/v2/users/auth0%7Cabc"
	query  url.Values // may be nil
	body   any        // JSON-encoded when not nil
	out    any        // decoded from a 2xx answer when not nil
}

// do sends r with the machine token. A 401 drops the token and retries once
// with a fresh one; a 429 is retried after its reset (see rateLimitWait).
func (c *Client) do(ctx context.Context, r request) error {
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = json.Marshal(r.body); err != nil {
			return fmt.Errorf("management: %s /%s: encoding the body: %w", r.method, r.path, err)
		}
	}
	target := c.base + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	rejected := false
	for retries := 0; ; {
		tok, err := c.tokens.token(ctx)
		if err == nil {
			err = c.send(ctx, r, target, payload, tok)
		}
		var e *Error
		if !errors.As(err, &e) {
			return err
		}
		switch e.StatusCode {
		case http.StatusUnauthorized:
			if rejected || e.Path == tokenPath {
				return err
			}
			rejected = true
			c.log.Info("management: the API rejected the machine token; fetching a new one", "method", r.method, "path", e.Path)
			c.tokens.reject(tok)
		case http.StatusTooManyRequests:
			wait, giveUp := c.rateLimitWait(ctx, e, retries)
			c.tel.rateLimited(ctx, r.path, wait, giveUp)
			if giveUp != nil {
				return giveUp
			}
			retries++
			c.log.Info("management: rate limited; waiting for the reset", "method", e.Method, "path", e.Path, "wait", wait, "retry", retries)
			if err := c.sleep(ctx, wait); err != nil {
				return fmt.Errorf("%w; waiting for the reset: %w", e, err)
			}
		default:
			return err
		}
	}
}

// send makes one exchange and decodes a 2xx answer into r.out; any other
// answer is an *Error.
func (c *Client) send(ctx context.Context, r request, target string, payload []byte, tok *oauth2.Token) error {
	path := "/" + r.path
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, body)
	if err != nil {
		return fmt.Errorf("management: %s %s: %w", r.method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return transportError(r.method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxBodyBytes+1))
	if err != nil {
		return transportError(r.method, path, err)
	}
	if len(data) > maxBodyBytes {
		return &opError{r.method, path, ErrMalformedResponse, fmt.Errorf("the body exceeds %d bytes", maxBodyBytes)}
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return c.apiError(r.method, path, res, data)
	}
	if r.out == nil || res.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(data, r.out); err != nil {
		return &opError{r.method, path, ErrMalformedResponse, err}
	}
	return nil
}

// apiError reads Auth0's error body; a body of another shape still gives an
// *Error with the status, marked malformed.
func (c *Client) apiError(method, path string, res *http.Response, data []byte) *Error {
	e := &Error{Method: method, Path: path, StatusCode: res.StatusCode}
	var body struct {
		StatusCode int    `json:"statusCode"`
		Error      string `json:"error"`
		Message    string `json:"message"`
		ErrorCode  string `json:"errorCode"`
	}
	if err := json.Unmarshal(data, &body); err != nil || (body.Error == "" && body.Message == "") {
		e.malformed = true
	}
	e.Title, e.Message, e.ErrorCode = body.Error, body.Message, body.ErrorCode
	if e.Title == "" {
		e.Title = http.StatusText(res.StatusCode)
	}
	if res.StatusCode == http.StatusTooManyRequests {
		e.RetryAfter, e.resetKnown = retryAfter(res.Header, c.now())
	}
	return e
}

// transportError reports a failed exchange without its URL (the query may
// hold an email address): auth0gin.ErrUnavailable unless the caller's context ended.
func transportError(method, path string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("management: %s %s: %w", method, path, err)
	}
	return &opError{method, path, auth0gin.ErrUnavailable, err}
}

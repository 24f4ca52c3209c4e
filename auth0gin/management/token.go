package management

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokenPath is the token endpoint's path, for errors.
const tokenPath = "/oauth/token"

// tokenCache holds the machine token and fetches a new one when it nears its
// expiry or the API rejects it.
//
// oauth2.ReuseTokenSource (what clientcredentials.Config.TokenSource returns)
// does serialize concurrent callers into one fetch: it holds its mutex across
// the fetch. But its waiters ignore their contexts, its fetches run with the
// context it was built with rather than the caller's, and a token the API
// rejects cannot be dropped. So the cache is ours, and clientcredentials does
// the fetching: one fetch at a time, in a goroutine of its own so that a caller
// giving up does not fail the others waiting on it.
type tokenCache struct {
	fetch  func(context.Context) (*oauth2.Token, error)
	now    func() time.Time
	margin time.Duration
	log    *slog.Logger

	mu       sync.Mutex
	tok      *oauth2.Token
	renewAt  time.Time // when tok stops being handed out
	inflight *tokenCall
}

// tokenCall is one fetch, awaited by every caller that needs a token meanwhile.
type tokenCall struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

func newTokenCache(cfg Config, base string, now func() time.Time) *tokenCache {
	cc := &clientcredentials.Config{
		ClientID:       cfg.ClientID,
		ClientSecret:   cfg.ClientSecret,
		TokenURL:       base + "oauth/token",
		EndpointParams: url.Values{"audience": {cfg.Audience}},
		// Auth0's M2M applications default to client_secret_post; naming the
		// style avoids x/oauth2's probe, which costs a failed request.
		AuthStyle: oauth2.AuthStyleInParams,
	}
	hc := cfg.HTTPClient
	return &tokenCache{
		fetch: func(ctx context.Context) (*oauth2.Token, error) {
			return cc.Token(context.WithValue(ctx, oauth2.HTTPClient, hc))
		},
		now:    now,
		margin: cfg.TokenMargin,
		log:    cfg.Logger,
	}
}

// token returns the cached token, or waits for the one fetch in flight
// (starting it if none is), or for ctx.
func (c *tokenCache) token(ctx context.Context) (*oauth2.Token, error) {
	c.mu.Lock()
	if c.tok != nil && c.now().Before(c.renewAt) {
		tok := c.tok
		c.mu.Unlock()
		return tok, nil
	}
	call := c.inflight
	if call == nil {
		call = &tokenCall{done: make(chan struct{})}
		c.inflight = call
		go c.run(context.WithoutCancel(ctx), call)
	}
	c.mu.Unlock()
	select {
	case <-call.done:
		return call.tok, call.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *tokenCache) run(ctx context.Context, call *tokenCall) {
	tok, err := c.fetch(ctx)
	if err != nil {
		err = c.tokenError(err)
		c.log.Warn("management: fetching the machine token failed", "err", err)
	} else if tok.AccessToken == "" {
		err = &opError{http.MethodPost, tokenPath, ErrMalformedResponse, errors.New("no access_token in the answer")}
	}
	c.mu.Lock()
	if err == nil {
		c.tok, c.renewAt = tok, c.renewTime(tok)
		c.log.Debug("management: machine token fetched", "renew_in", c.renewAt.Sub(c.now()).Round(time.Second))
	}
	c.inflight = nil
	c.mu.Unlock()
	call.tok, call.err = tok, err
	close(call.done)
}

// renewTime is when tok is replaced: TokenMargin before it expires, or half
// way through a lifetime shorter than twice the margin. x/oauth2 dates Expiry
// on the wall clock, so the lifetime is measured on it too, then placed on
// the cache's clock.
func (c *tokenCache) renewTime(tok *oauth2.Token) time.Time {
	if tok.Expiry.IsZero() { // no expires_in: use it until the API rejects it
		return c.now().Add(24 * time.Hour)
	}
	life := time.Until(tok.Expiry)
	return c.now().Add(life - min(c.margin, life/2))
}

// reject drops tok if it is still the cached token: the API refused it
// (revoked, or signed by a revoked key). Callers that got the same refusal
// concurrently drop nothing more, so they share one refetch.
func (c *tokenCache) reject(tok *oauth2.Token) {
	c.mu.Lock()
	if c.tok == tok {
		c.tok = nil
	}
	c.mu.Unlock()
}

// tokenError turns a token-endpoint failure into an error that leaves out
// the raw body x/oauth2 would print: an *Error for an OAuth error answer.
func (c *tokenCache) tokenError(err error) error {
	var re *oauth2.RetrieveError
	var ue *url.Error
	switch {
	case errors.As(err, &ue):
		return transportError(http.MethodPost, tokenPath, err)
	case !errors.As(err, &re) || re.Response == nil:
		// x/oauth2 could not read the answer (not JSON, no access_token).
		return &opError{http.MethodPost, tokenPath, ErrMalformedResponse, err}
	}
	e := &Error{
		Method: http.MethodPost, Path: tokenPath, StatusCode: re.Response.StatusCode,
		Title: re.ErrorCode, Message: re.ErrorDescription,
	}
	if e.Title == "" {
		e.Title = http.StatusText(e.StatusCode)
	}
	if e.StatusCode == http.StatusTooManyRequests {
		e.RetryAfter, e.resetKnown = retryAfter(re.Response.Header, c.now())
	}
	return e
}

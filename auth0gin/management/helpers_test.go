package management

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/internal/testutil"
)

// wire wraps the transport to the dev tenant: it counts token fetches,
// remembers every access token it carried, and can corrupt answers.
type wire struct {
	base         http.RoundTripper
	tokenFetches atomic.Int64
	apiCalls     atomic.Int64

	mu     sync.Mutex
	tokens map[string]bool
	// mangle, when set, may change an answer: of the API, or of the token
	// endpoint too when mangleToken is set.
	mangle      func(*http.Request, *http.Response)
	mangleToken bool
	// onAPI and onToken, when set, see each API or token request before it
	// is sent.
	onAPI, onToken func(*http.Request)
}

func (w *wire) RoundTrip(r *http.Request) (*http.Response, error) {
	isToken := r.URL.Path == "/oauth/token"
	if isToken {
		w.tokenFetches.Add(1)
		w.mu.Lock()
		on := w.onToken
		w.mu.Unlock()
		if on != nil {
			on(r)
		}
	} else {
		w.apiCalls.Add(1)
		w.mu.Lock()
		w.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")] = true
		on := w.onAPI
		w.mu.Unlock()
		if on != nil {
			on(r)
		}
	}
	res, err := w.base.RoundTrip(r)
	if err != nil {
		return res, err
	}
	w.mu.Lock()
	m, mt := w.mangle, w.mangleToken
	w.mu.Unlock()
	if m != nil && (!isToken || mt) {
		m(r, res)
	}
	return res, nil
}

func (w *wire) setMangle(f func(*http.Request, *http.Response)) {
	w.mu.Lock()
	w.mangle = f
	w.mu.Unlock()
}

func (w *wire) setOnAPI(f func(*http.Request)) {
	w.mu.Lock()
	w.onAPI = f
	w.mu.Unlock()
}

// seenTokens returns every access token sent to the API.
func (w *wire) seenTokens() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for t := range w.tokens {
		if t != "" {
			out = append(out, t)
		}
	}
	return out
}

// fakeClock is the client's and the tenant's clock in tests of waits: Sleep
// records the wait and moves the clock instead of sleeping.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.waits = append(c.waits, d)
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *fakeClock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// newClockFixture is newFixture with the client and the tenant on a fake
// clock that starts at start.
func newClockFixture(t *testing.T, start time.Time, cfg func(*Config), opts ...auth0test.Option) (*fixture, *fakeClock) {
	t.Helper()
	ck := &fakeClock{t: start}
	f := newFixture(t, cfg, append(opts, auth0test.WithClock(ck.Now))...)
	f.client.now, f.client.sleep = ck.Now, ck.Sleep
	return f, ck
}

// fixture is a dev tenant and a Client of its M2M application.
type fixture struct {
	tenant *auth0test.Tenant
	client *Client
	wire   *wire
	logs   *testutil.SyncBuffer
}

// newFixture starts a tenant and a client. Every log line the client writes
// is checked at the end of the test for the client secret and every token.
func newFixture(t *testing.T, cfg func(*Config), opts ...auth0test.Option) *fixture {
	t.Helper()
	tn := auth0test.NewTenant(t, opts...)
	f := &fixture{tenant: tn, logs: &testutil.SyncBuffer{}}
	f.wire = &wire{base: http.DefaultTransport, tokens: map[string]bool{}}
	c := Config{
		Domain:       tn.URL,
		ClientID:     devtenant.M2MClient.ID,
		ClientSecret: devtenant.M2MClient.Secret,
		HTTPClient:   &http.Client{Transport: f.wire},
		Logger:       slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if cfg != nil {
		cfg(&c)
	}
	client, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	f.client = client
	t.Cleanup(func() { f.assertNoSecrets(t, f.logs.String()) })
	return f
}

// assertNoSecrets fails when s holds the client secret or a token.
func (f *fixture) assertNoSecrets(t *testing.T, s string) {
	t.Helper()
	if strings.Contains(s, devtenant.M2MClient.Secret) {
		t.Errorf("the client secret leaked: %s", s)
	}
	for _, tok := range f.wire.seenTokens() {
		if strings.Contains(s, tok) || strings.Contains(s, tok[strings.LastIndexByte(tok, '.')+1:]) {
			t.Errorf("a token leaked: %s", s)
		}
	}
}

// discardBody replaces an answer's body.
func replaceBody(res *http.Response, body string) {
	res.Body.Close()
	res.Body = io.NopCloser(strings.NewReader(body))
	res.ContentLength = int64(len(body))
	res.Header.Del("Content-Length")
}

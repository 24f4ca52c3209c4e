package management

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
)

// wire wraps the transport to the dev tenant: it counts token fetches,
// remembers every access token it carried, and can corrupt answers.
type wire struct {
	base         http.RoundTripper
	tokenFetches atomic.Int64
	apiCalls     atomic.Int64

	mu     sync.Mutex
	tokens map[string]bool
	// mangle, when set, may change an API answer (not the token endpoint's).
	mangle func(*http.Request, *http.Response)
	// onAPI, when set, sees each API request before it is sent.
	onAPI func(*http.Request)
}

func (w *wire) RoundTrip(r *http.Request) (*http.Response, error) {
	isToken := r.URL.Path == "/oauth/token"
	if isToken {
		w.tokenFetches.Add(1)
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
	if err != nil || isToken {
		return res, err
	}
	w.mu.Lock()
	m := w.mangle
	w.mu.Unlock()
	if m != nil {
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

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fixture is a dev tenant and a Client of its M2M application.
type fixture struct {
	tenant *auth0test.Tenant
	client *Client
	wire   *wire
	logs   *syncBuffer
}

// newFixture starts a tenant and a client. Every log line the client writes
// is checked at the end of the test for the client secret and every token.
func newFixture(t *testing.T, cfg func(*Config), opts ...auth0test.Option) *fixture {
	t.Helper()
	tn := auth0test.NewTenant(t, opts...)
	f := &fixture{tenant: tn, logs: &syncBuffer{}}
	f.wire = &wire{base: http.DefaultTransport, tokens: map[string]bool{}}
	c := Config{
		Domain:       tn.URL,
		ClientID:     devtenant.DefaultM2MClientID,
		ClientSecret: devtenant.DefaultM2MClientSecret,
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
	if strings.Contains(s, devtenant.DefaultM2MClientSecret) {
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

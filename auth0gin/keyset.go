package auth0gin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/auth0/go-jwt-middleware/v2/jwks"
	jose "gopkg.in/go-jose/go-jose.v2"
)

// maxJWKSBytes bounds a discovery or JWKS response: a tenant's key set is a
// few KiB, and a broken or hostile answer must not fill memory.
const maxJWKSBytes = 1 << 20

// keySet holds the tenant's signing keys. It wraps go-jwt-middleware's
// jwks.Provider (which fetches) with what that provider lacks:
//   - a request whose key is known never waits: the keys are an immutable
//     snapshot behind an atomic pointer, and refreshes swap it;
//   - an unknown kid triggers one refetch that every waiting request shares,
//     and fetches are at least KeyMinRefetch apart, so a flood of random kids
//     costs the tenant one request per interval (go-oidc's remote key set does
//     the first half; RFC 7517 §5 leaves rotation to us);
//   - when a refresh fails the known keys keep working (stale-if-error) for up
//     to KeyMaxStale; a key the tenant stops publishing is gone at the next
//     successful refresh.
type keySet struct {
	base       *url.URL // tenant base URL, for discovery
	explicit   string   // Config.JWKSURL
	client     *http.Client
	log        *slog.Logger
	refreshAge time.Duration
	minRefetch time.Duration
	maxStale   time.Duration

	snap atomic.Pointer[keySnapshot]

	mu        sync.Mutex
	flight    chan struct{} // closed when the fetch in progress ends; nil when idle
	lastStart time.Time     // start of the latest fetch, for the rate limit
	lastErr   error         // outcome of the latest fetch
	jwksURI   string        // discovered; "" until discovery succeeds

	// nextTry is when a background refresh may next start (unix ns): during an
	// outage the keys stay old, and this keeps requests off the mutex.
	nextTry atomic.Int64
}

type keySnapshot struct {
	byKid   map[string]*jose.JSONWebKey
	fetched time.Time
}

type verifyKey struct{}

func newKeySet(c Config) *keySet {
	base, _ := url.Parse(c.Domain) // resolve checked it
	client := *c.HTTPClient
	client.Transport = checkedTransport{base: c.HTTPClient.Transport}
	return &keySet{
		base:       base,
		explicit:   c.JWKSURL,
		client:     &client,
		log:        c.Logger,
		refreshAge: c.KeyRefreshInterval,
		minRefetch: c.KeyMinRefetch,
		maxStale:   c.KeyMaxStale,
	}
}

// keyFunc is the validator's key function: the key chosen for this token
// before validation, carried in the context so the validator can never pick
// another.
func (k *keySet) keyFunc(ctx context.Context) (any, error) {
	key, ok := ctx.Value(verifyKey{}).(*jose.JSONWebKey)
	if !ok {
		return nil, ErrUnknownKey
	}
	return key.Key, nil
}

// key returns the public key for kid, fetching the key set when kid is unknown
// (within the rate limit) or when no usable set is held.
func (k *keySet) key(ctx context.Context, kid string) (*jose.JSONWebKey, error) {
	now := time.Now()
	seen := k.snap.Load()
	if key := k.known(kid, now); key != nil {
		return key, nil
	}
	if kid == "" {
		return nil, unauthorized(ErrUnknownKey, "unknown signing key", errors.New("token has no kid"))
	}
	if done := k.start(now, seen); done != nil {
		select {
		case <-done:
		case <-ctx.Done():
			return nil, unauthorized(ErrKeysUnavailable, "signing keys unavailable", ctx.Err())
		}
	}
	// Read the keys again whether we waited or were rate-limited: a fetch may
	// have stored them between our first read and start (which then refused a
	// new fetch because that one had just run).
	s := k.snap.Load()
	if s == nil || time.Since(s.fetched) > k.maxStale {
		k.mu.Lock()
		err := k.lastErr
		k.mu.Unlock()
		return nil, unauthorized(ErrKeysUnavailable, "signing keys unavailable", err)
	}
	if key, ok := s.byKid[kid]; ok {
		return key, nil
	}
	return nil, unauthorized(ErrUnknownKey, "unknown signing key", fmt.Errorf("kid %q", kid))
}

// known returns the key for kid among the keys held, if they are still
// usable, without waiting; when they are older than KeyRefreshInterval it
// starts a refresh in the background. Verification and cache hits both look
// keys up here, so a route served from the cache keeps the keys fresh too.
func (k *keySet) known(kid string, now time.Time) *jose.JSONWebKey {
	s := k.snap.Load()
	if s == nil || now.Sub(s.fetched) > k.maxStale {
		return nil
	}
	if now.Sub(s.fetched) > k.refreshAge && now.UnixNano() >= k.nextTry.Load() {
		k.start(now, s)
	}
	return s.byKid[kid]
}

// start returns a channel closed when the fetch in progress ends, starting
// one when none is and the rate limit allows; nil when it does not. seen is
// the key snapshot the caller looked in: if a fetch has stored newer keys
// since, there is nothing to fetch (the caller reads the keys again), so
// requests that read the keys just before a shared fetch ended do not start a
// second one.
func (k *keySet) start(now time.Time, seen *keySnapshot) <-chan struct{} {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.flight != nil {
		return k.flight
	}
	if k.snap.Load() != seen {
		return nil
	}
	if !k.lastStart.IsZero() && now.Sub(k.lastStart) < k.minRefetch {
		return nil
	}
	k.lastStart = now
	k.nextTry.Store(now.Add(k.minRefetch).UnixNano())
	done := make(chan struct{})
	k.flight = done
	go k.refresh(done)
	return done
}

func (k *keySet) refresh(done chan struct{}) {
	// The fetch is shared by every waiting request, so it is bounded by the
	// client's timeout rather than by any one request's context.
	ctx, cancel := context.WithTimeout(context.Background(), k.client.Timeout)
	defer cancel()
	s, err := k.fetch(ctx)
	if err == nil {
		k.snap.Store(s)
	} else {
		k.log.LogAttrs(ctx, slog.LevelWarn, "auth0gin: fetching signing keys failed; keeping known keys",
			slog.String("error", err.Error()))
	}
	k.mu.Lock()
	k.lastErr = err
	k.flight = nil
	k.mu.Unlock()
	close(done)
}

func (k *keySet) fetch(ctx context.Context) (*keySnapshot, error) {
	uri, err := k.uri(ctx)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(uri)
	if err != nil {
		return nil, fmt.Errorf("jwks_uri %q: %w", uri, err)
	}
	p := jwks.NewProvider(k.base, jwks.WithCustomJWKSURI(u), jwks.WithCustomClient(k.client))
	v, err := p.KeyFunc(ctx)
	if err != nil {
		k.forgetURI(uri)
		return nil, fmt.Errorf("fetching %s: %w", uri, err)
	}
	set, ok := v.(*jose.JSONWebKeySet)
	if !ok {
		return nil, fmt.Errorf("fetching %s: unexpected %T", uri, v)
	}
	s := &keySnapshot{byKid: map[string]*jose.JSONWebKey{}, fetched: time.Now()}
	for i := range set.Keys {
		key := &set.Keys[i]
		// Only public signing keys with a kid: a symmetric or private key in a
		// JWKS is a misconfiguration, and trusting it would be an attack.
		if key.KeyID == "" || !key.Valid() || !key.IsPublic() || (key.Use != "" && key.Use != "sig") {
			continue
		}
		if _, symmetric := key.Key.([]byte); symmetric {
			continue
		}
		s.byKid[key.KeyID] = key
	}
	if len(s.byKid) == 0 {
		return nil, fmt.Errorf("fetching %s: no usable signing key in the set", uri)
	}
	return s, nil
}

// uri returns the JWKS URL: Config.JWKSURL, else the discovered jwks_uri,
// else the conventional /.well-known/jwks.json when discovery fails.
func (k *keySet) uri(ctx context.Context) (string, error) {
	if k.explicit != "" {
		return k.explicit, nil
	}
	k.mu.Lock()
	uri := k.jwksURI
	k.mu.Unlock()
	if uri != "" {
		return uri, nil
	}
	uri, err := k.discover(ctx)
	if err != nil {
		k.log.LogAttrs(ctx, slog.LevelDebug, "auth0gin: discovery failed; trying /.well-known/jwks.json",
			slog.String("error", err.Error()))
		return k.base.JoinPath(".well-known/jwks.json").String(), nil
	}
	k.mu.Lock()
	k.jwksURI = uri
	k.mu.Unlock()
	return uri, nil
}

func (k *keySet) forgetURI(uri string) {
	k.mu.Lock()
	if k.jwksURI == uri {
		k.jwksURI = ""
	}
	k.mu.Unlock()
}

func (k *keySet) discover(ctx context.Context) (string, error) {
	wk := k.base.JoinPath(".well-known/openid-configuration").String()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, wk, nil)
	if err != nil {
		return "", fmt.Errorf("discovery: %w", err)
	}
	res, err := k.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("discovery: %w", err)
	}
	defer res.Body.Close()
	var doc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		return "", fmt.Errorf("discovery %s: %w", wk, err)
	}
	u, err := url.Parse(doc.JWKSURI)
	if err != nil || !secureURL(u) {
		return "", fmt.Errorf("discovery %s: jwks_uri is not https (or http on loopback) with no user or password", wk)
	}
	return doc.JWKSURI, nil
}

// checkedTransport turns non-2xx answers into errors and bounds bodies.
// jwks.Provider decodes whatever body it gets, so without this a 503 page
// with a JSON body could pass for an empty key set.
type checkedTransport struct{ base http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (t checkedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	res, err := base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 4<<10))
		res.Body.Close()
		return nil, fmt.Errorf("%s %s: HTTP %d", r.Method, r.URL.Redacted(), res.StatusCode)
	}
	res.Body = limitedBody{io.LimitReader(res.Body, maxJWKSBytes), res.Body}
	return res, nil
}

type limitedBody struct {
	io.Reader
	io.Closer
}

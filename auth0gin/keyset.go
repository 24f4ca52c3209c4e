package auth0gin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/trace"
	jose "gopkg.in/go-jose/go-jose.v2"
)

// maxJWKSBytes bounds a discovery or JWKS response: a tenant's key set is a
// few KiB, and a broken or hostile answer must not fill memory.
const maxJWKSBytes = 1 << 20

// maxBackoff bounds the wait between two fetches while they keep failing: a
// tenant back from an outage is seen within a minute.
const maxBackoff = time.Minute

// keySet holds one issuer's signing keys. It does what go-jwt-middleware's
// jwks.Provider lacks:
//   - a request whose key is known never waits: the keys are an immutable
//     snapshot behind an atomic pointer, and refreshes swap it;
//   - an unknown kid triggers one refetch that every waiting request shares,
//     and fetches are at least KeyMinRefetch apart, so a flood of random kids
//     costs the tenant one request per interval (go-oidc's remote key set does
//     the first half; RFC 7517 §5 leaves rotation to us);
//   - with no usable keys a request waits for a fetch only until KeyFetchWait
//     after that fetch started, and no request waits at all once the latest
//     fetch has failed: a tenant that accepts connections and never answers
//     costs the requests of its first KeyFetchWait that wait, and every later
//     one a quick 503, not the HTTP timeout, while the fetch goes on (and the
//     next attempts run, later after each failure) in the background;
//   - when a refresh fails the known keys keep working (stale-if-error) for up
//     to KeyMaxStale; a key the tenant stops publishing is gone at the next
//     successful refresh;
//   - one unusable entry (an unknown kty or curve, a short RSA key) is skipped
//     and logged once instead of failing the whole set, and keys sharing a
//     kid are all kept (jwks.Provider decodes with go-jose's JSONWebKeySet,
//     which does neither, so the set is fetched and parsed here).
type keySet struct {
	base       *url.URL // the issuer's base URL, for discovery
	explicit   string   // Config.JWKSURL
	client     *http.Client
	log        *slog.Logger
	refreshAge time.Duration
	minRefetch time.Duration
	maxStale   time.Duration
	fetchWait  time.Duration
	minRSABits int

	snap atomic.Pointer[keySnapshot]

	mu       sync.Mutex
	flight   chan struct{}   // closed when the fetch in progress ends; nil when idle
	deadline time.Time       // flight's start + KeyFetchWait: no request without keys waits past it
	lastErr  error           // outcome of the latest fetch
	failures int             // fetches failed in a row, for the backoff
	jwksURI  string          // discovered; "" until discovery succeeds
	logged   map[string]bool // unusable JWKS entries already logged

	// nextTry is when the next fetch may start (unix ns): KeyMinRefetch after
	// the latest start, and a growing backoff after a failure. Reading it keeps
	// requests off the mutex during an outage.
	nextTry atomic.Int64

	tel *keyTel // set by New (telemetry.go)
}

// verifyingKey is a public key of the set with its RFC 7638 thumbprint,
// computed once when the set is loaded: a cached verdict is bound to it.
type verifyingKey struct {
	jwk   *jose.JSONWebKey
	thumb string // SHA-256 thumbprint, raw bytes
}

type keySnapshot struct {
	byKid   map[string][]*verifyingKey // several keys may share a kid
	fetched time.Time
}

type verifyKey struct{}

// newKeySet returns the key set of the issuer whose discovery document lives
// under base.
func newKeySet(c Config, base *url.URL) *keySet {
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
		fetchWait:  c.KeyFetchWait,
		minRSABits: c.MinRSAKeyBits,
		logged:     map[string]bool{},
	}
}

// keyFunc is the validator's key function: the key chosen for this token
// before validation, carried in the context so the validator can never pick
// another.
func keyFunc(ctx context.Context) (any, error) {
	key, ok := ctx.Value(verifyKey{}).(*jose.JSONWebKey)
	if !ok {
		return nil, errUnknownKey
	}
	return key.Key, nil
}

// keys returns the public keys published under kid, fetching the key set
// when kid is unknown (within the rate limit) or when no usable set is held.
// With no usable set it answers a 503: the token may well be good.
func (k *keySet) keys(ctx context.Context, kid string) ([]*verifyingKey, error) {
	now := time.Now()
	seen := k.snap.Load()
	if keys := k.known(kid, now); keys != nil {
		return keys, nil
	}
	if kid == "" {
		return nil, unauthorized(errUnknownKey, "unknown signing key", errors.New("token has no kid"))
	}
	// After a failed fetch nobody waits: the next one runs in the background.
	// Otherwise a request shares the fetch in flight: for as long as it takes
	// when keys are held (the kid is likely a rotation, which a 401 would
	// wrongly refuse), and when none are, until KeyFetchWait after the fetch
	// started, not after this request came (a tenant that never answers must
	// not cost every request the HTTP timeout, nor a KeyFetchWait each): once
	// one request has waited that long, the later ones answer 503 at once.
	if done, failed, deadline := k.start(ctx, now, seen); done != nil && !failed {
		var timeout <-chan time.Time
		if seen == nil || now.Sub(seen.fetched) > k.maxStale {
			left := deadline.Sub(now)
			if left <= 0 {
				return nil, k.unavailable(now)
			}
			wait := time.NewTimer(left)
			defer wait.Stop()
			timeout = wait.C
		}
		select {
		case <-done:
		case <-timeout:
		case <-ctx.Done():
		}
	}
	// Read the keys again whether we waited or not: a fetch may have stored
	// them between our first read and start (which then refused a new fetch
	// because that one had just run).
	s := k.snap.Load()
	now = time.Now()
	if s == nil || now.Sub(s.fetched) > k.maxStale {
		return nil, k.unavailable(now)
	}
	if keys := s.byKid[kid]; keys != nil {
		return keys, nil
	}
	return nil, unauthorized(errUnknownKey, "unknown signing key", fmt.Errorf("kid %q", kid))
}

// unavailable is the 503 for a request that needs keys while none usable are
// held; Retry-After points at the next fetch.
func (k *keySet) unavailable(now time.Time) *AuthError {
	k.mu.Lock()
	cause := k.lastErr
	if cause == nil {
		cause = errors.New("the key set is being fetched")
	}
	k.mu.Unlock()
	retry := max(time.Unix(0, k.nextTry.Load()).Sub(now), time.Second)
	return Unavailable("signing keys unavailable", retry, fmt.Errorf("%w: %w", errKeysUnavailable, cause))
}

// known returns the keys for kid among the keys held, if they are still
// usable, without waiting; when they are older than KeyRefreshInterval it
// starts a refresh in the background. Verification and cache hits both look
// keys up here, so a route served from the cache keeps the keys fresh too.
func (k *keySet) known(kid string, now time.Time) []*verifyingKey {
	s := k.snap.Load()
	if s == nil || now.Sub(s.fetched) > k.maxStale {
		return nil
	}
	if now.Sub(s.fetched) > k.refreshAge && now.UnixNano() >= k.nextTry.Load() {
		k.start(context.Background(), now, s) // a background refresh: a root span
	}
	return s.byKid[kid]
}

// start returns a channel closed when the fetch in progress ends, starting
// one when none is and the rate limit allows; nil when it does not. failed
// reports that the latest fetch failed. seen is the key snapshot the caller
// looked in: if a fetch has stored newer keys since, there is nothing to
// fetch (the caller reads the keys again), so requests that read the keys
// just before a shared fetch ended do not start a second one. deadline is
// the fetch's start plus KeyFetchWait, past which a request holding no
// usable keys does not wait for it. The fetch a call starts is a child of
// the span in ctx, the request's that needed it: only the request that
// starts a fetch is its parent, never one that joins or is refused one.
func (k *keySet) start(ctx context.Context, now time.Time, seen *keySnapshot) (done <-chan struct{}, failed bool, deadline time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	failed = k.lastErr != nil
	if k.flight != nil {
		return k.flight, failed, k.deadline
	}
	if k.snap.Load() != seen || now.UnixNano() < k.nextTry.Load() {
		return nil, failed, time.Time{}
	}
	k.nextTry.Store(now.Add(k.minRefetch).UnixNano())
	ch := make(chan struct{})
	k.flight, k.deadline = ch, now.Add(k.fetchWait)
	go k.refresh(ch, trace.SpanContextFromContext(ctx))
	return ch, failed, k.deadline
}

// backoff is the wait after the n-th failed fetch in a row: KeyMinRefetch,
// doubling each time, at most maxBackoff (or KeyMinRefetch if that is longer).
func (k *keySet) backoff(n int) time.Duration {
	d := k.minRefetch
	for ; n > 1 && d < maxBackoff; n-- {
		d *= 2
	}
	return max(min(d, maxBackoff), k.minRefetch)
}

// refresh fetches the key set; its span is parent's child when parent is
// valid (the request that started it), else a root.
func (k *keySet) refresh(done chan struct{}, parent trace.SpanContext) {
	// The fetch is shared by every waiting request, so it is bounded by the
	// client's timeout rather than by any one request's context.
	ctx, cancel := context.WithTimeout(context.Background(), k.client.Timeout)
	defer cancel()
	ctx, tf := k.tel.start(ctx, parent)
	s, skipped, err := k.fetch(ctx)
	k.tel.fetched(ctx, tf, err)
	k.mu.Lock()
	var retry time.Duration
	if err == nil {
		k.snap.Store(s)
		k.failures = 0
	} else {
		k.failures++
		retry = k.backoff(k.failures)
		if next := time.Now().Add(retry).UnixNano(); next > k.nextTry.Load() {
			k.nextTry.Store(next)
		}
	}
	k.lastErr = err
	k.flight = nil
	var fresh []skippedKey
	for _, sk := range skipped {
		if !k.logged[sk.id()] && len(k.logged) < 256 {
			k.logged[sk.id()] = true
			fresh = append(fresh, sk)
		}
	}
	held := k.snap.Load()
	k.mu.Unlock()
	close(done)
	for _, sk := range fresh {
		k.log.LogAttrs(ctx, slog.LevelWarn, "auth0gin: skipping a JWKS entry that cannot verify tokens",
			slog.String("issuer", k.base.String()), slog.String("kid", sk.kid), slog.String("kty", sk.kty), slog.String("reason", sk.reason))
	}
	if err == nil {
		return
	}
	attrs := []slog.Attr{slog.String("issuer", k.base.String()), slog.String("error", err.Error()), slog.Duration("retry_in", retry)}
	if held != nil && time.Since(held.fetched) <= k.maxStale {
		k.log.LogAttrs(ctx, slog.LevelWarn, "auth0gin: fetching signing keys failed; keeping known keys", attrs...)
	} else {
		k.log.LogAttrs(ctx, slog.LevelError, "auth0gin: fetching signing keys failed; no usable keys, tokens are answered 503 until a fetch succeeds", attrs...)
	}
}

func (k *keySet) fetch(ctx context.Context) (*keySnapshot, []skippedKey, error) {
	uri, err := k.uri(ctx)
	if err != nil {
		return nil, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("jwks_uri: %w", err)
	}
	res, err := k.client.Do(req)
	if err != nil {
		k.forgetURI(uri)
		return nil, nil, fmt.Errorf("fetching the JWKS: %w", err)
	}
	body, err := io.ReadAll(res.Body) // bounded by checkedTransport
	res.Body.Close()
	if err != nil {
		k.forgetURI(uri)
		return nil, nil, fmt.Errorf("fetching the JWKS: %w", err)
	}
	byKid, skipped, err := parseJWKS(body, k.minRSABits)
	if err != nil {
		k.forgetURI(uri)
		return nil, skipped, fmt.Errorf("JWKS at %s: %w", req.URL.Redacted(), err)
	}
	return &keySnapshot{byKid: byKid, fetched: time.Now()}, skipped, nil
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
	var ne net.Error
	if err != nil && (ctx.Err() != nil || errors.As(err, &ne) && ne.Timeout()) {
		// The tenant did not answer in time: asking it again at another path
		// would only hold a second connection to it.
		return "", err
	}
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

// checkedTransport turns non-2xx answers into errors and bounds bodies, so
// that a 503 page with a JSON body cannot pass for an empty key set.
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

package auth0gin

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"weak"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry"
)

// coreTel holds the core's instruments and their attribute sets, built once
// by New. With the API's no-op providers every recording is a call into a
// no-op instrument with a ready option slice: no allocation.
type coreTel struct {
	tracer  trace.Tracer
	issuers []string // Config.Issuers: the only issuer attribute values besides other and none

	checks   metric.Int64Counter
	duration metric.Float64Histogram
	// hits and misses are counted here and observed by the gauges'
	// callback: a cache hit costs an atomic add, even with the SDK.
	hits, misses atomic.Int64
	verifyOK     telemetry.Opts
	verifyErr    telemetry.Opts

	// hot holds the sets of accepted checks, by issuer and source; other
	// holds every combination's, each built at its first use and read with
	// no lock (outcomes × reasons × issuers+2 × sources pointers).
	hot   [][]telemetry.Opts // [issuer][source]
	other []atomic.Pointer[telemetry.Opts]
	// the event attributes of accepted checks, by cached or not
	okEvent [2][]attribute.KeyValue
}

// checkKey indexes a token check's attribute set.
type checkKey struct{ outcome, reason, issuer, source uint8 }

// source indexes past telemetry.Sources: a request with no credential.
var sourceNames = append(append([]string{}, telemetry.Sources...), telemetry.None)

const sourceNone = 3

// newCoreTel makes the core's instruments from the Config's providers, and
// instruments the key sets of a's issuers (their fetches become spans, and
// their state gauges).
func newCoreTel(a *Auth0) *coreTel {
	mp, tp := telemetry.Providers(a.cfg.MeterProvider, a.cfg.TracerProvider)
	m := mp.Meter(telemetry.ScopeName)
	t := &coreTel{tracer: tp.Tracer(telemetry.ScopeName), issuers: a.cfg.Issuers}
	t.other = make([]atomic.Pointer[telemetry.Opts], len(telemetry.Outcomes)*len(telemetry.Reasons)*(len(t.issuers)+2)*len(sourceNames))
	t.checks = telemetry.Must(m.Int64Counter(telemetry.TokenChecks, metric.WithUnit("{check}"),
		metric.WithDescription("Token checks by outcome (ok, the RFC 6750 code, forbidden, unavailable), reason, issuer and source.")))
	t.duration = telemetry.Must(m.Float64Histogram(telemetry.TokenVerifyDuration, metric.WithUnit("s"),
		metric.WithDescription("Duration of a full token verification (a cache miss), key fetch included."),
		metric.WithExplicitBucketBoundaries(0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 5)))
	t.verifyOK = telemetry.NewOpts(telemetry.KeyResult.String(telemetry.OK))
	t.verifyErr = telemetry.NewOpts(telemetry.KeyResult.String(telemetry.Error))
	t.hot = make([][]telemetry.Opts, len(t.issuers)+2)
	for i := range t.hot {
		t.hot[i] = make([]telemetry.Opts, len(sourceNames))
		for s := range sourceNames {
			t.hot[i][s] = t.opts(checkKey{0, 0, uint8(i), uint8(s)})
		}
	}
	for c := range 2 {
		t.okEvent[c] = []attribute.KeyValue{telemetry.KeyOutcome.String(telemetry.OK), telemetry.KeyCode.String(""), telemetry.KeyCached.Bool(c == 1)}
	}
	t.observe(m, a)
	for _, is := range a.issuers {
		is.keys.tel = newKeyTel(t.tracer, m, is.iss)
		if ct, ok := is.keys.client.Transport.(checkedTransport); ok {
			ct.base = telemetry.Transport(ct.base, t.tracer, keySpanName, nil)
			is.keys.client.Transport = ct
		}
	}
	return t
}

// keySpanName names a key-set fetch's span: the discovery document or the JWKS.
func keySpanName(r *http.Request) (string, string) {
	if strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration") {
		return "auth0gin.discovery", "/.well-known/openid-configuration"
	}
	return "auth0gin.jwks", "jwks_uri"
}

// issuerIndex is iss's position in the table: a configured issuer, else other
// (len), and none (len+1) for "".
func (t *coreTel) issuerIndex(iss string) int {
	if iss == "" {
		return len(t.issuers) + 1
	}
	return telemetry.Index(t.issuers, iss)
}

func (t *coreTel) issuerName(i int) string {
	switch {
	case i < len(t.issuers):
		return t.issuers[i]
	case i == len(t.issuers):
		return telemetry.Other
	}
	return telemetry.None
}

// opts builds the attribute set of k.
func (t *coreTel) opts(k checkKey) telemetry.Opts {
	return telemetry.NewOpts(telemetry.KeyOutcome.String(telemetry.Outcomes[k.outcome]),
		telemetry.KeyReason.String(telemetry.Reasons[k.reason]),
		telemetry.KeyIssuer.String(t.issuerName(int(k.issuer))), telemetry.KeySource.String(sourceNames[k.source]))
}

// lookup returns the set of k, building it at its first use, with no lock:
// two first uses may both build it, one is kept.
func (t *coreTel) lookup(k checkKey) *telemetry.Opts {
	i := ((int(k.outcome)*len(telemetry.Reasons)+int(k.reason))*(len(t.issuers)+2)+int(k.issuer))*len(sourceNames) + int(k.source)
	p := &t.other[i]
	if o := p.Load(); o != nil {
		return o
	}
	v := t.opts(k)
	if p.CompareAndSwap(nil, &v) {
		return &v
	}
	return p.Load()
}

// begin returns when a guard started on r, for the decision event's cached
// flag, or 0 when r's span does not record (the flag is then not needed).
func (t *coreTel) begin(r *http.Request) int64 {
	if t == nil || !trace.SpanFromContext(r.Context()).IsRecording() {
		return 0
	}
	return time.Now().UnixNano()
}

// decided records a guard's decision on r: the token check counted by
// outcome, reason, issuer and source, and one event on the request's span.
// start is begin's answer.
func (t *coreTel) decided(r *http.Request, u *Auth0User, err *AuthError, start int64) {
	if t == nil {
		return
	}
	ctx := r.Context()
	src := requestSource(r, u, err)
	if err == nil {
		iss := len(t.issuers) + 1
		if u != nil {
			iss = t.issuerIndex(u.Issuer)
		}
		t.checks.Add(ctx, 1, t.hot[iss][src].Add...)
		if start != 0 {
			// A token verified during this request carries its verification
			// time; one served from the cache (or a session) an older one.
			cached := u != nil && u.verifiedAt < start
			trace.SpanFromContext(ctx).AddEvent("auth0gin.auth", trace.WithAttributes(t.okEvent[b2i(cached)]...))
		}
		return
	}
	outcome, reason := classifyRefusal(err, src)
	iss := len(t.issuers) + 1
	if src == 0 && t.checks.Enabled(ctx) {
		// The unverified iss, bucketed: only configured issuers become values.
		if token, _, berr := credential(r.Header); berr == nil { // Bearer or DPoP
			if v, ok := peekIssuer(token); ok {
				iss = t.issuerIndex(v)
				if iss == len(t.issuers)+1 {
					iss = len(t.issuers)
				}
			}
		}
	}
	t.checks.Add(ctx, 1, t.lookup(checkKey{outcome, reason, uint8(iss), uint8(src)}).Add...)
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		span.AddEvent("auth0gin.auth", trace.WithAttributes(
			telemetry.KeyOutcome.String(telemetry.Outcomes[outcome]), telemetry.KeyCode.String(err.Code),
			telemetry.KeyReason.String(telemetry.Reasons[reason]), telemetry.KeyCached.Bool(false)))
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// requestSource says where r's credential came from: a bearer token (the
// Authorization header, any scheme but Basic), a source such as a session
// cookie, or none.
func requestSource(r *http.Request, u *Auth0User, err *AuthError) int {
	if v := r.Header["Authorization"]; len(v) > 0 && !strings.HasPrefix(v[0], "Basic ") {
		return 0
	}
	if u != nil || err != nil && !errors.Is(err, ErrMissingToken) {
		return 1
	}
	return sourceNone
}

// refusalReasons maps the core's sentinels to reasons, in telemetry.Reasons.
var refusalReasons = []struct {
	err    error
	reason string
}{
	{ErrMissingToken, "missing_token"}, {errTokenTooLarge, "too_large"}, {errMalformedToken, "malformed"},
	{errAlgorithm, "algorithm"}, {errUnknownKey, "unknown_key"}, {errKeysUnavailable, "keys_unavailable"},
	{errInvalidSignature, "bad_signature"}, {ErrExpired, "expired"}, {errNotYetValid, "not_yet_valid"},
	{errMissingExpiry, "missing_exp"}, {errIssuer, "wrong_issuer"}, {errAudience, "wrong_audience"},
	{errInvalidClaims, "invalid_claims"}, {ErrInsufficientScope, "insufficient_scope"},
	{errInsufficientUserAuth, "insufficient_user_authentication"}, {errOrganization, "wrong_organization"},
}

// classifyRefusal returns the outcome and reason indexes of a refusal.
func classifyRefusal(err *AuthError, src int) (outcome, reason uint8) {
	r := telemetry.Other
	for _, rr := range refusalReasons {
		if errors.Is(err, rr.err) {
			r = rr.reason
			break
		}
	}
	o := err.Code
	switch {
	case err.Status == http.StatusServiceUnavailable:
		o = "unavailable"
		if r == telemetry.Other && src == 1 {
			r = "store_unavailable"
		}
	case err.Status == http.StatusTooManyRequests:
		o = "rate_limited"
	case err.Code == "" && err.Status == http.StatusUnauthorized:
		o = "missing"
	case err.Code == "csrf_rejected":
		o, r = "forbidden", "csrf"
	case r == telemetry.Other && src == 1 && err.Status == http.StatusUnauthorized:
		r = "session_unknown"
	}
	oi := telemetry.Index(telemetry.Outcomes, o)
	if oi == len(telemetry.Outcomes) {
		oi = telemetry.Index(telemetry.Outcomes, "invalid_token")
		if err.Status == http.StatusForbidden {
			oi = telemetry.Index(telemetry.Outcomes, "forbidden")
		}
	}
	return uint8(oi), uint8(telemetry.Index(telemetry.Reasons, r))
}

// cacheHit counts a token answered from the cache.
func (t *coreTel) cacheHit(context.Context) {
	if t != nil {
		t.hits.Add(1)
	}
}

// verified records a full verification that started at start: its
// duration, and a cache miss when a cache is in use and the token verified.
// A miss is a token the cache could have answered: a refused one (a forged
// signature, an expired token) never could, and counting those would sink
// the hit ratio during an attack, which token.checks shows by reason.
func (t *coreTel) verified(ctx context.Context, a *Auth0, start time.Time, err error) {
	if t == nil {
		return
	}
	o := &t.verifyOK
	if err != nil {
		o = &t.verifyErr
	} else if a.cache != nil {
		t.misses.Add(1)
	}
	t.duration.Record(ctx, time.Since(start).Seconds(), o.Rec...)
}

// meterGroup observes the cache and key-set instruments of every live Auth0
// reporting to one Meter, in one callback: the series carry no instance
// attribute, so each is the sum (or, for the key age and staleness, the
// worst) over the instances. A member holds its Auth0 by a weak pointer:
// the callback never keeps a dropped Auth0 (its key sets, its cache)
// alive, and a cleanup removes it, unregistering the callback with the
// last member.
type meterGroup struct {
	key                              metric.Meter // in meterGroups; nil when the Meter cannot be a map key
	hits, misses, entries, evictions metric.Int64Observable
	held, stale                      metric.Int64Observable
	age                              metric.Float64Observable
	reg                              metric.Registration
	mu                               sync.Mutex
	members                          map[*telMember]struct{}
	cache, mem                       bool  // a member ever had a cache, a memory cache
	retHits, retMisses, retEvictions int64 // the counts of members gone: counters stay monotonic
}

// telMember is one Auth0 in a meterGroup.
type telMember struct {
	a       weak.Pointer[Auth0]
	t       *coreTel // holds no *Auth0: the counts outlive it
	cache   bool
	evicted int64 // the memory cache's evictions at the latest collection; guarded by the group's mu
}

// meterGroups are the groups by Meter.
var meterGroups struct {
	sync.Mutex
	m map[metric.Meter]*meterGroup
}

// observe adds a to the group of m's observed instruments: the cache's
// hits, misses, entries and evictions, and each issuer's keys held, their
// age and whether they are stale.
func (t *coreTel) observe(m metric.Meter, a *Auth0) {
	meterGroups.Lock()
	defer meterGroups.Unlock()
	g, shared := sharedGroup(m)
	if g == nil {
		g = newMeterGroup(m)
		if shared {
			if meterGroups.m == nil {
				meterGroups.m = map[metric.Meter]*meterGroup{}
			}
			g.key = m
			meterGroups.m[m] = g
		}
	}
	_, mem := a.cache.(*memoryCache)
	mb := &telMember{a: weak.Make(a), t: t, cache: a.cache != nil}
	g.mu.Lock()
	g.members[mb] = struct{}{}
	g.cache, g.mem = g.cache || mb.cache, g.mem || mem
	g.mu.Unlock()
	runtime.AddCleanup(a, g.drop, mb)
}

// sharedGroup returns m's group, if any, and whether m can key the map: a
// comparable type may still hold an uncomparable value (and panic), so
// such a Meter gets a group of its own.
func sharedGroup(m metric.Meter) (g *meterGroup, shared bool) {
	if m == nil || !reflect.TypeOf(m).Comparable() {
		return nil, false
	}
	defer func() {
		if recover() != nil {
			g, shared = nil, false
		}
	}()
	return meterGroups.m[m], true
}

func newMeterGroup(m metric.Meter) *meterGroup {
	g := &meterGroup{members: map[*telMember]struct{}{}}
	g.hits = telemetry.Must(m.Int64ObservableCounter(telemetry.TokenCacheHits, metric.WithUnit("{hit}"),
		metric.WithDescription("Tokens answered from the validated-token cache.")))
	g.misses = telemetry.Must(m.Int64ObservableCounter(telemetry.TokenCacheMisses, metric.WithUnit("{miss}"),
		metric.WithDescription("Tokens not in the validated-token cache that verified in full (refused tokens are not counted).")))
	g.entries = telemetry.Must(m.Int64ObservableGauge(telemetry.TokenCacheEntries, metric.WithUnit("{entry}"),
		metric.WithDescription("Tokens held by the in-memory validated-token cache.")))
	g.evictions = telemetry.Must(m.Int64ObservableCounter(telemetry.TokenCacheEvictions, metric.WithUnit("{entry}"),
		metric.WithDescription("Tokens the in-memory cache evicted to stay within its bounds.")))
	g.held = telemetry.Must(m.Int64ObservableGauge(telemetry.KeysHeld, metric.WithUnit("{key}"),
		metric.WithDescription("Signing keys held, by issuer.")))
	g.age = telemetry.Must(m.Float64ObservableGauge(telemetry.KeysAge, metric.WithUnit("s"),
		metric.WithDescription("Seconds since the last successful key-set fetch, by issuer (absent before the first).")))
	g.stale = telemetry.Must(m.Int64ObservableGauge(telemetry.KeysStale,
		metric.WithDescription("1 when an issuer has no usable keys (none fetched yet, or older than KeyMaxStale): its tokens are answered 503.")))
	g.reg, _ = m.RegisterCallback(g.observe, g.hits, g.misses, g.entries, g.evictions, g.held, g.age, g.stale)
	return g
}

// drop removes mb, whose Auth0 is gone, keeping its counts; it unregisters
// the callback with the last member. It runs on the runtime's cleanup
// goroutine, never inside the callback (the SDK holds its lock there).
func (g *meterGroup) drop(mb *telMember) {
	meterGroups.Lock()
	defer meterGroups.Unlock()
	g.mu.Lock()
	delete(g.members, mb)
	if mb.cache {
		g.retHits += mb.t.hits.Load()
		g.retMisses += mb.t.misses.Load()
	}
	g.retEvictions += mb.evicted
	empty := len(g.members) == 0
	g.mu.Unlock()
	if !empty {
		return
	}
	if g.key != nil && meterGroups.m[g.key] == g {
		delete(meterGroups.m, g.key)
	}
	if g.reg != nil {
		_ = g.reg.Unregister()
	}
}

// keyObs is one issuer's key gauges over the group's instances.
type keyObs struct {
	held, stale int64
	age         float64
	fetched     bool
}

// observe is the group's callback.
func (g *meterGroup) observe(_ context.Context, o metric.Observer) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	hits, misses, evictions, entries := g.retHits, g.retMisses, g.retEvictions, int64(0)
	var keys map[string]*keyObs
	now := time.Now()
	for mb := range g.members {
		if mb.cache {
			hits += mb.t.hits.Load()
			misses += mb.t.misses.Load()
		}
		a := mb.a.Value()
		if a != nil {
			if mc, ok := a.cache.(*memoryCache); ok {
				entries += int64(mc.Len())
				mb.evicted = mc.evictions()
			}
		}
		evictions += mb.evicted
		if a == nil {
			continue // collected: its cleanup is on its way
		}
		for _, is := range a.issuers {
			if keys == nil {
				keys = map[string]*keyObs{}
			}
			k := keys[is.iss]
			if k == nil {
				k = &keyObs{}
				keys[is.iss] = k
			}
			s := is.keys.snap.Load()
			bad := int64(1)
			if s != nil {
				for _, ks := range s.byKid {
					k.held += int64(len(ks))
				}
				k.age, k.fetched = max(k.age, now.Sub(s.fetched).Seconds()), true
				if now.Sub(s.fetched) <= is.keys.maxStale {
					bad = 0
				}
			}
			k.stale = max(k.stale, bad)
		}
	}
	if g.cache {
		o.ObserveInt64(g.hits, hits)
		o.ObserveInt64(g.misses, misses)
	}
	if g.mem {
		o.ObserveInt64(g.entries, entries)
		o.ObserveInt64(g.evictions, evictions)
	}
	for iss, k := range keys {
		by := metric.WithAttributes(telemetry.KeyIssuer.String(iss))
		if k.fetched {
			o.ObserveFloat64(g.age, k.age, by)
		}
		o.ObserveInt64(g.held, k.held, by)
		o.ObserveInt64(g.stale, k.stale, by)
	}
	return nil
}

// evictions is how many entries the cache evicted for room.
func (c *memoryCache) evictions() int64 {
	var n int64
	for i := range c.shards {
		n += atomic.LoadInt64(&c.shards[i].evicted)
	}
	return n
}

// keyTel is one key set's instruments.
type keyTel struct {
	tracer   trace.Tracer
	fetches  metric.Int64Counter
	duration metric.Float64Histogram
	ok, fail telemetry.Opts
}

func newKeyTel(tr trace.Tracer, m metric.Meter, iss string) *keyTel {
	k := &keyTel{tracer: tr}
	k.fetches = telemetry.Must(m.Int64Counter(telemetry.KeyFetches, metric.WithUnit("{fetch}"),
		metric.WithDescription("Key-set fetches (discovery and JWKS), by issuer and result.")))
	k.duration = telemetry.Must(m.Float64Histogram(telemetry.KeyFetchDuration, metric.WithUnit("s"),
		metric.WithDescription("Duration of a key-set fetch, discovery included, by issuer and result."),
		metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)))
	is := telemetry.KeyIssuer.String(iss)
	k.ok = telemetry.NewOpts(is, telemetry.KeyResult.String(telemetry.OK))
	k.fail = telemetry.NewOpts(is, telemetry.KeyResult.String(telemetry.Error))
	return k
}

// keyFetch is one fetch in progress: its span and when it started.
type keyFetch struct {
	span  trace.Span
	start time.Time
}

// start opens the span of a fetch under parent, the span of the request
// that started it, if any.
func (k *keyTel) start(ctx context.Context, parent trace.SpanContext) (context.Context, keyFetch) {
	if k == nil {
		return ctx, keyFetch{span: trace.SpanFromContext(ctx), start: time.Now()}
	}
	if parent.IsValid() {
		ctx = trace.ContextWithSpanContext(ctx, parent)
	}
	ctx, span := k.tracer.Start(ctx, "auth0gin.keys.fetch", trace.WithSpanKind(trace.SpanKindInternal))
	return ctx, keyFetch{span: span, start: time.Now()}
}

// fetched records the fetch f and ends its span.
func (k *keyTel) fetched(ctx context.Context, f keyFetch, err error) {
	if k == nil {
		return
	}
	o := &k.ok
	if err != nil {
		o = &k.fail
	}
	k.fetches.Add(ctx, 1, o.Add...)
	k.duration.Record(ctx, time.Since(f.start).Seconds(), o.Rec...)
	telemetry.End(f.span, err)
}

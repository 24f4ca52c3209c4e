package main

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// blackHoleP99 is the target for a black-hole tenant: from the second
// request on, a request that needs keys is answered (503) within this, at p99.
const blackHoleP99 = 50 * time.Millisecond

// blackHoleTenant points the server at a tenant that accepts connections and
// never answers, with an HTTP client timeout of timeout. The first request
// waits KeyFetchWait for the first fetch; from the second request on, while
// that fetch still hangs and after it gives up, every request is answered 503
// with Retry-After at once (p99 ≤ 50ms), while one fetch at a time is
// retried in the background, spaced by KeyMinRefetch with backoff.
//
// maxP99 is the latency target, 0 for none: the CI run, under the race
// detector on a shared machine, checks the answers and not their timing.
func (k *faultKit) blackHoleTenant(ctx context.Context, v variant, timeout, d, maxP99 time.Duration) (faultResult, error) {
	r := faultResult{name: fmt.Sprintf("black-hole tenant (HTTP timeout %v), from the second request on", timeout), variant: v,
		wantFetches: -1, maxFetches: -1, maxP99: maxP99, maxInFlight: 1}
	bh, err := newBlackHole()
	if err != nil {
		return r, err
	}
	defer bh.close()
	srv, err := startInProcess(v, bh.url(), func(c *auth0gin.Config) { c.HTTPClient = &http.Client{Timeout: timeout} })
	if err != nil {
		return r, err
	}
	defer func() { _ = srv.stop() }()
	t0 := time.Now()
	first, err := k.status(ctx, srv.url, forgeOf(bh.url(), "k0", 0))
	if err != nil {
		return r, err
	}
	firstWait := time.Since(t0)
	// No waiting for the first fetch to give up: the load starts while it
	// still hangs, the outage's first seconds.
	var not503, got503 atomic.Int64
	tokens := make([]string, 64) // forged before the load, so the generator measures the server
	for i := range tokens {
		tokens[i] = "Bearer " + forgeOf(bh.url(), "k0", i)
	}
	res, err := load{
		url: srv.url + route, concurrency: k.concurrency, duration: d, headers: tokens,
		onResponse: func(_, status int) {
			if status == http.StatusServiceUnavailable {
				got503.Add(1)
			} else {
				not503.Add(1)
			}
		},
	}.run(ctx, k.client)
	if err != nil {
		return r, err
	}
	last, err := k.status(ctx, srv.url, forgeOf(bh.url(), "k0", 1))
	if err != nil {
		return r, err
	}
	r.requests, r.not503 = res.requests+res.errors, not503.Load()+res.errors
	r.fiveXX, r.expected503 = int64(res.status[http.StatusServiceUnavailable]), got503.Load()
	for code, n := range res.status {
		if code >= 500 && code != http.StatusServiceUnavailable {
			r.fiveXX += int64(n)
		}
	}
	r.p99, r.inFlight, r.fetches = res.latency.quantile(0.99), bh.maxOpen.Load(), bh.accepted.Load()
	if first.code != http.StatusServiceUnavailable || last.code != http.StatusServiceUnavailable || last.retryAfter == "" {
		r.not503++
	}
	r.note = fmt.Sprintf("first request: %d after %v (KeyFetchWait %v); then p50 %v, p99 %v (target ≤ %v), all 503 with Retry-After %q; %d fetch attempts, at most %d at once",
		first.code, firstWait.Round(time.Millisecond), time.Second /* Config.KeyFetchWait's default */, res.latency.quantile(0.5), r.p99, blackHoleP99, last.retryAfter, r.fetches, r.inFlight)
	return r, nil
}

// otherIssuerDown serves an API trusting two issuers, the second a black
// hole, with refreshes every 50ms: the first issuer's tokens (3 requests in
// 4) must all be answered 2xx, whatever the second one's key set does; the
// second's tokens are answered 503, never 401.
func (k *faultKit) otherIssuerDown(ctx context.Context, v variant, d time.Duration) (faultResult, error) {
	r := faultResult{name: "two issuers, the second's JWKS a black hole", variant: v, wantFetches: -1, maxFetches: -1}
	bh, err := newBlackHole()
	if err != nil {
		return r, err
	}
	defer bh.close()
	is, srv, known, err := k.setup(ctx, v, func(c *auth0gin.Config) {
		c.Issuers = []string{c.Domain, bh.url()}
		c.KeyMinRefetch, c.KeyRefreshInterval = 50*time.Millisecond, 50*time.Millisecond
		c.HTTPClient = &http.Client{Timeout: time.Second}
	})
	if err != nil {
		return r, err
	}
	defer is.close()
	defer func() { _ = srv.stop() }()
	hits0 := is.hits()
	var t tally
	var other, other503 atomic.Int64
	foreign := make([]string, 64)
	for i := range foreign {
		foreign[i] = "Bearer " + forgeOf(bh.url(), "k0", i)
	}
	res, err := load{
		url: srv.url + route, concurrency: k.concurrency, duration: d,
		auth: func(i int) string {
			if i%4 == 3 {
				return foreign[i%len(foreign)]
			}
			return known[i%len(known)]
		},
		onResponse: func(i, status int) {
			if i%4 != 3 {
				t.see(true, status)
				return
			}
			other.Add(1)
			if status == http.StatusServiceUnavailable {
				other503.Add(1)
			}
		},
	}.run(ctx, k.client)
	if err != nil {
		return r, err
	}
	t.into(&r, res)
	r.not503 = other.Load() - other503.Load()
	r.fiveXX += other503.Load() // tally saw only the first issuer's answers
	r.expected503 = other503.Load()
	r.fetches = is.hits() - hits0
	r.note = fmt.Sprintf("requests and non-2xx count the first issuer's tokens; the second's %d requests: %d answered 503 (the 5xx column); its fetch attempts %d, at most %d at once",
		other.Load(), other503.Load(), bh.accepted.Load(), bh.maxOpen.Load())
	return r, nil
}

// reply is the status and Retry-After of one request.
type reply struct {
	code       int
	retryAfter string
}

// status sends one request with token and returns its answer.
func (k *faultKit) status(ctx context.Context, base, token string) (reply, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+route, nil)
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := k.client.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer res.Body.Close()
	return reply{res.StatusCode, res.Header.Get("Retry-After")}, nil
}

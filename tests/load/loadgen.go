package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Why a load generator of our own rather than vegeta's attacker: with one core
// each, the load generator, not the server, is what bounds bare Gin (the
// report's client CPU column sits near 1.00 there), so the lighter the client
// the more a ratio to bare Gin says about the server. Measured on 2026-11-22
// with vegeta v12.13.0 as a library (Rate{Freq: 0}, 32 workers, keep-alive,
// the same transport) against bare Gin pinned as in the full run, in 8
// alternating 3 s pairs, vegeta reached a median 0.85× the req/s of this loop.

// newClient is a keep-alive HTTP client for up to conns parallel connections
// to each loopback server. It keeps every idle connection to every server (no
// limit across servers): a round of measure holds conns connections open to
// each of its servers from one slice to the next. It ignores proxy settings:
// the load never leaves 127.0.0.1.
func newClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
			MaxIdleConns:        0, // no limit across servers; MaxIdleConnsPerHost bounds each
			MaxIdleConnsPerHost: conns,
			MaxConnsPerHost:     conns,
			DisableCompression:  true,
			IdleConnTimeout:     time.Minute,
		},
	}
}

// load is one bounded burst of requests against a URL.
type load struct {
	url         string
	headers     []string           // Authorization values; request i carries headers[(offset+i)%len]; none when empty
	offset      int                // where in headers request 0 starts
	auth        func(i int) string // when set, the Authorization value of request i (instead of headers)
	cookies     []string           // Cookie values; request i carries cookies[i%len]; none when empty
	dpop        func(i int) string // when set, the DPoP proof header of request i (tests/load/dpop.go)
	method      string             // default GET
	concurrency int
	requests    int           // at most this many requests (0: no count bound)
	duration    time.Duration // and for at most this long (0: no time bound)
	// drain, at the time bound, lets the requests in flight finish (and
	// counts them) instead of cancelling them: a cancelled request closes
	// its connection, and the server would still serve it after the load.
	drain bool
	// onResponse, when set, sees every answer: the fault tests check each one.
	onResponse func(i, status int)
}

// result is what a load measured.
type result struct {
	requests int64       // requests answered (any status)
	status   map[int]int // answers by status code
	errors   int64       // requests with no answer (transport errors)
	firstErr error
	elapsed  time.Duration
	latency  histogram
}

// non2xx counts answers outside 2xx plus requests with no answer.
func (r *result) non2xx() int64 {
	n := r.errors
	for code, c := range r.status {
		if code < 200 || code > 299 {
			n += int64(c)
		}
	}
	return n
}

// rps is answered requests per second.
func (r *result) rps() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

// run sends the load with fixed concurrency workers over client. It stops at
// the first of: the request bound, the duration, ctx. At least one bound must
// be set.
func (l load) run(ctx context.Context, client *http.Client) (*result, error) {
	if l.requests <= 0 && l.duration <= 0 {
		return nil, errors.New("load: needs a request count or a duration")
	}
	if l.concurrency <= 0 {
		l.concurrency = 1
	}
	reqCtx := ctx // the requests' context: with drain, the time bound only stops new ones
	if l.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, l.duration)
		defer cancel()
		if !l.drain {
			reqCtx = ctx
		}
	}
	var (
		next    atomic.Int64
		mu      sync.Mutex
		total   = &result{status: map[int]int{}}
		wg      sync.WaitGroup
		started = time.Now()
	)
	for range l.concurrency {
		wg.Go(func() {
			var h histogram
			status := map[int]int{}
			var n, fails int64
			var firstErr error
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if l.requests > 0 && i >= l.requests {
					break
				}
				code, d, err := l.do(reqCtx, client, i)
				if err != nil {
					if reqCtx.Err() != nil {
						break // the time bound (or ctx) cut this request: not a failure
					}
					fails++
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				n++
				status[code]++
				h.record(d)
				if l.onResponse != nil {
					l.onResponse(i, code)
				}
			}
			mu.Lock()
			total.requests += n
			total.errors += fails
			if total.firstErr == nil {
				total.firstErr = firstErr
			}
			for code, c := range status {
				total.status[code] += c
			}
			total.latency.merge(&h)
			mu.Unlock()
		})
	}
	wg.Wait()
	total.elapsed = time.Since(started)
	return total, nil
}

func (l load) do(ctx context.Context, client *http.Client, i int) (status int, d time.Duration, err error) {
	method := l.method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, l.url, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("request: %w", err)
	}
	if len(l.cookies) > 0 {
		req.Header["Cookie"] = []string{l.cookies[i%len(l.cookies)]}
	}
	switch {
	case l.auth != nil:
		req.Header["Authorization"] = []string{l.auth(i)}
	case len(l.headers) > 0:
		req.Header["Authorization"] = []string{l.headers[(l.offset+i)%len(l.headers)]}
	}
	if l.dpop != nil {
		req.Header["Dpop"] = []string{l.dpop(i)}
	}
	t := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return 0, 0, fmt.Errorf("%s %s: %w", method, l.url, err)
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	d = time.Since(t)
	if err != nil {
		return 0, 0, fmt.Errorf("%s %s: body: %w", method, l.url, err)
	}
	return res.StatusCode, d, nil
}

// histogram is a log-linear latency histogram: 32 buckets per power of two of
// nanoseconds, so a percentile read from it is within about 3% of the truth,
// in a fixed 16 KiB whatever the number of requests.
type histogram struct {
	counts [histBuckets]uint32
	n      uint64
	max    time.Duration
}

const (
	subBits     = 5
	histBuckets = (64 - subBits) << subBits
)

func bucketOf(v uint64) int {
	if v < 1<<subBits {
		return int(v)
	}
	e := bits.Len64(v) - subBits - 1 // v>>e is in [32, 64)
	return (e+1)<<subBits + int(v>>e) - 1<<subBits
}

// bucketMid is the middle of bucket b's range, in nanoseconds.
func bucketMid(b int) uint64 {
	if b < 1<<subBits {
		return uint64(b)
	}
	e := b>>subBits - 1
	m := uint64(b&(1<<subBits-1) + 1<<subBits)
	return m<<e + (uint64(1)<<e)/2
}

func (h *histogram) record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[bucketOf(uint64(d))]++
	h.n++
	h.max = max(h.max, d)
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// quantile returns the latency below which a fraction q of requests fell.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.5)
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for b, c := range h.counts {
		seen += uint64(c)
		if seen >= rank {
			return min(time.Duration(bucketMid(b)), h.max)
		}
	}
	return h.max
}

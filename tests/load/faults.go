package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// faultResult is what one fault scenario observed. The fault tests assert
// on it; the full run reports it.
type faultResult struct {
	name     string
	variant  variant
	requests int64
	// knownNon2xx counts answers outside 2xx (or no answer) to tokens signed
	// by a key the issuer published when the request was sent.
	knownNon2xx int64
	// unknownNot401 counts answers other than 401 to tokens with a kid the
	// issuer never published.
	unknownNot401 int64
	fiveXX        int64 // 5xx answers, to any token
	fetches       int64 // JWKS requests the issuer received
	wantFetches   int64 // the exact count expected; -1 when only bounded
	maxFetches    int64 // the bound on fetches; -1 when exact
	// held counts the requests waiting at the server when a held JWKS was
	// released, out of wantHeld (0 when the scenario holds none).
	held, wantHeld int
	// not503 counts answers other than 503 to tokens whose issuer's keys no
	// fetch could get (a black-hole tenant): they may be fine, so not 401.
	// expected503 counts the 503s they got, which fiveXX includes.
	not503, expected503 int64
	// p99 is the latency the scenario measured, held to maxP99 when that is
	// set; inFlight the most key-set fetches at once, held to maxInFlight.
	p99, maxP99           time.Duration
	inFlight, maxInFlight int64
	note                  string
}

// tally counts answers by kind of token, safely from every load worker.
type tally struct {
	requests, knownBad, unknownBad, fiveXX atomic.Int64
}

func (t *tally) see(known bool, status int) {
	t.requests.Add(1)
	if status >= 500 {
		t.fiveXX.Add(1)
	}
	switch {
	case known && (status < 200 || status > 299):
		t.knownBad.Add(1)
	case !known && status != http.StatusUnauthorized:
		t.unknownBad.Add(1)
	}
}

func (t *tally) into(r *faultResult, res *result) {
	r.requests = t.requests.Load() + res.errors
	r.knownNon2xx = t.knownBad.Load() + res.errors
	r.unknownNot401 = t.unknownBad.Load()
	r.fiveXX = t.fiveXX.Load()
}

// faultKit is what every scenario needs: keys (RSA generation is slow, so
// they are made once), a client, and the load's concurrency.
type faultKit struct {
	keys        [2]*signingKey
	client      *http.Client
	concurrency int
}

func newFaultKit(concurrency int) (*faultKit, error) {
	k := &faultKit{client: newClient(concurrency), concurrency: concurrency}
	for i := range k.keys {
		var err error
		if k.keys[i], err = newSigningKey(fmt.Sprintf("fault-k%d", i)); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// setup starts an issuer publishing the first key and an in-process server
// for v, and warms it with one request so the first key set is fetched.
func (k *faultKit) setup(ctx context.Context, v variant, tune func(*auth0gin.Config)) (*issuer, *server, []string, error) {
	is, err := newIssuer(k.keys[0])
	if err != nil {
		return nil, nil, nil, err
	}
	srv, err := startInProcess(v, is.url(), tune)
	if err != nil {
		is.close()
		return nil, nil, nil, err
	}
	known, err := is.signMany(ctx, k.keys[0], 0, 32, runtime.NumCPU())
	if err == nil {
		err = k.expect(ctx, srv.url, "Bearer "+known[0], http.StatusOK)
	}
	if err != nil {
		_ = srv.stop()
		is.close()
		return nil, nil, nil, err
	}
	return is, srv, bearers(known), nil
}

// expect sends one request and checks its status.
func (k *faultKit) expect(ctx context.Context, base, auth string, want int) error {
	res, err := load{url: base + route, headers: []string{auth}, requests: 1}.run(ctx, k.client)
	if err != nil {
		return err
	}
	if res.status[want] != 1 {
		return fmt.Errorf("GET %s: got %v (transport error: %v), want %d", route, res.status, res.firstErr, want)
	}
	return nil
}

func bearers(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = "Bearer " + t
	}
	return out
}

// background runs l until stop is called, then returns its result. With
// cut false, stop waits for l to reach its own bounds instead.
func background(ctx context.Context, client *http.Client, l load) (stop func(cut bool) (*result, error)) {
	ctx, cancel := context.WithCancel(ctx)
	var (
		res  *result
		err  error
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		res, err = l.run(ctx, client)
	}()
	return func(cut bool) (*result, error) {
		if cut {
			cancel()
		}
		<-done
		cancel()
		return res, err
	}
}

// rotation rotates the signing key under load, the way Auth0 does: publish
// the next key, switch signing to it, later stop publishing the old one. A
// refresh runs every 200ms so the removal is seen. Every answer must be 2xx.
func (k *faultKit) rotation(ctx context.Context, v variant, phase time.Duration) (faultResult, error) {
	const minRefetch = 100 * time.Millisecond
	r := faultResult{name: "key rotation under load", variant: v, wantFetches: -1, maxFetches: -1}
	is, srv, old, err := k.setup(ctx, v, func(c *auth0gin.Config) {
		c.KeyMinRefetch, c.KeyRefreshInterval = minRefetch, 200*time.Millisecond
	})
	if err != nil {
		return r, err
	}
	defer is.close()
	defer func() { _ = srv.stop() }()
	warmed, hits0 := time.Now(), is.hits()
	next, err := is.signMany(ctx, k.keys[1], 1000, 32, runtime.NumCPU())
	if err != nil {
		return r, err
	}
	nextAuth := bearers(next)
	var switched atomic.Bool
	var t tally
	stop := background(ctx, k.client, load{
		url: srv.url + route, concurrency: k.concurrency, duration: time.Minute,
		auth: func(i int) string {
			if switched.Load() {
				return nextAuth[i%len(nextAuth)]
			}
			return old[i%len(old)]
		},
		onResponse: func(_, status int) { t.see(true, status) },
	})
	// A new kid is refetched at once only when the last fetch is older than
	// KeyMinRefetch; Auth0 publishes the next key long before it signs with it.
	sleep(ctx, max(phase, time.Until(warmed.Add(2*minRefetch))))
	is.publish(k.keys[1])
	sleep(ctx, phase)
	switched.Store(true)
	sleep(ctx, phase)
	is.unpublish(k.keys[0].kid)
	sleep(ctx, phase)
	res, err := stop(true)
	if err != nil {
		return r, err
	}
	t.into(&r, res)
	r.fetches = is.hits() - hits0
	r.note = "fetches: the new kid's refetch plus a background refresh every 200ms"
	return r, nil
}

// outage breaks the tenant's JWKS mid-load: slow (2s per answer), 503,
// connection refused, malformed JSON, then healthy again. Refreshes are
// attempted every 50ms throughout. One request in 8 carries a kid the tenant
// never published. Known keys must keep working; nothing may be answered 5xx.
func (k *faultKit) outage(ctx context.Context, v variant, phase time.Duration) (faultResult, error) {
	r := faultResult{name: "JWKS slow (2s) / 503 / refused / malformed mid-load", variant: v, wantFetches: -1, maxFetches: -1}
	is, srv, known, err := k.setup(ctx, v, func(c *auth0gin.Config) {
		c.KeyMinRefetch, c.KeyRefreshInterval = 50*time.Millisecond, 50*time.Millisecond
	})
	if err != nil {
		return r, err
	}
	defer is.close()
	defer func() { _ = srv.stop() }()
	hits0 := is.hits()
	var t tally
	stop := background(ctx, k.client, load{
		url: srv.url + route, concurrency: k.concurrency, duration: time.Minute,
		auth: func(i int) string {
			if i%8 == 7 {
				return "Bearer " + is.forge(fmt.Sprintf("never-published-%d", i), i)
			}
			return known[i%len(known)]
		},
		onResponse: func(i, status int) { t.see(i%8 != 7, status) },
	})
	sleep(ctx, phase)
	is.setFault(slow)
	sleep(ctx, slowDelay+phase)
	is.setFault(status5xx)
	sleep(ctx, phase)
	is.setFault(healthy)
	if err := is.refuse(); err != nil {
		_, _ = stop(true)
		return r, err
	}
	sleep(ctx, phase)
	if err := is.restore(); err != nil {
		_, _ = stop(true)
		return r, err
	}
	is.setFault(malformed)
	sleep(ctx, phase)
	is.setFault(healthy)
	sleep(ctx, phase)
	res, err := stop(true)
	if err != nil {
		return r, err
	}
	t.into(&r, res)
	r.fetches = is.hits() - hits0
	r.note = "fetch attempts are bounded by KeyMinRefetch (50ms) and by the one in flight"
	return r, nil
}

// randomKidFlood sends tokens with a new random kid each (3 requests in 4)
// and known tokens (1 in 4) for d. Fetches are bounded by the rate limit:
// at most one per KeyMinRefetch, plus the first.
func (k *faultKit) randomKidFlood(ctx context.Context, v variant, d time.Duration) (faultResult, error) {
	const minRefetch = 250 * time.Millisecond
	r := faultResult{name: "random-kid flood", variant: v, wantFetches: -1}
	is, srv, known, err := k.setup(ctx, v, func(c *auth0gin.Config) { c.KeyMinRefetch = minRefetch })
	if err != nil {
		return r, err
	}
	defer is.close()
	defer func() { _ = srv.stop() }()
	hits0, t0 := is.hits(), time.Now()
	var t tally
	res, err := load{
		url: srv.url + route, concurrency: k.concurrency, duration: d,
		auth: func(i int) string {
			if i%4 == 0 {
				return known[i%len(known)]
			}
			return "Bearer " + is.forge(fmt.Sprintf("random-%d", i), i)
		},
		onResponse: func(i, status int) { t.see(i%4 == 0, status) },
	}.run(ctx, k.client)
	if err != nil {
		return r, err
	}
	r.fetches = is.hits() - hits0
	elapsed := time.Since(t0)
	t.into(&r, res)
	r.maxFetches = int64(elapsed/minRefetch) + 1
	r.note = fmt.Sprintf("KeyMinRefetch %v over %v", minRefetch, elapsed.Round(time.Millisecond))
	return r, nil
}

// newKidStorm sends n requests, conc at a time, all carrying a token signed
// by a key published after the server's last fetch. The JWKS is held until
// every connection's request has reached the server, so they all find the
// kid unknown at once; exactly one fetch must serve them all.
//
// srv must be a counted server for the issuer is, warmed on the first key.
func (k *faultKit) newKidStorm(ctx context.Context, is *issuer, srv *server, n, conc int) (faultResult, error) {
	r := faultResult{name: fmt.Sprintf("new kid: %d requests, %d connections at once", n, conc), variant: cached, wantFetches: 1, maxFetches: -1}
	tok, err := is.sign(k.keys[1], 5000)
	if err != nil {
		return r, err
	}
	is.publish(k.keys[1])
	hits0 := is.hits()
	release := is.hold()
	defer release()
	client := newClient(conc)
	defer client.CloseIdleConnections()
	var t tally
	stop := background(ctx, client, load{
		url: srv.url + route, concurrency: conc, requests: n, duration: 2 * time.Minute,
		headers:    []string{"Bearer " + tok},
		onResponse: func(_, status int) { t.see(true, status) },
	})
	want, got := min(n, conc), 0
	for range 600 { // up to 60s for every connection to be in
		if got, err = fetchInFlight(ctx, k.client, srv.url); err != nil || got >= want || ctx.Err() != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	release()
	res, stopErr := stop(false)
	if err := errors.Join(err, stopErr); err != nil {
		return r, err
	}
	r.held, r.wantHeld = got, want
	r.note = fmt.Sprintf("%d requests were waiting at the server when the JWKS answered", got)
	t.into(&r, res)
	if r.requests != int64(n) {
		r.note += fmt.Sprintf("; only %d of %d requests were answered", r.requests, n)
	}
	r.fetches = is.hits() - hits0
	return r, nil
}

// inProcessStorm runs newKidStorm against an in-process server.
func (k *faultKit) inProcessStorm(ctx context.Context, n, conc int) (faultResult, error) {
	const minRefetch = 50 * time.Millisecond
	is, err := newIssuer(k.keys[0])
	if err != nil {
		return faultResult{}, err
	}
	defer is.close()
	h, err := handler(cached, is.url(), func(c *auth0gin.Config) { c.KeyMinRefetch = minRefetch })
	if err != nil {
		return faultResult{}, err
	}
	srv, err := serveOn(counted(h))
	if err != nil {
		return faultResult{}, err
	}
	defer func() { _ = srv.stop() }()
	if err := k.warm(ctx, is, srv, minRefetch); err != nil {
		return faultResult{}, err
	}
	return k.newKidStorm(ctx, is, srv, n, conc)
}

// childStorm runs newKidStorm against a child server process, which can
// hold more connections than this process's file limit allows for both ends.
func (k *faultKit) childStorm(ctx context.Context, n, conc int, pin bool) (faultResult, error) {
	const minRefetch = 50 * time.Millisecond
	is, err := newIssuer(k.keys[0])
	if err != nil {
		return faultResult{}, err
	}
	defer is.close()
	srv, err := startChild(cached, is.url(), pin, minRefetch, true)
	if err != nil {
		return faultResult{}, err
	}
	defer func() { _ = srv.stop() }()
	if err := k.warm(ctx, is, srv, minRefetch); err != nil {
		return faultResult{}, err
	}
	return k.newKidStorm(ctx, is, srv, n, conc)
}

// warm makes srv fetch the first key set and waits out the rate limit.
func (k *faultKit) warm(ctx context.Context, is *issuer, srv *server, minRefetch time.Duration) error {
	tok, err := is.sign(k.keys[0], 0)
	if err != nil {
		return err
	}
	if err := k.expect(ctx, srv.url, "Bearer "+tok, http.StatusOK); err != nil {
		return err
	}
	sleep(ctx, 2*minRefetch)
	return nil
}

// verifyStorm calls Verify from n goroutines at once with a token whose kid
// was published after the last fetch, the JWKS held until all are running.
func (k *faultKit) verifyStorm(ctx context.Context, n int) (faultResult, error) {
	const minRefetch = 50 * time.Millisecond
	r := faultResult{name: fmt.Sprintf("new kid: %d concurrent Verify calls in-process", n), variant: cached, wantFetches: 1, maxFetches: -1}
	is, err := newIssuer(k.keys[0])
	if err != nil {
		return r, err
	}
	defer is.close()
	a, err := auth0gin.New(auth0gin.Config{Domain: is.url(), Audience: []string{audience}, KeyMinRefetch: minRefetch, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return r, fmt.Errorf("auth0gin.New: %w", err)
	}
	t0, err := is.sign(k.keys[0], 0)
	if err != nil {
		return r, err
	}
	if _, err := a.Verify(ctx, t0); err != nil {
		return r, fmt.Errorf("warm-up: %w", err)
	}
	sleep(ctx, 2*minRefetch)
	tok, err := is.sign(k.keys[1], 1)
	if err != nil {
		return r, err
	}
	is.publish(k.keys[1])
	hits0 := is.hits()
	release := is.hold()
	defer release()
	base := runtime.NumGoroutine()
	var (
		wg   sync.WaitGroup
		bad  atomic.Int64
		errs = make(chan error, 1)
	)
	for range n {
		wg.Go(func() {
			if _, err := a.Verify(ctx, tok); err != nil {
				if bad.Add(1) == 1 {
					errs <- err
				}
			}
		})
	}
	got := 0
	for range 600 { // up to 60s for every goroutine to start
		if got = runtime.NumGoroutine() - base; got >= n {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	r.held, r.wantHeld = got, n
	release()
	wg.Wait()
	r.requests, r.knownNon2xx = int64(n), bad.Load()
	r.fetches = is.hits() - hits0
	if r.knownNon2xx > 0 {
		r.note = fmt.Sprintf("first error: %v", <-errs)
	}
	return r, nil
}

// check lists how r falls short of what it must show; nil when it holds.
func (r faultResult) check() error {
	var errs []error
	if r.knownNon2xx > 0 {
		errs = append(errs, fmt.Errorf("%d answers out of 2xx for tokens of a published key", r.knownNon2xx))
	}
	if r.unknownNot401 > 0 {
		errs = append(errs, fmt.Errorf("%d answers other than 401 for unpublished kids", r.unknownNot401))
	}
	if n := r.fiveXX - r.expected503; n > 0 {
		errs = append(errs, fmt.Errorf("%d answers 5xx", n))
	}
	if r.wantFetches >= 0 && r.fetches != r.wantFetches {
		errs = append(errs, fmt.Errorf("%d JWKS fetches, want exactly %d", r.fetches, r.wantFetches))
	}
	if r.maxFetches >= 0 && r.fetches > r.maxFetches {
		errs = append(errs, fmt.Errorf("%d JWKS fetches, want at most %d", r.fetches, r.maxFetches))
	}
	if r.requests == 0 {
		errs = append(errs, errors.New("no request was answered"))
	}
	if r.not503 > 0 {
		errs = append(errs, fmt.Errorf("%d answers other than 503 (with Retry-After) while no key could be fetched", r.not503))
	}
	if r.maxP99 > 0 && r.p99 > r.maxP99 {
		errs = append(errs, fmt.Errorf("p99 %v, want at most %v", r.p99, r.maxP99))
	}
	if r.maxInFlight > 0 && r.inFlight > r.maxInFlight {
		errs = append(errs, fmt.Errorf("%d key-set fetches at once, want at most %d", r.inFlight, r.maxInFlight))
	}
	if r.held < r.wantHeld {
		errs = append(errs, fmt.Errorf("only %d of %d requests were waiting at the server when the JWKS answered", r.held, r.wantHeld))
	}
	return errors.Join(errs...)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}

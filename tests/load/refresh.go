package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/postgres"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/redis"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
)

// refreshPlan sizes the password-login refresh measurement: chains users
// each log in once, then refresh their own access token in a loop (each
// refresh consumes the token it sends, so a chain is sequential) for
// duration, in rounds rounds per store.
type refreshPlan struct {
	chains   int
	duration time.Duration
	rounds   int
}

// refreshStore opens one store for the measurement; cleanup removes what
// the run wrote.
type refreshStore struct {
	name string
	open func(ctx context.Context) (st store.Store, cleanup func(), err error)
}

// errNoStore: the store cannot be opened here (no Redis or PostgreSQL).
var errNoStore = errors.New("store unavailable")

// refreshResult is one store's measurement.
type refreshResult struct {
	store            string
	refreshes        int64 // answered 200
	failures         int64 // anything else
	rps              float64
	p50, p99         time.Duration
	grants           int // refresh grants at the tenant
	reuseRevocations int
	// baseline is the req/s of refresh grants sent straight to the tenant
	// (no app, no store) by as many chains in the same round; ratio is
	// rps / baseline, the share of the tenant's own refresh rate the
	// endpoint keeps.
	baseline, ratio float64
}

// measureRefresh runs POST /auth/refresh against an in-process dev tenant
// (RFC 9068 tokens, so every token is distinct) for each store. Tenant, app
// and load generator share this process: the figure is what one refresh
// costs end to end on this machine, tenant included (it signs a token with
// RSA-2048 per refresh).
func measureRefresh(ctx context.Context, p refreshPlan, stores []refreshStore, log *slog.Logger) ([]refreshResult, error) {
	var out []refreshResult
	for _, s := range stores {
		var rounds []refreshResult
		for round := range p.rounds {
			r, err := refreshOnce(ctx, p, round, s, log)
			if errors.Is(err, errNoStore) {
				log.Warn("refresh load: store unavailable, skipped", "store", s.name, "err", err)
				break
			}
			if err != nil {
				return nil, fmt.Errorf("refresh on %s: %w", s.name, err)
			}
			log.Info("refresh load", "store", s.name, "round", round, "rps", int(r.rps), "p99", r.p99, "failures", r.failures)
			rounds = append(rounds, r)
		}
		if len(rounds) > 0 {
			// The round of median ratio: the machine is shared, and one
			// round's baseline and endpoint run back to back, so the ratio
			// within a round is steadier than either figure.
			slices.SortFunc(rounds, func(a, b refreshResult) int { return cmp.Compare(a.ratio, b.ratio) })
			out = append(out, rounds[len(rounds)/2])
		}
	}
	return out, nil
}

func refreshOnce(ctx context.Context, p refreshPlan, round int, s refreshStore, log *slog.Logger) (refreshResult, error) {
	res := refreshResult{store: s.name}
	tcfg := devtenant.Default()
	tcfg.Logger = slog.New(slog.DiscardHandler)
	tcfg.Dialect = "rfc9068"
	for i := range p.chains {
		tcfg.Users = append(tcfg.Users, devtenant.User{Email: fmt.Sprintf("load%03d@example.com", i), Password: "load-password"})
	}
	tenant, err := devtenant.Listen("127.0.0.1:0", tcfg)
	if err != nil {
		return res, err
	}
	defer tenant.Close()

	auth, err := auth0gin.New(auth0gin.Config{
		Domain: strings.TrimSuffix(tenant.URL, "/"), Audience: []string{devtenant.Audience},
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return res, err
	}
	st, cleanup, err := s.open(ctx)
	if err != nil {
		return res, fmt.Errorf("%w: %w", errNoStore, err)
	}
	defer cleanup()
	mgr, err := login.New(auth, st, login.Config{
		ClientID: devtenant.RegularClient.ID, ClientSecret: devtenant.RegularClient.Secret,
		Keys: ephemeralKeys(), LoginsPerMinute: -1, Logger: log,
		KeyPrefix: fmt.Sprintf("load-%d:", time.Now().UnixNano()),
	})
	if err != nil {
		return res, err
	}
	r := gin.New()
	mgr.Mount(auth.Router(r)) // as an app mounts it: the guard verifies, the handler does not again
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return res, err
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	client := newClient(p.chains)
	defer client.CloseIdleConnections()

	tokens := make([]string, p.chains)
	for i := range tokens {
		b, _ := json.Marshal(map[string]string{"username": fmt.Sprintf("load%03d@example.com", i), "password": "load-password"})
		a, status, err := post(ctx, client, base+"/auth/login", "application/json", b, "")
		if err != nil || status != 200 {
			return res, fmt.Errorf("login %d: %d %v", i, status, err)
		}
		tokens[i] = a.AccessToken
	}

	// The baseline: the same chains refreshing at the tenant directly, each
	// logged in first, outside the timed part.
	rts := make([]string, p.chains)
	for i := range rts {
		rts[i], err = grant(ctx, client, tenant.URL, url.Values{"grant_type": {"http://auth0.com/oauth/grant-type/password-realm"}, "realm": {"Username-Password-Authentication"},
			"username": {fmt.Sprintf("load%03d@example.com", i)}, "password": {"load-password"},
			"audience": {devtenant.Audience}, "scope": {"openid offline_access"}})
		if err != nil {
			return res, err
		}
	}
	// The two measurements run back to back, in turns: baseline first in
	// even rounds, the endpoint first in odd ones, so a drift of the shared
	// machine does not always favour the same side.
	var baseGrants, endGrants int
	var ep endpointRun
	endpoint := func() {
		baseGrants = tenant.Stats().Grants["refresh_token"]
		ep = runEndpoint(ctx, client, base, tokens, p.duration)
		endGrants = tenant.Stats().Grants["refresh_token"]
	}
	if round%2 == 0 {
		res.baseline = runBaseline(ctx, client, tenant.URL, rts, p.duration)
		endpoint()
	} else {
		endpoint()
		res.baseline = runBaseline(ctx, client, tenant.URL, rts, p.duration)
	}
	stats := tenant.Stats()
	res.refreshes, res.failures = ep.ok, ep.failed
	res.rps = float64(res.refreshes) / ep.elapsed.Seconds()
	res.p50, res.p99 = ep.hist.quantile(0.50), ep.hist.quantile(0.99)
	res.grants = endGrants - baseGrants
	if res.baseline > 0 {
		res.ratio = res.rps / res.baseline
	}
	res.reuseRevocations = stats.RefreshReuseRevocations
	if int64(res.grants) != res.refreshes {
		return res, fmt.Errorf("%d refreshes answered but %d refresh grants at the tenant", res.refreshes, res.grants)
	}
	if res.failures > 0 || res.reuseRevocations > 0 {
		return res, fmt.Errorf("%d refreshes failed, %d families revoked by reuse detection", res.failures, res.reuseRevocations)
	}
	return res, nil
}

// runBaseline refreshes at the tenant directly, one chain per refresh
// token, for d, and returns the refreshes per second.
func runBaseline(ctx context.Context, client *http.Client, tenant string, rts []string, d time.Duration) float64 {
	var n atomic.Int64
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for _, rt := range rts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				var err error
				if rt, err = grant(ctx, client, tenant, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}); err != nil {
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	return float64(n.Load()) / time.Since(start).Seconds()
}

// endpointRun is what runEndpoint measured.
type endpointRun struct {
	ok, failed int64
	hist       histogram
	elapsed    time.Duration
}

// runEndpoint refreshes through the app, one chain per access token, for d.
// Requests in flight when the time is up are let finish (a cancelled refresh
// still completes on the server, and the tenant would count a grant nobody
// saw): the loop only stops starting new ones.
func runEndpoint(ctx context.Context, client *http.Client, base string, tokens []string, d time.Duration) endpointRun {
	var ok, failed atomic.Int64
	var mu sync.Mutex
	var r endpointRun
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for i := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var h histogram
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				a, status, err := post(ctx, client, base+"/auth/refresh", "", nil, tokens[i])
				if err != nil || status != 200 {
					failed.Add(1)
					break // the chain is broken: its token is spent
				}
				h.record(time.Since(t0))
				ok.Add(1)
				tokens[i] = a.AccessToken
			}
			mu.Lock()
			r.hist.merge(&h)
			mu.Unlock()
		}()
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	r.ok, r.failed = ok.Load(), failed.Load()
	return r
}

// grant posts form to the tenant's token endpoint as the regular web client
// and returns the refresh token of the answer.
func grant(ctx context.Context, client *http.Client, tenant string, form url.Values) (string, error) {
	form.Set("client_id", devtenant.RegularClient.ID)
	form.Set("client_secret", devtenant.RegularClient.Secret)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tenant+"oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var v struct {
		RT string `json:"refresh_token"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 64<<10)).Decode(&v); err != nil || res.StatusCode != 200 || v.RT == "" {
		return "", fmt.Errorf("grant %s: %d %v", form.Get("grant_type"), res.StatusCode, err)
	}
	return v.RT, nil
}

// post sends one request and decodes a login answer.
func post(ctx context.Context, client *http.Client, url, ctype string, body []byte, bearer string) (login.Answer, int, error) {
	var a login.Answer
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return a, 0, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	res, err := client.Do(req)
	if err != nil {
		return a, 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		return a, res.StatusCode, err
	}
	if res.StatusCode == 200 {
		err = json.Unmarshal(b, &a)
	}
	return a, res.StatusCode, err
}

// refreshMarkdown is the report's section on password-login refreshes.
func refreshMarkdown(p refreshPlan, rs []refreshResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n## Password login: the refresh endpoint\n\n")
	fmt.Fprintf(&b, "`POST /auth/refresh` (package `auth0gin/login`) against the dev tenant, %d users each refreshing their own\n", p.chains)
	fmt.Fprintf(&b, "token in a loop (a refresh spends the token it sends, so each user's chain is sequential) for %s; of %d\n", p.duration, p.rounds)
	b.WriteString("rounds, the one of median ratio. Tenant, app and load generator share one process on this 2-core machine, so the figure is the\n")
	b.WriteString("whole round trip: per refresh the tenant verifies the client, rotates the refresh token and signs an\n")
	b.WriteString("RSA-2048 token; the app verifies the old token, makes 3 store operations (lock Add, row Get, one SetMany\n")
	b.WriteString("of the new row and the grace answer) and one tenant call. Every refresh was answered 200, the tenant counted exactly one refresh\n")
	b.WriteString("grant per answer, and reuse detection never fired.\n\n")
	b.WriteString("The baseline is the same chains sending refresh grants straight to the tenant in the same round (no\n")
	b.WriteString("app, no store): the ratio is the share of the tenant's own refresh rate the endpoint keeps.\n\n")
	b.WriteString("| store | refreshes | req/s | baseline req/s (tenant alone) | ratio | p50 | p99 | refresh grants at the tenant |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "| %s | %d | %.0f | %.0f | %.2f× | %s | %s | %d |\n", r.store, r.refreshes, r.rps, r.baseline, r.ratio,
			r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond), r.grants)
	}
	return b.String()
}

// refreshReport measures the refresh endpoint on every store this machine
// offers and renders the report's section.
func refreshReport(ctx context.Context, full bool, log *slog.Logger) (string, error) {
	p := refreshPlan{chains: 8, duration: time.Second, rounds: 1}
	if full {
		p = refreshPlan{chains: 32, duration: 4 * time.Second, rounds: 5}
	}
	rs, err := measureRefresh(ctx, p, refreshStores(), log)
	if err != nil {
		return "", err
	}
	return refreshMarkdown(p, rs), nil
}

// refreshStores are the stores the refresh is measured on.
func refreshStores() []refreshStore {
	return []refreshStore{
		{"SQLite in memory", func(ctx context.Context) (store.Store, func(), error) {
			st, err := store.Open(ctx, "")
			return st, func() { st.Close() }, err
		}},
		{"SQLite file (WAL)", func(ctx context.Context) (store.Store, func(), error) {
			dir, err := os.MkdirTemp("", "auth0gin-load-")
			if err != nil {
				return nil, nil, err
			}
			st, err := store.Open(ctx, "sqlite://"+filepath.Join(dir, "login.db"))
			if err != nil {
				os.RemoveAll(dir)
				return nil, nil, err
			}
			return st, func() { st.Close(); os.RemoveAll(dir) }, nil
		}},
		{"Redis (127.0.0.1:6379)", func(ctx context.Context) (store.Store, func(), error) {
			// A prefix of the run's own; its keys expire with the rows (at
			// most the refresh lifetime) and are deleted here.
			prefix := fmt.Sprintf("auth0gin_load_%d:", time.Now().UnixNano())
			st, err := store.Open(ctx, "redis://127.0.0.1:6379/0?key_prefix="+prefix)
			if err != nil {
				return nil, nil, err
			}
			return st, func() { dropRedisPrefix(prefix); st.Close() }, nil
		}},
		{"PostgreSQL (127.0.0.1:5432)", func(ctx context.Context) (store.Store, func(), error) {
			dsn := "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
			schema := fmt.Sprintf("auth0gin_load_%d", time.Now().UnixNano())
			st, err := store.Open(ctx, dsn+"&schema="+schema)
			if err != nil {
				return nil, nil, err
			}
			return st, func() { st.Close(); dropSchema(dsn, schema) }, nil
		}},
	}
}

// dropRedisPrefix deletes the run's keys from the shared Redis.
func dropRedisPrefix(prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:6379"})
	defer c.Close()
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if len(keys) > 0 {
		c.Del(ctx, keys...)
	}
}

// dropSchema drops the run's schema from the shared PostgreSQL.
func dropSchema(dsn, schema string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	_, _ = conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
}

// ephemeralKeys is a keyring with one random key: the refresh tokens it
// encrypts last as long as the measurement.
func ephemeralKeys() *login.Keyring {
	var raw [32]byte
	_, _ = rand.Read(raw[:])
	k, err := login.ParseKeys("load:" + base64.StdEncoding.EncodeToString(raw[:]))
	if err != nil {
		panic(err)
	}
	return k
}

package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/session"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

// envSessions makes a child serve sessionHandler instead of a variant.
const envSessions = "AUTH0GIN_LOAD_SESSIONS"

// loginRoute is where the session servers take logins.
const loginRoute = "/auth/session"

// sessionPlan says how big the session measurements are.
type sessionPlan struct {
	concurrency int
	rounds      int
	duration    time.Duration // a variant's measurement in a round, over its slices
	slices      int           // a round measures each hot variant in this many interleaved slices (measureSlices); 0 is 1
	warm        time.Duration
	sessions    int // logins, then first requests, per store
	child, pin  bool
	stores      []storeCase
	dir         string // the SQLite file's directory
	profileDir  string // save a server CPU profile of every hot variant's round here
}

// newSessionPlan sizes the session measurements like p: the full run's or
// the quick one's. Its SQLite file lives in sp.dir, which the caller removes.
func newSessionPlan(p plan) (sessionPlan, error) {
	dir, err := os.MkdirTemp("", "auth0gin-load-sessions-")
	if err != nil {
		return sessionPlan{}, err
	}
	sp := sessionPlan{concurrency: p.concurrency, rounds: max(p.rounds, 3), duration: p.duration, slices: p.slices, warm: p.hotWarm,
		sessions: 500, child: p.child, pin: p.pin, stores: sessionStores(dir), dir: dir, profileDir: p.profileDir}
	if p.rounds > 1 {
		sp.sessions = 5000
	}
	return sp, nil
}

// storeCase is one store the first-request and login measurements run on.
type storeCase struct {
	name, url string
	addr      string // a TCP address that must answer, or "" (SQLite)
}

func sessionStores(dir string) []storeCase {
	return []storeCase{
		{name: "SQLite (memory)", url: ""},
		{name: "SQLite (file, WAL)", url: "sqlite://" + filepath.Join(dir, "sessions.db")},
		{name: "Redis", url: "redis://127.0.0.1:6379/0", addr: "127.0.0.1:6379"},
		{name: "PostgreSQL", url: "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", addr: "127.0.0.1:5432"},
	}
}

// The hot-request variants: the same route, the same handler.
const (
	hotBare        = "bare Gin"
	hotCookie      = "auth0gin, session cookie (SQLite in memory)"
	hotCookieRedis = "auth0gin, session cookie (Redis)"
	hotBearer      = "auth0gin, bearer token"
	hotSCSMem      = "scs, memstore"
	hotSCSRedis    = "scs, redisstore"
	hotGorilla     = "gorilla/sessions, CookieStore"
)

var hotVariants = []string{hotBare, hotCookie, hotCookieRedis, hotBearer, hotSCSMem, hotSCSRedis, hotGorilla}

// hotSpec is what a hot variant's server serves, bare Gin's aside: the
// envSessions value (a store URL, "1" for SQLite in memory, or a session
// library; see sessionHandler). The bearer token goes to the session server
// on SQLite in memory, whose route takes a token too.
var hotSpec = map[string]string{
	hotCookie: "1", hotCookieRedis: redisSessions, hotBearer: "1",
	hotSCSMem: libSCSMem, hotSCSRedis: libSCSRedis, hotGorilla: libGorilla,
}

// bareSessionCookie is a Cookie header value shaped like package session's
// on plain-http loopback: its name and a 43-character value (256 bits in
// base64url).
func bareSessionCookie() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24)
	return sessionCookie("1") + "=" + base64.RawURLEncoding.EncodeToString(b[:])
}

// hotOnRedis are the hot variants skipped when Redis does not answer.
var hotOnRedis = []string{hotCookieRedis, hotSCSRedis}

// redisSessions is the store URL of the Redis hot-session variant, which is
// skipped when nothing answers at its address.
const redisSessions, redisAddr = "redis://127.0.0.1:6379/0", "127.0.0.1:6379"

// storeResult is what the first-request and login measurements saw on one store.
type storeResult struct {
	store         string
	skipped       string // why it did not run
	login         run
	first         run
	verifications float64 // token verifications per login
	reads, writes float64 // store operations per login
	firstReads    float64 // store reads per first request
	firstWrites   float64
}

// sessionReport is everything the session measurements found.
type sessionReport struct {
	plan     sessionPlan
	started  time.Time
	pinned   string
	hot      map[string]*cell
	stores   []storeResult
	problems []string
}

// countingStore counts a store's operations.
type countingStore struct {
	store.Store
	reads, writes atomic.Int64
}

func (c *countingStore) Get(ctx context.Context, k string) ([]byte, error) {
	c.reads.Add(1)
	return c.Store.Get(ctx, k)
}

func (c *countingStore) Members(ctx context.Context, set string) ([]string, error) {
	c.reads.Add(1)
	return c.Store.Members(ctx, set)
}

func (c *countingStore) Set(ctx context.Context, k string, v []byte, exp time.Time) error {
	c.writes.Add(1)
	return c.Store.Set(ctx, k, v, exp)
}

// SetMany is one write, however many entries: one round trip.
func (c *countingStore) SetMany(ctx context.Context, entries ...store.Entry) error {
	c.writes.Add(1)
	return c.Store.SetMany(ctx, entries...)
}

func (c *countingStore) Add(ctx context.Context, k string, v []byte, exp time.Time) (bool, error) {
	c.writes.Add(1)
	return c.Store.Add(ctx, k, v, exp)
}

func (c *countingStore) Delete(ctx context.Context, ks ...string) error {
	c.writes.Add(1)
	return c.Store.Delete(ctx, ks...)
}

func (c *countingStore) AddMember(ctx context.Context, set, m string, exp time.Time) error {
	c.writes.Add(1)
	return c.Store.AddMember(ctx, set, m, exp)
}

func (c *countingStore) RemoveMember(ctx context.Context, set string, ms ...string) error {
	c.writes.Add(1)
	return c.Store.RemoveMember(ctx, set, ms...)
}

// countingCache counts Verify calls: each looks the token up in the cache once.
type countingCache struct {
	auth0gin.TokenCache
	gets atomic.Int64
}

func (c *countingCache) Get(ctx context.Context, token string) (*auth0gin.Auth0User, bool) {
	c.gets.Add(1)
	return c.TokenCache.Get(ctx, token)
}

// sessionApp is one instance: an Auth0, a manager on st, and the route.
type sessionApp struct {
	auth  *auth0gin.Auth0
	cache *countingCache
	mgr   *session.Manager
	r     *gin.Engine
}

func newSessionApp(ctx context.Context, issuerURL string, st store.Store, prefix string) (*sessionApp, error) {
	cc := &countingCache{TokenCache: auth0gin.NewMemoryCache(0, 0)} // 0, 0: the defaults
	a, err := auth0gin.New(auth0gin.Config{Domain: issuerURL, Audience: []string{audience}, Logger: slog.New(slog.DiscardHandler), Cache: cc})
	if err != nil {
		return nil, fmt.Errorf("auth0gin.New: %w", err)
	}
	mgr, err := session.New(ctx, a, st, session.Config{
		LoginsPerMinute: -1, // the load comes from one address
		KeyPrefix:       prefix,
		Logger:          slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return nil, err
	}
	a.Attach(mgr) // the route's guard accepts the session cookie
	r := gin.New()
	r.POST(loginRoute, mgr.Login)
	r.GET(route, a.RequireScopes(scope), answer)
	return &sessionApp{auth: a, cache: cc, mgr: mgr, r: r}, nil
}

// sessionHandler is the session variant of a child server: the route takes a
// token or a session cookie, sessions in SQLite in memory, or in the store at
// storeURL when it is not "" nor "1"; or, when storeURL names a session
// library (libSCSMem, ...), the route served with that library's sessions
// (see sessionlibs.go).
func sessionHandler(issuerURL, storeURL string) (http.Handler, error) {
	h, _, err := sessionServer(issuerURL, storeURL)
	return h, err
}

// sessionServer is sessionHandler, with a release of what it holds.
func sessionServer(issuerURL, storeURL string) (http.Handler, func() error, error) {
	if isSessionLib(storeURL) {
		return libSessionHandler(storeURL, issuerURL)
	}
	ctx := context.Background()
	if storeURL == "1" {
		storeURL = ""
	}
	st, err := store.Open(ctx, storeURL)
	if err != nil {
		return nil, nil, err
	}
	app, err := newSessionApp(ctx, issuerURL, st, fmt.Sprintf("load-%d:", time.Now().UnixNano()))
	if err != nil {
		return nil, nil, errors.Join(err, st.Close())
	}
	return app.r, func() error { return errors.Join(app.mgr.Close(), st.Close()) }, nil
}

// sessionCookie is the cookie a session server's login sets: package
// session's on plain-http loopback, or the library's.
func sessionCookie(storeURL string) string {
	if isSessionLib(storeURL) {
		return libCookie(storeURL)
	}
	return "auth0gin_session"
}

// loginCookie logs in with token at base and returns the Cookie header value
// of the session cookie, named name.
func loginCookie(ctx context.Context, client *http.Client, base, token, name string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+loginRoute, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("login: %s", res.Status)
	}
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", errors.New("login set no session cookie")
}

// measureSessions runs the session measurements.
func measureSessions(ctx context.Context, sp sessionPlan, log *slog.Logger) (*sessionReport, error) {
	rep := &sessionReport{plan: sp, hot: map[string]*cell{}, started: time.Now()}
	rep.pinned = pinSelf(plan{child: sp.child, pin: sp.pin}, log)
	k0, err := newSigningKey("sess-k0")
	if err != nil {
		return nil, err
	}
	is, err := newIssuer(k0)
	if err != nil {
		return nil, err
	}
	defer is.close()
	tokens, err := is.signMany(ctx, k0, 0, 1+sp.sessions, runtime.NumCPU())
	if err != nil {
		return nil, err
	}
	client := newClient(sp.concurrency)
	defer client.CloseIdleConnections()

	if err := measureHot(ctx, client, is, tokens[0], sp, rep, log); err != nil {
		return nil, err
	}
	// The store measurements run in this process, servers and stores' clients
	// alike: on every core, not on the load generator's one.
	unpinSelf(log)
	for _, sc := range sp.stores {
		res, err := measureStore(ctx, client, is, tokens[1:], sc, sp, log)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", sc.name, err)
		}
		rep.stores = append(rep.stores, res)
		if res.skipped == "" && (res.login.non2xx > 0 || res.first.non2xx > 0) {
			rep.problems = append(rep.problems, fmt.Sprintf("%s: %d logins and %d first requests out of 2xx (first error: %v %v)",
				sc.name, res.login.non2xx, res.first.non2xx, res.login.firstErr, res.first.firstErr))
		}
	}
	return rep, nil
}

// measureHot measures one hot session of package session and of each
// session library against bare Gin and a hot bearer token, in rounds
// (hotRound) that measure every variant in interleaved slices, in an order
// that rotates from round to round.
func measureHot(ctx context.Context, client *http.Client, is *issuer, token string, sp sessionPlan, rep *sessionReport, log *slog.Logger) error {
	variants := hotVariants
	if err := dialCheck(redisAddr); err != nil {
		variants = slices.DeleteFunc(slices.Clone(variants), func(v string) bool { return slices.Contains(hotOnRedis, v) })
		rep.problems = append(rep.problems, fmt.Sprintf("hot sessions on Redis (%s) skipped: %v", strings.Join(hotOnRedis, ", "), err))
	}
	for _, v := range variants {
		rep.hot[v] = &cell{}
	}
	for r := range sp.rounds {
		runs, order, err := hotRound(ctx, client, is, token, variants, sp, r)
		if err != nil {
			return err
		}
		for _, vi := range order {
			v, res := variants[vi], runs[vi]
			rep.hot[v].runs = append(rep.hot[v].runs, res)
			if res.non2xx > 0 {
				rep.problems = append(rep.problems, fmt.Sprintf("hot %s, round %d: %d answers out of 2xx (%v)", v, r+1, res.non2xx, res.firstErr))
			}
			log.Info("measured", "sessions", v, "round", r+1, "rps", int(res.rps), "p99_us", int(res.p99), "server_cpu", fmt.Sprintf("%.2f", res.serverCPU))
		}
	}
	return nil
}

// hotRound is round r of measureHot, side by side (sideBySide): a fresh
// server for every variant, the session variants logged in and each warmed
// up, then all measured in sp.slices interleaved slices of
// sp.duration/sp.slices each. runs[vi] is variants[vi]'s slices added up.
func hotRound(ctx context.Context, client *http.Client, is *issuer, token string, variants []string, sp sessionPlan, r int) (runs []run, order []int, err error) {
	profile := profilePath(sp.profileDir, func(vi int) string { return fmt.Sprintf("session-%s-round%d", variants[vi], r) })
	return sideBySide(ctx, client, round{n: len(variants), r: r, slices: sp.slices, profile: profile,
		start: func(vi int) (*server, error) {
			srv, err := startHot(variants[vi], is.url(), sp)
			if err != nil {
				err = fmt.Errorf("%s: %w", variants[vi], err)
			}
			return srv, err
		},
		warm: func(vi int, srv *server) (load, error) {
			v := variants[vi]
			l := load{url: srv.url + route, concurrency: sp.concurrency, drain: true}
			switch {
			case v == hotBare:
				// The request a logged-in browser sends to any route: the
				// session cookie, which bare Gin ignores, as the token
				// workloads send bare Gin the token. The session variants'
				// ratio then counts what checking the cookie costs, not
				// net/http reading a header the browser sends anyway.
				l.cookies = []string{bareSessionCookie()}
			case v == hotBearer:
				l.headers = []string{"Bearer " + token}
			default:
				c, err := loginCookie(ctx, client, srv.url, token, sessionCookie(hotSpec[v]))
				if err != nil {
					return l, fmt.Errorf("%s: %w", v, err)
				}
				l.cookies = []string{c}
			}
			warm, meas := l, l
			warm.duration, meas.duration = sp.warm, sp.duration
			if _, err := warm.run(ctx, client); err != nil {
				return l, fmt.Errorf("%s: %w", v, err)
			}
			return meas, nil
		},
	})
}

// startHot starts the server of hot variant v: a child process when
// sp.child, else in this process, where stop also releases the session
// server's store and manager.
func startHot(v, issuerURL string, sp sessionPlan) (*server, error) {
	spec := hotSpec[v]
	switch {
	case v == hotBare && sp.child:
		return startChild(bareGin, issuerURL, sp.pin, 0, false)
	case v == hotBare:
		return startInProcess(bareGin, issuerURL, nil)
	case sp.child:
		env := []string{envSessions + "=" + spec}
		if sp.profileDir != "" {
			env = append(env, envProfiled+"=1")
		}
		return startChild(cached, issuerURL, sp.pin, 0, false, env...)
	}
	h, release, err := sessionServer(issuerURL, spec)
	if err != nil {
		return nil, err
	}
	srv, err := serveOn(h)
	if err != nil {
		return nil, errors.Join(err, release())
	}
	stop := srv.stop
	srv.stop = func() error { return errors.Join(stop(), release()) }
	return srv, nil
}

// measureStore logs in every token on instance A, then sends each session's
// first request to instance B (its own local cache, the same store), so that
// each is a store read.
func measureStore(ctx context.Context, client *http.Client, is *issuer, tokens []string, sc storeCase, sp sessionPlan, log *slog.Logger) (storeResult, error) {
	res := storeResult{store: sc.name}
	if sc.addr != "" {
		if err := dialCheck(sc.addr); err != nil {
			res.skipped = "not running here: " + err.Error()
			return res, nil
		}
	}
	open := func() (store.Store, error) { return store.Open(ctx, sc.url) }
	stA, err := open()
	if err != nil {
		return res, err
	}
	defer stA.Close()
	stB := stA // SQLite in memory: one store, two managers with their own caches
	if sc.url != "" {
		if stB, err = open(); err != nil {
			return res, err
		}
		defer stB.Close()
	}
	prefix := fmt.Sprintf("load%d:", time.Now().UnixNano())
	cA, cB := &countingStore{Store: stA}, &countingStore{Store: stB}
	appA, err := newSessionApp(ctx, is.url(), cA, prefix)
	if err != nil {
		return res, err
	}
	defer appA.mgr.Close()
	appB, err := newSessionApp(ctx, is.url(), cB, prefix)
	if err != nil {
		return res, err
	}
	defer appB.mgr.Close()
	srvA, err := serveOn(appA.r)
	if err != nil {
		return res, err
	}
	defer srvA.stop()
	srvB, err := serveOn(appB.r)
	if err != nil {
		return res, err
	}
	defer srvB.stop()

	// Logins: every token once, each a full verification.
	n := min(sp.sessions, len(tokens))
	var cookies = make([]string, n)
	var failed atomic.Int64
	// Not the load generator: it discards the answers, and the cookies are needed.
	p := plan{}
	verifs0, reads0, writes0 := appA.cache.gets.Load(), cA.reads.Load(), cA.writes.Load()
	start := time.Now()
	var h histogram
	sem := make(chan struct{}, sp.concurrency)
	done := make(chan time.Duration, n)
	for i := range n {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			t := time.Now()
			c, err := loginCookie(ctx, client, srvA.url, tokens[i], sessionCookie(sc.url))
			if err != nil {
				failed.Add(1)
			}
			cookies[i] = c
			done <- time.Since(t)
		}()
	}
	for range n {
		h.record(<-done)
	}
	elapsed := time.Since(start)
	res.login = run{rps: float64(n) / elapsed.Seconds(), p50: float64(h.quantile(0.5)) / 1e3, p99: float64(h.quantile(0.99)) / 1e3,
		requests: int64(n), non2xx: failed.Load(), serverCPU: -1}
	res.verifications = float64(appA.cache.gets.Load()-verifs0) / float64(n)
	res.reads = float64(cA.reads.Load()-reads0) / float64(n)
	res.writes = float64(cA.writes.Load()-writes0) / float64(n)
	if failed.Load() > 0 {
		return res, nil
	}

	// First requests: each session once, on the instance that never saw it.
	readsB0, writesB0 := cB.reads.Load(), cB.writes.Load()
	first := load{url: srvB.url + route, concurrency: sp.concurrency, requests: n, cookies: cookies}
	r, err := measureOne(ctx, client, srvB, load{url: srvB.url + "/none", requests: 1}, first, p, "session-first")
	if err != nil {
		return res, err
	}
	res.first = r
	res.firstReads = float64(cB.reads.Load()-readsB0) / float64(n)
	res.firstWrites = float64(cB.writes.Load()-writesB0) / float64(n)
	log.Info("measured", "sessions store", sc.name, "logins_per_s", int(res.login.rps), "login_p99_us", int(res.login.p99),
		"first_rps", int(r.rps), "first_p99_us", int(r.p99), "verifications_per_login", res.verifications, "writes_per_login", res.writes)
	return res, nil
}

// unpinSelf undoes pinSelf: every CPU, GOMAXPROCS as many.
func unpinSelf(log *slog.Logger) {
	n := runtime.NumCPU()
	if out, err := exec.Command("taskset", "-a", "-p", "-c", fmt.Sprintf("0-%d", n-1), strconv.Itoa(os.Getpid())).CombinedOutput(); err != nil {
		log.Warn("taskset: unpinning failed", "error", err, "output", string(out))
	}
	runtime.GOMAXPROCS(n)
}

func dialCheck(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	return c.Close()
}

// renderSessions is the report's section on sessions.
func renderSessions(rep *sessionReport) string {
	var b strings.Builder
	f := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	sp := rep.plan
	f("## Sessions (package session)\n\n")
	f("Generated by `go run ./tests/load -full -sessions` (the full run includes it), %s, in %s; cores: %s. ", rep.started.UTC().Format(time.RFC3339), time.Since(rep.started).Round(time.Second), rep.pinned)
	f("A session request is answered from the instance's local cache (the secret's SHA-256, one map lookup, the lifetimes checked; the user is shared, read-only); the store is read on a session's first request on an instance and again every `LocalCacheTTL` (5 s), and written at most once per `TouchInterval` (1 min).\n\n")
	f("### One hot session against bare Gin\n\n")
	n := 0
	for _, v := range hotVariants {
		if rep.hot[v] != nil {
			n++
		}
	}
	f("The route `GET %s` with `RequireScopes(%q)`, served as in the tables above (%s), %d connections, %d rounds. "+
		"A round starts a fresh server for each of the %d variants and, in turn, logs each session variant in (one login with the same token) and warms each up for %v; "+
		"then it measures them for %v each, %s. Every server's keep-alive connections stay open until the round ends, when every server stops. "+
		"A variant's figures in a round add up its slices (requests, time, CPU, latency histogram); × is the median over rounds of the ratio within a round. "+
		"Bare Gin's requests carry a cookie with auth0gin's session cookie name and a value of its size, which it ignores, as the token workloads send bare Gin the token: "+
		"the load generator then writes, and the server reads, the same request for auth0gin's session rows and bare Gin, so their ratio is what checking the cookie costs. "+
		"The libraries' cookies differ in name and size (gorilla's value is much longer), and the bearer row's requests carry a token instead, so those ratios also count the difference in the request. "+
		"With 32 connections the load generator, on its own core, bounds req/s (the server CPU column: the server does not use all of its core): the per-server-core ratio and the server CPU per request show the server's side alone.\n\n",
		route, scope, hotServing(sp), sp.concurrency, sp.rounds, n, sp.warm, sp.duration, hotSliceWords(sp))
	f("Beside them, the best-known Go session libraries on the same route and answer, one hot session cookie each, logged in with the same token (see `tests/load/sessionlibs.go`): "+
		"**scs** %s (`LoadAndSave` around the Gin engine, `GetString` of the user; on its memstore, and on redisstore %s over a redigo pool, one Redis GET per request) and "+
		"**gorilla/sessions** %s (a `CookieStore` with one authentication key, as its README shows: `Get`, then the user read from the signed cookie). They check the session alone, no scope.\n\n",
		modVersion("github.com/alexedwards/scs/v2"), modVersion("github.com/alexedwards/scs/redisstore"), modVersion("github.com/gorilla/sessions"))
	f("| variant | req/s | × bare Gin | p50 | p99 | server CPU | req/s per server core | server CPU per request |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, v := range hotVariants {
		if rep.hot[v] == nil {
			continue
		}
		m := rep.hot[v].median()
		f("| %s | %.0f | %.2f | %s | %s | %s | %.0f | %s |\n", v, m.rps, pairedHot(rep, v, hotBare, func(r run) float64 { return r.rps }), µs(m.p50), µs(m.p99), cpu(m.serverCPU), perCore(m), cpuPerRequest(m))
	}
	f("\n")
	for _, lib := range []string{hotSCSMem, hotSCSRedis, hotGorilla} {
		ours := hotCookie
		if lib == hotSCSRedis {
			ours = hotCookieRedis
		}
		if rep.hot[lib] == nil || rep.hot[ours] == nil {
			continue
		}
		med, worst := pairedSpread(rep, ours, lib)
		f("%s ÷ %s: median %.2f×, worst round %.2f× (per server core %.2f×).\n\n", ours, lib, med, worst, pairedHot(rep, ours, lib, perCore))
	}
	for _, v := range []string{hotCookie, hotCookieRedis} {
		if rep.hot[v] == nil {
			continue
		}
		med, worst := pairedSpread(rep, v, hotBare)
		f("Target: %s ≥ %.2f× bare Gin: median **%.3f×**, worst round %.3f× (%s; per server core %.3f×).\n\n",
			v, sessionTarget, med, worst, yesNo(med >= sessionTarget && worst >= sessionTarget-0.03), pairedHot(rep, v, hotBare, perCore))
	}
	f("### First request of a session on an instance, and logins, per store\n\n")
	f("Instance A logs in %d distinct tokens (each a full RS256 verification, %d at a time); instance B, with its own local cache on the same store, then serves each session's first request (a store read). Both run in the harness's process on every core, together with the load generator: these figures are dominated by the store's round trip and by the shared machine.\n\n", sp.sessions, sp.concurrency)
	f("| store | logins/s | login p50 | login p99 | verifications per login | store writes per login | store reads per login | first requests/s | first p50 | first p99 | store reads per first request | store writes per first request |\n")
	f("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range rep.stores {
		if s.skipped != "" {
			f("| %s | skipped: %s |||||||||||\n", s.store, s.skipped)
			continue
		}
		f("| %s | %.0f | %s | %s | %.2f | %.2f | %.2f | %.0f | %s | %s | %.2f | %.2f |\n", s.store, s.login.rps, µs(s.login.p50), µs(s.login.p99),
			s.verifications, s.writes, s.reads, s.first.rps, µs(s.first.p50), µs(s.first.p99), s.firstReads, s.firstWrites)
	}
	f("\nA login is one token verification, one store read (the user's epoch, which \"log out everywhere\" renews) and one store write (the session's record, carrying that epoch). A first request reads the record, then its activity key and the user's epoch together: three store reads in two round trips, no write.\n\n")
	if len(rep.problems) > 0 {
		f("Problems:\n\n")
		for _, p := range rep.problems {
			f("- %s\n", p)
		}
		f("\n")
	}
	return b.String()
}

// hotServing says in words where the hot variants' servers run.
func hotServing(sp sessionPlan) string {
	switch {
	case !sp.child:
		return "every server in the harness's process"
	case sp.pin:
		return "every server a child process pinned to the servers' core, idle outside its own slices"
	}
	return "every server a child process, unpinned"
}

// hotSliceWords says in words how a round of hot variants is sliced.
func hotSliceWords(sp sessionPlan) string {
	k := max(1, sp.slices)
	if k == 1 {
		return "one after another (one slice each), in an order that rotates from round to round"
	}
	return fmt.Sprintf("interleaved in %d slices of %v: the first slice of every variant in turn, then the second, and so on, the order of variants rotating from round to round, so that a ratio's two sides see the same seconds of the machine", k, sp.duration/time.Duration(k))
}

// sessionTarget is issue 25's target for a hot session request at 32
// connections, as a fraction of bare Gin's requests per second.
const sessionTarget = 0.90

// pairedSpread is v's req/s over ref's, per round: the median and the worst
// round.
func pairedSpread(rep *sessionReport, v, ref string) (med, worst float64) {
	a, b := rep.hot[v], rep.hot[ref]
	if a == nil || b == nil {
		return 0, 0
	}
	var rs []float64
	for i := range min(len(a.runs), len(b.runs)) {
		if x, y := a.runs[i].rps, b.runs[i].rps; x > 0 && y > 0 {
			rs = append(rs, x/y)
		}
	}
	if len(rs) == 0 {
		return 0, 0
	}
	return median(rs), slices.Min(rs)
}

func pairedHot(rep *sessionReport, v, ref string, metric func(run) float64) float64 {
	a, b := rep.hot[v], rep.hot[ref]
	if a == nil || b == nil {
		return 0
	}
	var rs []float64
	for i := range min(len(a.runs), len(b.runs)) {
		if x, y := metric(a.runs[i]), metric(b.runs[i]); x > 0 && y > 0 {
			rs = append(rs, x/y)
		}
	}
	return median(rs)
}

// cpuPerRequest is the server CPU time a run's requests cost each, in µs;
// "—" when unknown.
func cpuPerRequest(r run) string {
	pc := perCore(r)
	if pc <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f µs", 1e6/pc)
}

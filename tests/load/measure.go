package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// plan says how big a run is. The smoke test and the full run differ only in
// their plans.
type plan struct {
	concurrency int           // parallel keep-alive connections
	rounds      int           // measurements per cell; the median is reported
	duration    time.Duration // length of one time-bound measurement
	slices      int           // a round measures each variant in this many interleaved slices (measureRound); 0 is 1
	hotWarm     time.Duration // warm-up before a measurement
	distinct    int           // tokens of the round-robin workload
	fresh       int           // tokens of the every-request-a-new-token workload
	flood       int           // tokens of the heap flood through the cached variant
	child       bool          // serve from a child process (else in this process)
	pin         bool          // pin the server to CPU 0 and this process to CPU 1
	bench       bool          // also run the paired in-process benchmarks (benchCommand)
	profileDir  string        // save a CPU profile of every measurement (in measure, every variant's round) here
}

// workload names one of the three token mixes.
type workload string

// The workloads.
const (
	hot      workload = "one hot token"
	distinct workload = "distinct tokens, round-robin"
	fresh    workload = "every request a new token"
)

var workloads = []workload{hot, distinct, fresh}

// run is one measurement of one variant under one workload.
type run struct {
	rps, p50, p99 float64 // requests/s; latencies in µs
	requests      int64
	non2xx        int64
	fetches       int64   // JWKS requests the issuer received during this run (start and warm-up included)
	serverCPU     float64 // fraction of one core the server used; -1 when unknown
	clientCPU     float64 // fraction of one core this process used
	firstErr      error
}

// cell is every round of one variant under one workload.
type cell struct {
	runs []run
}

// median is the round with the median req/s.
func (c *cell) median() run {
	if len(c.runs) == 0 {
		return run{}
	}
	rs := slices.Clone(c.runs)
	slices.SortFunc(rs, func(a, b run) int {
		switch {
		case a.rps < b.rps:
			return -1
		case a.rps > b.rps:
			return 1
		}
		return 0
	})
	return rs[(len(rs)-1)/2]
}

// heapPoint is the cached variant's heap after some tokens of the flood.
type heapPoint struct {
	tokens int
	heap   heapStats
}

// report is everything a run measured.
type report struct {
	plan       plan
	started    time.Time
	signing    time.Duration
	tokens     int
	pinned     string // how the cores were split, in words
	loadBefore string
	loadAfter  string
	steal      string   // share of the machine's CPU time the hypervisor took during the run
	roundLoad  []string // "<workload> <round>: <loadavg before> → <after>", one per round
	cells      map[workload]*[variantN]cell
	flood      []heapPoint
	floodNon2x int64
	bench      *benchResult
	problems   []string // correctness failures: non-2xx, unexpected fetch counts
}

// measure runs the plan and reports. It fails only when the harness itself
// cannot run; wrong answers are listed in report.problems.
func measure(ctx context.Context, p plan, log *slog.Logger) (*report, error) {
	rep := &report{plan: p, started: time.Now(), loadBefore: loadAvg(), cells: map[workload]*[variantN]cell{}}
	steal0, total0 := cpuTimes()
	k0, err := newSigningKey("load-k0")
	if err != nil {
		return nil, err
	}
	is, err := newIssuer(k0)
	if err != nil {
		return nil, err
	}
	defer is.close()

	n := max(1+p.distinct+p.fresh, p.flood)
	log.Info("signing tokens", "n", n)
	t0 := time.Now()
	tokens, err := is.signMany(ctx, k0, 0, n, runtime.NumCPU())
	if err != nil {
		return nil, err
	}
	rep.signing, rep.tokens = time.Since(t0), n
	auth := make([]string, n)
	for i, t := range tokens {
		auth[i] = "Bearer " + t
	}
	tokens = nil
	hotSet, distinctSet, freshSet := auth[:1], auth[1:1+p.distinct], auth[1+p.distinct:1+p.distinct+p.fresh]

	if p.bench {
		log.Info("running the paired in-process benchmarks")
		b, err := runBench(ctx)
		if err != nil {
			return nil, err
		}
		rep.bench = b
	}

	rep.pinned = pinSelf(p, log)
	client := newClient(p.concurrency)
	defer client.CloseIdleConnections()

	start := func(v variant) (*server, error) {
		if p.child {
			return startChild(v, is.url(), p.pin, 0, false)
		}
		return startInProcess(v, is.url(), nil)
	}

	for _, w := range workloads {
		cells := &[variantN]cell{}
		rep.cells[w] = cells
		var warm, meas load
		switch w {
		case hot:
			warm = load{headers: hotSet, duration: p.hotWarm}
			meas = load{headers: hotSet, duration: p.duration}
		case distinct:
			warm = load{headers: distinctSet, requests: len(distinctSet)}
			meas = load{headers: distinctSet, duration: p.duration}
		case fresh:
			warm = load{headers: hotSet, duration: p.hotWarm}
			meas = load{headers: freshSet, requests: len(freshSet)}
		}
		for _, l := range []*load{&warm, &meas} {
			l.concurrency, l.drain = p.concurrency, true
		}
		for r := range p.rounds {
			before := loadAvg()
			runs, order, err := measureRound(ctx, client, is, start, warm, meas, p, r, fmt.Sprintf("%s-%d", slug(w), r))
			if err != nil {
				return nil, err
			}
			for _, vi := range order {
				v, res := variants[vi], runs[vi]
				cells[vi].runs = append(cells[vi].runs, res)
				if res.non2xx > 0 {
					rep.problems = append(rep.problems, fmt.Sprintf("%s, %s, round %d: %d answers out of 2xx (first error: %v)", v, w, r+1, res.non2xx, res.firstErr))
				}
				if p := fetchProblem(v, res.fetches); p != "" {
					rep.problems = append(rep.problems, fmt.Sprintf("%s, %s, round %d: %s", v, w, r+1, p))
				}
				log.Info("measured", "workload", string(w), "variant", string(v), "round", r+1,
					"rps", int(res.rps), "p50_us", int(res.p50), "p99_us", int(res.p99),
					"server_cpu", fmt.Sprintf("%.2f", res.serverCPU), "client_cpu", fmt.Sprintf("%.2f", res.clientCPU))
			}
			rep.roundLoad = append(rep.roundLoad, fmt.Sprintf("%s %d: %s → %s", slug(w), r+1, before, loadAvg()))
		}
	}

	if err := floodHeap(ctx, client, start, auth[:p.flood], p, rep, log); err != nil {
		return nil, err
	}
	rep.loadAfter = loadAvg()
	rep.steal = "unknown"
	if steal1, total1 := cpuTimes(); total1 > total0 {
		rep.steal = fmt.Sprintf("%.1f%%", 100*float64(steal1-steal0)/float64(total1-total0))
	}
	return rep, nil
}

// measureRound is round r of one workload, side by side (sideBySide): a
// fresh server for every variant, warmed with warm, then measured with meas
// in p.slices interleaved slices, so that both sides of a ratio see the same
// machine to within a slice. A slice is a p.slices-th of meas, of its
// duration or of its request count; a variant's slices continue through
// meas's headers where the previous one stopped, so that under the fresh
// workload each server still sees each token once. A variant's fetches
// count from its server's start, plus any during its slices.
//
// With p.profileDir, every server is profiled from the first slice of the
// round to the end of the last, as <variant>-<name>.pprof: a server is idle
// between its own slices, so the profile holds its slices' work.
func measureRound(ctx context.Context, client *http.Client, is *issuer, start func(variant) (*server, error), warm, meas load, p plan, r int, name string) (runs []run, order []int, err error) {
	var fetches [variantN]int64
	var hits int64 // the issuer's count when last read
	rd := round{n: variantN, r: r, slices: p.slices,
		start: func(vi int) (*server, error) {
			hits = is.hits()
			return start(variants[vi])
		},
		warm: func(vi int, srv *server) (load, error) {
			w, m := warm, meas
			w.url, m.url = srv.url+route, srv.url+route
			_, err := w.run(ctx, client)
			h := is.hits()
			fetches[vi], hits = h-hits, h
			return m, err
		},
		after: func(vi int) {
			h := is.hits()
			fetches[vi], hits = fetches[vi]+h-hits, h
		},
	}
	rd.profile = profilePath(p.profileDir, func(vi int) string { return fmt.Sprintf("%s-%s", variants[vi], name) })
	runs, order, err = sideBySide(ctx, client, rd)
	for vi := range runs {
		runs[vi].fetches = fetches[vi]
	}
	return runs, order, err
}

// round is one round of n variants measured side by side (sideBySide).
type round struct {
	n, r, slices int
	// start starts variant vi's server; warm warms it up and returns the
	// load that measures it, its url set.
	start func(vi int) (*server, error)
	warm  func(vi int, srv *server) (load, error)
	// after, when not nil, runs after each of vi's slices.
	after func(vi int)
	// profile, when not nil, is where vi's CPU profile over the round's
	// slices goes.
	profile func(vi int) string
}

// sideBySide runs rd: in an order that starts at variant rd.r mod rd.n (so
// that it rotates from round to round), it starts a fresh server for every
// variant and warms it up, in turn, then measures them all in rd.slices
// interleaved slices (measureSlices), the keep-alive connections open from
// slice to slice. runs[vi] is variant vi's slices added up; order lists the
// variants as they ran. Every server stops, and the connections close, when
// the round ends, even on an error.
func sideBySide(ctx context.Context, client *http.Client, rd round) (runs []run, order []int, err error) {
	var ts []*slicedRun // in order
	defer func() {
		for _, t := range ts {
			err = errors.Join(err, t.srv.stop())
		}
		client.CloseIdleConnections()
	}()
	for j := range rd.n {
		vi := (j + rd.r) % rd.n
		order = append(order, vi)
		srv, err := rd.start(vi)
		if err != nil {
			return nil, order, err
		}
		t := &slicedRun{srv: srv, vi: vi}
		ts = append(ts, t)
		if t.meas, err = rd.warm(vi, srv); err != nil {
			return nil, order, err
		}
	}
	if rd.profile != nil {
		for _, t := range ts {
			if err := startProfile(ctx, client, t.srv.url); err != nil {
				return nil, order, err
			}
		}
	}
	var after func(*slicedRun)
	if rd.after != nil {
		after = func(t *slicedRun) { rd.after(t.vi) }
	}
	if err := measureSlices(ctx, client, ts, rd.slices, after); err != nil {
		return nil, order, err
	}
	runs = make([]run, rd.n)
	for _, t := range ts {
		if rd.profile != nil {
			if err := stopProfile(ctx, client, t.srv.url, rd.profile(t.vi)); err != nil {
				return nil, order, err
			}
		}
		runs[t.vi] = t.sum.run()
	}
	return runs, order, nil
}

// slicedRun is one server of a round, the load that measures it (its url
// set) and the sum of its slices so far.
type slicedRun struct {
	srv  *server
	vi   int // its variant, in the caller's list
	meas load
	sum  sliceSum
}

// measureSlices measures each of ts in k interleaved slices (k < 1 is 1): a
// slice of every one in ts's order, then a second slice of every one, and so
// on. A slice is a k-th of t.meas, of its duration or of its request count;
// t's slices continue through t.meas's headers where the previous one
// stopped. Each slice adds up into t.sum; after, when not nil, runs after
// every slice. It leaves the connections open: the caller closes them when
// its round ends.
func measureSlices(ctx context.Context, client *http.Client, ts []*slicedRun, k int, after func(t *slicedRun)) error {
	k = max(1, k)
	for i := range k {
		for _, t := range ts {
			l := t.meas
			l.offset = t.sum.sent
			if l.requests > 0 {
				l.requests = t.meas.requests*(i+1)/k - t.meas.requests*i/k
			} else {
				l.duration = t.meas.duration / time.Duration(k)
			}
			if err := t.sum.measure(ctx, client, t.srv, l); err != nil {
				return err
			}
			if after != nil {
				after(t)
			}
		}
	}
	return nil
}

// sliceSum adds up the slices of one server's measurement.
type sliceSum struct {
	requests, non2xx int64
	sent             int // requests sent, answered or not: where the next slice starts in the headers
	firstErr         error
	elapsed          time.Duration
	latency          histogram
	serverCPU        time.Duration // -1 when unknown
	clientCPU        time.Duration
	fetches          int64
}

// measure runs one slice, l, against srv and adds it up, with the CPU both
// sides used meanwhile.
func (s *sliceSum) measure(ctx context.Context, client *http.Client, srv *server, l load) error {
	sc0, cc0 := serverCPU(srv), selfCPU()
	res, err := l.run(ctx, client)
	if err != nil {
		return err
	}
	sc1, cc1 := serverCPU(srv), selfCPU()
	s.requests += res.requests
	s.non2xx += res.non2xx()
	s.sent += int(res.requests + res.errors)
	if s.firstErr == nil {
		s.firstErr = res.firstErr
	}
	s.elapsed += res.elapsed
	s.latency.merge(&res.latency)
	s.clientCPU += cc1 - cc0
	if srv.pid == 0 {
		s.serverCPU = -1
	} else if s.serverCPU >= 0 {
		s.serverCPU += sc1 - sc0
	}
	return nil
}

// run is the sum as one run: req/s and CPU over the slices' summed time.
func (s *sliceSum) run() run {
	r := run{
		requests: s.requests, non2xx: s.non2xx, fetches: s.fetches, firstErr: s.firstErr,
		p50:       float64(s.latency.quantile(0.50)) / 1e3,
		p99:       float64(s.latency.quantile(0.99)) / 1e3,
		serverCPU: -1,
	}
	if sec := s.elapsed.Seconds(); sec > 0 {
		r.rps = float64(s.requests) / sec
		r.clientCPU = s.clientCPU.Seconds() / sec
		if s.serverCPU >= 0 {
			r.serverCPU = s.serverCPU.Seconds() / sec
		}
	}
	return r
}

// measureOne warms a server up, then measures meas, with the CPU both sides
// used meanwhile, in one slice: for a measurement with nothing to compare
// side by side (the session section's first requests).
func measureOne(ctx context.Context, client *http.Client, srv *server, warm, meas load, p plan, name string) (run, error) {
	if _, err := warm.run(ctx, client); err != nil {
		return run{}, err
	}
	var profDone chan error
	if p.profileDir != "" {
		profDone = make(chan error, 1)
		go func() { profDone <- saveProfile(ctx, srv.url, p.duration, filepath.Join(p.profileDir, name+".pprof")) }()
	}
	var s sliceSum
	if err := s.measure(ctx, client, srv, meas); err != nil {
		return run{}, err
	}
	if profDone != nil {
		if err := <-profDone; err != nil {
			return run{}, err
		}
	}
	return s.run(), nil
}

// floodHeap sends every token of the flood, each once, through a fresh
// cached server, reading its heap before and after each quarter.
func floodHeap(ctx context.Context, client *http.Client, start func(variant) (*server, error), flood []string, p plan, rep *report, log *slog.Logger) error {
	if len(flood) == 0 {
		return nil
	}
	srv, err := start(cached)
	if err != nil {
		return err
	}
	defer func() { _ = srv.stop() }()
	url := srv.url + route
	if _, err := (load{url: url, headers: flood[:1], requests: 1}).run(ctx, client); err != nil {
		return err
	}
	hs, err := fetchHeap(ctx, client, srv.url)
	if err != nil {
		return err
	}
	rep.flood = append(rep.flood, heapPoint{tokens: 0, heap: hs})
	const parts = 4
	for i := range parts {
		lo, hi := len(flood)*i/parts, len(flood)*(i+1)/parts
		res, err := load{url: url, headers: flood[lo:hi], requests: hi - lo, concurrency: p.concurrency}.run(ctx, client)
		if err != nil {
			return err
		}
		rep.floodNon2x += res.non2xx()
		hs, err := fetchHeap(ctx, client, srv.url)
		if err != nil {
			return err
		}
		rep.flood = append(rep.flood, heapPoint{tokens: hi, heap: hs})
		log.Info("flood", "tokens", hi, "heap_alloc_mib", hs.HeapAlloc>>20, "cache_entries", hs.CacheEntries)
	}
	if rep.floodNon2x > 0 {
		rep.problems = append(rep.problems, fmt.Sprintf("heap flood: %d answers out of 2xx", rep.floodNon2x))
	}
	return nil
}

func serverCPU(s *server) time.Duration {
	if s.pid == 0 {
		return 0
	}
	return processCPU(s.pid)
}

// selfCPU is the CPU time (user+system) this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// pinSelf moves every thread of this process to CPU 1 and sets GOMAXPROCS
// to 1, leaving CPU 0 to the server. It says in words what it did.
func pinSelf(p plan, log *slog.Logger) string {
	if !p.child {
		return "none: servers run in the load generator's process (smoke mode)"
	}
	if !p.pin {
		return "none (-pin=false): server child process with GOMAXPROCS=1, unpinned"
	}
	if runtime.NumCPU() < 2 {
		return "none: fewer than 2 CPUs; server child process with GOMAXPROCS=1, unpinned"
	}
	out, err := exec.Command("taskset", "-a", "-p", "-c", "1", strconv.Itoa(os.Getpid())).CombinedOutput()
	if err != nil {
		log.Warn("taskset failed; running unpinned", "error", err, "output", string(out))
		return "server child process with GOMAXPROCS=1; taskset failed, so neither side is pinned"
	}
	runtime.GOMAXPROCS(1)
	return "server: child process, `taskset -c 0`, GOMAXPROCS=1; load generator (and JWKS issuer): `taskset -a -p -c 1`, GOMAXPROCS=1"
}

// saveProfile saves a CPU profile of the server over d.
func saveProfile(ctx context.Context, base string, d time.Duration, path string) error {
	secs := max(1, int(d.Seconds()))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", base, secs), nil)
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	res, err := (&http.Client{Timeout: d + 30*time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	defer res.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	_, err = io.Copy(f, res.Body)
	return errors.Join(err, f.Close())
}

// startProfile starts a CPU profile of the server at base (handler's
// profileStart); stopProfile ends it and saves it to path.
func startProfile(ctx context.Context, client *http.Client, base string) error {
	_, err := postDebug(ctx, client, base+profileStart)
	return err
}

func stopProfile(ctx context.Context, client *http.Client, base, path string) error {
	b, err := postDebug(ctx, client, base+profileStop)
	if err != nil {
		return err
	}
	if len(b) == 0 {
		return fmt.Errorf("profile: %s: empty profile", base)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	return nil
}

// postDebug POSTs to one of handler's debug routes and reads the answer.
func postDebug(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, nil)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("profile: %s: %w", url, err)
	}
	if res.StatusCode/100 != 2 {
		return nil, fmt.Errorf("profile: %s: %s: %s", url, res.Status, b)
	}
	return b, nil
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := string(b)
	if len(f) > 14 {
		f = f[:14]
	}
	return f
}

// cpuTimes reads the machine's stolen and total CPU time, in clock ticks,
// from the first line of /proc/stat (proc(5)); zeros when it cannot.
func cpuTimes() (steal, total uint64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0
	}
	for i, v := range f[1:] {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return 0, 0
		}
		if i < 8 { // user nice system idle iowait irq softirq steal; guest time is counted in user already
			total += n
		}
		if i == 7 {
			steal = n
		}
	}
	return steal, total
}

func slug(w workload) string {
	switch w {
	case hot:
		return "hot"
	case distinct:
		return "distinct"
	}
	return "fresh"
}

// fetchProblem says what is wrong with n JWKS fetches by one server of
// variant v during a measurement, or "" when nothing is. auth0gin's variants
// must fetch exactly once: that is the single-flight promise this library
// makes. The hand-wired baseline is held to "at least once": how many fetches
// concurrent first requests cause there is a property of go-jwt-middleware's
// cache, not ours, and it varies from run to run.
func fetchProblem(v variant, n int64) string {
	switch v {
	case bareGin:
		if n != 0 {
			return fmt.Sprintf("%d JWKS fetches, want 0", n)
		}
	case byHand:
		if n < 1 {
			return fmt.Sprintf("%d JWKS fetches, want at least 1", n)
		}
	default:
		if n != 1 {
			return fmt.Sprintf("%d JWKS fetches, want 1", n)
		}
	}
	return ""
}

// profilePath is a round's profile (see round): variant vi's profile is
// saved in dir under name(vi), made a file name; nil without a dir, when
// nothing is profiled.
func profilePath(dir string, name func(vi int) string) func(vi int) string {
	if dir == "" {
		return nil
	}
	return func(vi int) string { return filepath.Join(dir, fileName.Replace(name(vi))+".pprof") }
}

// fileName turns a variant's name ("gorilla/sessions, CookieStore") into
// part of a file name.
var fileName = strings.NewReplacer(" ", "-", "/", "-", ",", "", "(", "", ")", "")

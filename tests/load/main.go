// Command load measures auth0gin against bare Gin and against
// go-jwt-middleware/v2 wired by hand, and checks that it stays correct while
// the tenant rotates keys or fails. Everything runs on 127.0.0.1.
//
// The full run writes the performance guide:
//
//	go run ./tests/load -full -out docs/performance.md
//
// It serves each variant from a child process pinned to CPU 0 with
// GOMAXPROCS=1 and generates load from CPU 1, so one core serves and one
// core loads. A round of the token workloads runs a server per variant at
// once and measures them in short interleaved slices (measureRound), so that
// a ratio's two sides see the same machine; so does a round of the session
// section's hot variants (hotRound). Without -full it makes a quick, small
// run and prints the report. The same scenarios, small, are what
// `go test ./tests/load/` checks (correctness only: never timing).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

func main() {
	if os.Getenv(envChild) != "" {
		os.Exit(childMain())
	}
	gin.SetMode(gin.ReleaseMode)
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := cli(log); err != nil {
		log.Error("load", "error", err)
		os.Exit(1)
	}
}

func cli(log *slog.Logger) error {
	full := flag.Bool("full", false, "the full measured run (5 rounds, each interleaving the variants in 0.5 s slices; at most 25 minutes)")
	out := flag.String("out", "", "write the Markdown report here (default: standard output)")
	pin := flag.Bool("pin", true, "pin the server to CPU 0 and the load generator to CPU 1 with taskset")
	prof := flag.String("profile", "", "save a server CPU profile of every measurement in this directory (one per variant and round, over its slices: the token workloads and the hot sessions)")
	sessionsOnly := flag.Bool("sessions", false, "only the session measurements (package session), as a Markdown section")
	refreshOnly := flag.Bool("refresh", false, "measure only the password-login refresh endpoint and print its section")
	dpopOnly := flag.Bool("dpop", false, "measure only DPoP (tests/load/dpop.go) and print its section")
	only := flag.String("workloads", "", "with -core: only these workloads (comma-separated slugs: hot, distinct, fresh)")
	coreOnly := flag.Bool("core", false, "measure only the core tables (the three token workloads), without the in-process pairs, and print them")
	flag.Parse()

	p := quickPlan()
	if *full {
		p = fullPlan()
	}
	p.profileDir = *prof
	if p.pin = *pin; p.pin {
		if _, err := exec.LookPath("taskset"); err != nil {
			log.Warn("taskset not found (util-linux); running unpinned")
			p.pin = false
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// The full run, with the refresh and session sections, takes about 20
	// minutes on the project's machine; the bound only stops a hung run.
	ctx, cancel := context.WithTimeout(ctx, 45*time.Minute)
	defer cancel()

	if *dpopOnly {
		md, err := dpopReport(ctx, p, log)
		if err == nil {
			_, err = os.Stdout.WriteString(md)
		}
		return err
	}
	if *coreOnly {
		p.bench, p.flood = false, 0
		if *only != "" {
			workloads = slices.DeleteFunc(workloads, func(w workload) bool { return !strings.Contains(","+*only+",", ","+slug(w)+",") })
		}
		rep, err := measure(ctx, p, log)
		if err != nil {
			return err
		}
		_, err = os.Stdout.WriteString(render(rep, nil))
		return err
	}
	if *refreshOnly {
		md, err := refreshReport(ctx, *full, log)
		if err != nil {
			return err
		}
		_, err = os.Stdout.WriteString(md)
		return err
	}
	sp, err := newSessionPlan(p)
	if err != nil {
		return err
	}
	defer os.RemoveAll(sp.dir)
	var md string
	problems := 0
	if *sessionsOnly {
		srep, err := measureSessions(ctx, sp, log)
		if err != nil {
			return err
		}
		md, problems = renderSessions(srep), len(srep.problems)
	} else {
		rep, err := measure(ctx, p, log)
		if err != nil {
			return err
		}
		faults, err := runFaults(ctx, p, log)
		if err != nil {
			return err
		}
		lr, err := refreshReport(ctx, *full, log)
		if err != nil {
			return err
		}
		srep, err := measureSessions(ctx, sp, log)
		if err != nil {
			return err
		}
		extra, xproblems, err := runSections(ctx, p, log)
		if err != nil {
			return err
		}
		md = render(rep, faults) + lr + renderSessions(srep) + extra + renderAcceptance(rep, faults, srep)
		problems = len(rep.problems) + len(srep.problems) + xproblems
	}
	if *out == "" {
		_, err = os.Stdout.WriteString(md)
		return err
	}
	if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	log.Info("report written", "path", *out, "problems", problems)
	return nil
}

// fullPlan is the documented run: 5 rounds of every cell, each measuring
// every variant for 3 s in 6 interleaved slices of 0.5 s; at most 25 minutes
// on two cores with the faults, refresh and session sections (slicing adds
// only a few milliseconds per slice).
func fullPlan() plan {
	return plan{
		concurrency: 32, rounds: 5, duration: 3 * time.Second, slices: 6, hotWarm: 500 * time.Millisecond,
		distinct: 10_000, fresh: 40_000, flood: 100_000,
		child: true, bench: true,
	}
}

// quickPlan is a run of a few seconds, to try the harness.
func quickPlan() plan {
	return plan{
		concurrency: 16, rounds: 1, duration: 500 * time.Millisecond, slices: 2, hotWarm: 100 * time.Millisecond,
		distinct: 200, fresh: 200, flood: 400,
		child: true,
	}
}

// faultPlan says how big the fault scenarios are.
type faultPlan struct {
	concurrency int
	phase       time.Duration // length of each phase of rotation and outage
	flood       time.Duration // length of the random-kid flood
	stormN      int           // requests (and Verify calls) carrying the new kid
	stormConns  int           // connections at once for the in-process storm
	childConns  int           // connections at once for the child-process storm; 0: none
	holeTimeout time.Duration // the HTTP client timeout against the black-hole tenant
	holeP99     time.Duration // the p99 target there; 0: not checked
}

func runFaults(ctx context.Context, p plan, log *slog.Logger) ([]faultResult, error) {
	fp := faultPlan{concurrency: 16, phase: 300 * time.Millisecond, flood: time.Second, stormN: 2000, stormConns: 500, holeTimeout: 2 * time.Second, holeP99: blackHoleP99}
	if p.rounds > 1 { // the full run
		fp = faultPlan{concurrency: 32, phase: 500 * time.Millisecond, flood: 2 * time.Second, stormN: 10_000, stormConns: 1000, childConns: 10_000,
			holeTimeout: 10 * time.Second, holeP99: blackHoleP99} // the default client timeout
	}
	return faultScenarios(ctx, fp, p.pin, log)
}

// faultScenarios runs every fault scenario once and returns what each saw.
func faultScenarios(ctx context.Context, fp faultPlan, pin bool, log *slog.Logger) ([]faultResult, error) {
	k, err := newFaultKit(fp.concurrency)
	if err != nil {
		return nil, err
	}
	defer k.client.CloseIdleConnections()
	var out []faultResult
	add := func(r faultResult, err error) error {
		if err != nil {
			return fmt.Errorf("%s (%s): %w", r.name, r.variant, err)
		}
		log.Info("fault scenario", "name", r.name, "variant", string(r.variant), "requests", r.requests,
			"known_non2xx", r.knownNon2xx, "unknown_not401", r.unknownNot401, "5xx", r.fiveXX, "fetches", r.fetches)
		out = append(out, r)
		return nil
	}
	for _, v := range []variant{cached, nocache, byHand} {
		if err := add(k.rotation(ctx, v, fp.phase)); err != nil {
			return nil, err
		}
	}
	for _, v := range []variant{cached, nocache} {
		if err := add(k.outage(ctx, v, fp.phase)); err != nil {
			return nil, err
		}
		if err := add(k.randomKidFlood(ctx, v, fp.flood)); err != nil {
			return nil, err
		}
	}
	if err := add(k.blackHoleTenant(ctx, cached, fp.holeTimeout, 2*fp.flood, fp.holeP99)); err != nil {
		return nil, err
	}
	for _, v := range []variant{cached, nocache} {
		if err := add(k.otherIssuerDown(ctx, v, fp.flood)); err != nil {
			return nil, err
		}
	}
	if err := add(k.inProcessStorm(ctx, fp.stormN, fp.stormConns)); err != nil {
		return nil, err
	}
	if fp.childConns > 0 {
		if err := add(k.childStorm(ctx, fp.stormN, fp.childConns, pin)); err != nil {
			return nil, err
		}
	}
	if err := add(k.verifyStorm(ctx, fp.stormN)); err != nil {
		return nil, err
	}
	return out, nil
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// benchCommand is the paired in-process benchmarks the report quotes: each
// variant against its reference in one process, in interleaved rounds (see
// internal/benchpair): the core's tokens (hot, distinct, new) against bare
// Gin and go-jwt-middleware by hand, sessions against bare Gin (beside scs
// and gorilla/sessions in tests/load's Paired/sessions), the resolved user
// and the refresh endpoint. Each reports, per arm, its median ns/op and
// allocations, and the ratio reference ns / arm ns with its spread over the
// rounds.
var benchCommand = []string{"go", "test", "-run", "^$", "-bench", "Paired", "-benchtime", "20x", "-count", "1",
	"./auth0gin/", "./auth0gin/session/", "./tests/load/"}

// benchArm is one arm of a paired benchmark.
type benchArm struct {
	name                      string
	ns, allocs                float64
	ratio, ratioMin, ratioMax float64
	reference                 bool // the arm the others are divided into
}

// benchResult is every paired benchmark's arms, keyed by
// "<package>: <benchmark>" ("auth0gin: Paired/hot"), in output order.
type benchResult struct {
	arms  map[string][]benchArm
	order []string
}

// runBench runs benchCommand once from the module root and parses it.
func runBench(ctx context.Context) (*benchResult, error) {
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOMOD: %w", err)
	}
	cmd := exec.CommandContext(ctx, benchCommand[0], benchCommand[1:]...)
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%s: %w\n%s", strings.Join(benchCommand, " "), err, out)
	}
	return parseBench(out)
}

// parseBench reads `pkg: …` lines and `BenchmarkPaired…-<procs> <n> <ns> ns/op
// <v> <unit> …` lines, whose units are ns/op-<arm>, allocs-<arm>,
// ratio-<arm>, ratio-min-<arm> and ratio-max-<arm>. An arm with no ratio is
// the reference.
func parseBench(out []byte) (*benchResult, error) {
	b := &benchResult{arms: map[string][]benchArm{}}
	pkg := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if p, ok := strings.CutPrefix(sc.Text(), "pkg: "); ok {
			pkg = strings.TrimPrefix(strings.TrimSpace(p), "github.com/auth0gin/auth0gin/")
			continue
		}
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkPaired") {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		key := pkg + ": " + name
		byName := map[string]*benchArm{}
		var names []string
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("benchmark line %q: %w", sc.Text(), err)
			}
			unit := f[i+1]
			var field func(*benchArm) *float64
			var arm string
			for _, u := range []struct {
				prefix string
				field  func(*benchArm) *float64
			}{
				{"ns/op-", func(a *benchArm) *float64 { return &a.ns }},
				{"allocs-", func(a *benchArm) *float64 { return &a.allocs }},
				{"ratio-min-", func(a *benchArm) *float64 { return &a.ratioMin }},
				{"ratio-max-", func(a *benchArm) *float64 { return &a.ratioMax }},
				{"ratio-", func(a *benchArm) *float64 { return &a.ratio }},
			} {
				if rest, ok := strings.CutPrefix(unit, u.prefix); ok {
					field, arm = u.field, rest
					break
				}
			}
			if field == nil {
				continue
			}
			a := byName[arm]
			if a == nil {
				a = &benchArm{name: arm}
				byName[arm] = a
				names = append(names, arm)
			}
			*field(a) = v
		}
		if len(names) == 0 {
			continue
		}
		var arms []benchArm
		for _, n := range names {
			a := *byName[n]
			a.reference = a.ratio == 0
			if a.reference {
				arms = append([]benchArm{a}, arms...)
			} else {
				arms = append(arms, a)
			}
		}
		if _, seen := b.arms[key]; !seen {
			b.order = append(b.order, key)
		}
		b.arms[key] = arms
	}
	if len(b.order) == 0 {
		return nil, fmt.Errorf("no BenchmarkPaired results in:\n%s", out)
	}
	return b, nil
}

// over returns how many ns per call the arm named arm of the paired
// benchmark key costs over that benchmark's reference; ok is false when b,
// the benchmark or the arm is missing.
func (b *benchResult) over(key, arm string) (ns float64, ok bool) {
	if b == nil || len(b.arms[key]) == 0 || !b.arms[key][0].reference {
		return 0, false
	}
	arms := b.arms[key]
	for _, a := range arms[1:] {
		if a.name == arm {
			return a.ns - arms[0].ns, true
		}
	}
	return 0, false
}

// hotFloor returns, from the core's Paired/hot, the ns per request that the
// floor arm (internal/baseline.Floor) and auth0gin cost over bare Gin; ok is
// false when either is missing.
func (b *benchResult) hotFloor() (floor, guard float64, ok bool) {
	floor, okFloor := b.over(coreHot, "floor")
	guard, okGuard := b.over(coreHot, "auth0gin")
	return floor, guard, okFloor && okGuard
}

// coreHot is the key of the core's paired hot-token benchmark.
const coreHot = "auth0gin: Paired/hot"

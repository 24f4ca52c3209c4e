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

// benchCommand is the core's in-process benchmarks the report quotes:
// BenchmarkRoute (one hot token) and BenchmarkRouteNewToken (every request a
// token the server never saw). runBench runs it benchTurns times: -count
// would repeat each sub-benchmark back to back, leaving minutes between the
// runs a ratio compares, while one turn measures every sub-benchmark in a row.
var benchCommand = []string{"go", "test", "-run", "^$", "-bench", "^BenchmarkRoute", "-count", "1", "./auth0gin/"}

const benchTurns = 5

// benchResult is the ns/op of each sub-benchmark, one per turn, keyed by
// "<benchmark>/<sub-benchmark>" without the "Benchmark" prefix, as in
// "Route/bare-gin" or "RouteNewToken/auth0gin-cached".
type benchResult struct {
	nsPerOp map[string][]float64
	order   []string
}

// median ns/op of a sub-benchmark; 0 when absent.
func (b *benchResult) median(name string) float64 { return median(b.nsPerOp[name]) }

// runBench runs benchCommand benchTurns times from the module root and parses
// the output of all turns.
func runBench(ctx context.Context) (*benchResult, error) {
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOMOD: %w", err)
	}
	var all []byte
	for range benchTurns {
		cmd := exec.CommandContext(ctx, benchCommand[0], benchCommand[1:]...)
		cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
		out, err := cmd.CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("%s: %w\n%s", strings.Join(benchCommand, " "), err, out)
		}
		all = append(all, out...)
	}
	return parseBench(all)
}

// parseBench reads `BenchmarkRoute…/<name>-<procs>  <n>  <ns> ns/op ...` lines.
func parseBench(out []byte) (*benchResult, error) {
	b := &benchResult{nsPerOp: map[string][]float64{}}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkRoute") || !strings.Contains(f[0], "/") || f[3] != "ns/op" {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		ns, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			return nil, fmt.Errorf("benchmark line %q: %w", sc.Text(), err)
		}
		if _, seen := b.nsPerOp[name]; !seen {
			b.order = append(b.order, name)
		}
		b.nsPerOp[name] = append(b.nsPerOp[name], ns)
	}
	if len(b.order) == 0 {
		return nil, fmt.Errorf("no BenchmarkRoute results in:\n%s", out)
	}
	return b, nil
}

// Package benchpair runs paired, interleaved in-process benchmarks: each
// variant against its reference in the same process, in alternating rounds,
// so that a machine shared with other work slows both arms of a round alike.
// It reports, per variant, the median ns per call and the ratio of the
// reference's time to the variant's (the variant's throughput as a fraction
// of the reference's, as the load harness reports it) with its median,
// minimum and maximum over the rounds, benchstat-style.
//
// Run a benchmark built on it with one b.N per round:
//
//	go test -run '^$' -bench Paired -benchtime 20x ./auth0gin/
//
// and a smoke run (CI: correctness of every arm, no timing) with -benchtime 1x.
package benchpair

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// Arm is one way of serving a request. Call serves the i-th request of a
// round (i counts from 0 in every round) and reports a failure with b.Fatal.
type Arm struct {
	Name string
	Call func(b *testing.B, i int)
}

// Batch is the calls each arm makes per round: enough to dwarf the timer,
// few enough that a round of every arm stays under a tenth of a second for
// the cheap arms.
const Batch = 2000

// Run benchmarks ref and arms, one round per b.Loop iteration: each round
// times Batch calls of every arm, starting with a different arm each round.
// It reports ns/op-<name> for every arm (the median over rounds),
// allocs-<name> (per call, from one extra batch) and, for each variant,
// ratio-<name> with its spread as ratio-min-<name> and ratio-max-<name>:
// the reference's ns over the variant's, per round.
func Run(b *testing.B, batch int, ref Arm, arms ...Arm) {
	if batch <= 0 {
		batch = Batch
	}
	all := append([]Arm{ref}, arms...)
	for _, a := range all { // warm every arm (caches, keys, pools) before timing
		for i := range min(batch, 64) {
			a.Call(b, i)
		}
	}
	ns := make([][]float64, len(all))
	round := 0
	b.ReportAllocs()
	for b.Loop() {
		for k := range all {
			j := (round + k) % len(all)
			start := time.Now()
			for i := range batch {
				all[j].Call(b, i)
			}
			ns[j] = append(ns[j], float64(time.Since(start).Nanoseconds())/float64(batch))
		}
		round++
	}
	b.StopTimer()
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d rounds of %d calls per arm; ratio = %s ns / arm ns per round\n", round, batch, ref.Name)
	for j, a := range all {
		name := metricName(a.Name)
		med := Median(ns[j])
		allocs := testing.AllocsPerRun(min(batch, 200), func() { a.Call(b, 0) })
		b.ReportMetric(med, "ns/op-"+name)
		b.ReportMetric(allocs, "allocs-"+name)
		if j == 0 {
			fmt.Fprintf(&sb, "  %-28s %9.0f ns/op %5.1f allocs\n", a.Name, med, allocs)
			continue
		}
		r := make([]float64, len(ns[j]))
		for i := range r {
			r[i] = ns[0][i] / ns[j][i]
		}
		b.ReportMetric(Median(r), "ratio-"+name)
		b.ReportMetric(slices.Min(r), "ratio-min-"+name)
		b.ReportMetric(slices.Max(r), "ratio-max-"+name)
		fmt.Fprintf(&sb, "  %-28s %9.0f ns/op %5.1f allocs  %+7.0f ns  ratio %.3f [%.3f, %.3f]\n",
			a.Name, med, allocs, med-Median(ns[0]), Median(r), slices.Min(r), slices.Max(r))
	}
	b.Log(sb.String())
}

// Median of xs; 0 when empty.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// metricName makes name a unit testing accepts: no spaces.
func metricName(name string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' {
			return '_'
		}
		return r
	}, name)
}

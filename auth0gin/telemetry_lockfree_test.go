package auth0gin

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/internal/telemetry"
)

// A refused request's attribute set is read without a lock: under a flood
// of refusals on every core, the guards never contend on the telemetry
// (the mutex profile holds no contention in coreTel).
func TestTelemetryRefusalsTakeNoLock(t *testing.T) {
	a := &Auth0{cfg: Config{Issuers: []string{"https://a/", "https://b/"}}}
	tel := newCoreTel(a)
	// Every combination has its set, the right one.
	for o := range telemetry.Outcomes {
		for r := range telemetry.Reasons {
			for i := range len(tel.issuers) + 2 {
				for s := range sourceNames {
					k := checkKey{uint8(o), uint8(r), uint8(i), uint8(s)}
					got, want := tel.lookup(k), tel.opts(k)
					if got == nil || tel.lookup(k) != got || len(got.Add) != 1 || got.Add[0] == nil || len(want.Add) != 1 {
						t.Fatalf("%v: %v", k, got)
					}
				}
			}
		}
	}
	defer runtime.SetMutexProfileFraction(runtime.SetMutexProfileFraction(1))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Authorization", "Bearer x")
	refusal := unauthorized(errMalformedToken, "malformed", nil)
	var wg sync.WaitGroup
	for range 4 * runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for range 20_000 {
				tel.decided(req, nil, refusal, 0)
			}
		})
	}
	wg.Wait()
	var b strings.Builder
	if err := pprof.Lookup("mutex").WriteTo(&b, 1); err != nil {
		t.Fatal(err)
	}
	if p := b.String(); strings.Contains(p, "(*coreTel).lookup") || strings.Contains(p, "(*coreTel).decided") {
		t.Errorf("refusals contended on a lock in the telemetry:\n%s", b.String())
	}
}

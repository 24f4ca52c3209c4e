package main

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestDPoPSection runs the DPoP section small, in-process, and checks
// correctness only: every request of every variant answered 2xx, and a row
// per variant. It never asserts on throughput.
func TestDPoPSection(t *testing.T) {
	md, err := dpopReport(t.Context(), plan{concurrency: 4, rounds: 2, duration: 100 * time.Millisecond}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(md, "problem:") {
		t.Errorf("problems:\n%s", md)
	}
	for _, v := range []variant{dpopBearer, dpopBound, dpopByHand} {
		if !strings.Contains(md, "| "+string(v)+" |") {
			t.Errorf("no row for %s:\n%s", v, md)
		}
	}
	t.Log(md)
}

// The by-hand check and auth0gin's refuse what a DPoP check must: a proof
// used twice, the token as Bearer, a proof for another token; so the
// section compares checks that do the same work.
func TestDPoPVariantsRefuse(t *testing.T) {
	rig := newDPoPRig(t)
	for _, v := range []variant{dpopBound, dpopByHand} {
		srv := rig.serve(t, v)
		url := srv.url + route
		p := rig.proof(t, url, rig.bound)
		for _, c := range []struct {
			what, authz, proof string
			want               int
		}{
			{"a proof", "DPoP " + rig.bound, p, 200},
			{"the same proof again", "DPoP " + rig.bound, p, 401},
			{"the token as Bearer", "Bearer " + rig.bound, "", 401},
			{"a proof for another token", "DPoP " + rig.bound, rig.proof(t, url, rig.bearer), 401},
			{"a proof for another URL", "DPoP " + rig.bound, rig.proof(t, url+"x", rig.bound), 401},
		} {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("Authorization", c.authz)
			if c.proof != "" {
				req.Header.Set("DPoP", c.proof)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != c.want {
				t.Errorf("%s: %s: %d, want %d", v, c.what, res.StatusCode, c.want)
			}
		}
	}
}

func newDPoPRig(t *testing.T) *dpopRig {
	t.Helper()
	rig, err := newRig()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rig.is.close)
	return rig
}

func (r *dpopRig) serve(t *testing.T, v variant) *server {
	t.Helper()
	h, err := dpopHandler(v, r.is.url())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := serveOn(h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.stop() })
	return srv
}

func (r *dpopRig) proof(t *testing.T, url, token string) string {
	t.Helper()
	p, err := mintProofs(t.Context(), r.key, url, token, 1)
	if err != nil {
		t.Fatal(err)
	}
	return p[0]
}

package auth0gin_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/internal/testutil"
)

// A key over its share of the in-memory replay cache has its proofs
// refused (401 invalid_dpop_proof): its client is the one flooding the
// cache. Another client's key keeps working; one warning is logged.
func TestDPoPReplayShareRefusesOnlyTheFloodingKey(t *testing.T) {
	logs := &testutil.SyncBuffer{}
	e := newDPoPEnv(t, func(c *auth0gin.Config) {
		c.DPoPReplay = auth0gin.NewTestReplay(32) // a share of 2 proofs per key, once 16 are held
		c.Logger = slog.New(slog.NewTextHandler(logs, nil))
	})
	for i := range 16 { // below half full, the share does not apply
		if a := e.get(t, dpopPath, proof(t, e.key, "GET", dpopURL, e.bound, nil)); !a.ok() {
			t.Fatalf("proof %d within the key's share: %d %v", i+1, a.code, a.body)
		}
	}
	for range 3 {
		if a := e.get(t, dpopPath, proof(t, e.key, "GET", dpopURL, e.bound, nil)); !a.refusedWith("invalid_dpop_proof") {
			t.Errorf("a proof over the key's share: %d %v, want 401 invalid_dpop_proof", a.code, a.body)
		}
	}
	other := newKey(t)
	tok := e.ti.token(t, map[string]any{"cnf": map[string]any{"jkt": thumb(t, other)}})
	if a := send(t, e.h, "GET", dpopPath, "Authorization", "DPoP "+tok, "DPoP", proof(t, other, "GET", dpopURL, tok, nil)); !a.ok() {
		t.Errorf("another key's proof while one key is over its share: %d %v", a.code, a.body)
	}
	if n := strings.Count(logs.String(), "refusing its proofs"); n != 1 {
		t.Errorf("%d warnings for 3 refused proofs, want 1:\n%s", n, logs.String())
	}
}

// The replay cache's warning is logged once per interval, not once per
// refused request: a store outage under load does not flood the logs.
func TestDPoPReplayOutageWarnsOnce(t *testing.T) {
	logs := &testutil.SyncBuffer{}
	st := &failingReplay{down: true}
	e := newDPoPEnv(t, func(c *auth0gin.Config) {
		c.DPoPReplay = st
		c.Logger = slog.New(slog.NewTextHandler(logs, nil))
	})
	for range 5 {
		if a := e.get(t, dpopPath, proof(t, e.key, "GET", dpopURL, e.bound, nil)); a.code != 503 {
			t.Errorf("store down: %d %v, want 503", a.code, a.body)
		}
	}
	if n := strings.Count(logs.String(), "replay cache cannot answer"); n != 1 {
		t.Errorf("%d warnings for 5 refused requests, want 1:\n%s", n, logs.String())
	}
}

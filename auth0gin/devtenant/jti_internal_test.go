package devtenant

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/internal/dpop"
)

var jtiEpoch = time.Unix(1_765_000_000, 0)

// A full jti set refuses new proofs and never drops a live jti to make
// room: proofs of other keys, posted before any client authenticates, must
// not let a victim's proof be replayed. Once the entries expire, room is
// made again. (The review's attack, with a small bound: fill the set, then
// keep sending proofs and replay the victim's.)
func TestJTISetNeverEvictsALiveJTI(t *testing.T) {
	s := newJTISet(100)
	now := jtiEpoch
	exp := now.Add(dpopWindow)
	if r, _ := s.add("victim-key", "victim", exp, now); r != jtiNew {
		t.Fatalf("first use: %v", r)
	}
	for i := range 10_000 {
		s.add(fmt.Sprint("key-", i%50), fmt.Sprint("attacker-", i), exp, now)
		if r, _ := s.add("victim-key", "victim", exp, now); r != jtiReplay {
			t.Fatalf("after %d more proofs the victim's live jti is %v, not a replay", i+1, r)
		}
	}
	r, retry := s.add("key-new", "another", exp, now)
	if r != jtiFull || retry <= 0 || retry > dpopWindow+time.Second {
		t.Errorf("a new proof into a full set: %v, retry after %v; want jtiFull and a retry within the window", r, retry)
	}
	if n := s.len(); n != 100 {
		t.Errorf("%d entries, want 100", n)
	}
	now = exp.Add(time.Second)
	if r, _ := s.add("key-new", "another", now.Add(dpopWindow), now); r != jtiNew {
		t.Errorf("after the entries expired: %v, want jtiNew", r)
	}
	if n := s.len(); n != 1 {
		t.Errorf("after expiry %d entries, want 1", n)
	}
}

// jtis are per key: one key's proof cannot use up, or collide with,
// another key's jti.
func TestJTISetKeyedByThumbprintAndJTI(t *testing.T) {
	s := newJTISet(100)
	exp := jtiEpoch.Add(dpopWindow)
	for _, jkt := range []string{"key-a", "key-b"} {
		if r, _ := s.add(jkt, "same-jti", exp, jtiEpoch); r != jtiNew {
			t.Errorf("%s: %v, want jtiNew", jkt, r)
		}
		if r, _ := s.add(jkt, "same-jti", exp, jtiEpoch); r != jtiReplay {
			t.Errorf("%s again: %v, want jtiReplay", jkt, r)
		}
	}
}

// One key holds at most its share of the set, so one self-made key cannot
// fill it for everyone else.
func TestJTISetPerKeyShare(t *testing.T) {
	s := newJTISet(100)
	exp := jtiEpoch.Add(dpopWindow)
	for i := range s.perKey {
		if r, _ := s.add("greedy", strconv.Itoa(i), exp, jtiEpoch); r != jtiNew {
			t.Fatalf("proof %d within the share: %v", i, r)
		}
	}
	if r, retry := s.add("greedy", "one-more", exp, jtiEpoch); r != jtiKeyFull || retry <= 0 {
		t.Errorf("beyond the key's share: %v, retry after %v; want jtiKeyFull", r, retry)
	}
	if r, _ := s.add("other", "x", exp, jtiEpoch); r != jtiNew {
		t.Errorf("another key: %v, want jtiNew", r)
	}
}

// Entries go by the second they expire: each is dropped once its proof's
// window has passed, not before, whatever order they came in, and a clock
// jump far ahead drops them all.
func TestJTISetExpiresByTime(t *testing.T) {
	s := newJTISet(100)
	for i := range 10 {
		s.add("k", strconv.Itoa(i), jtiEpoch.Add(time.Duration(10-i)*time.Second+time.Second/2), jtiEpoch)
	}
	for sec := 1; sec <= 12; sec++ {
		s.add("probe-"+strconv.Itoa(sec), "p", jtiEpoch.Add(time.Hour), jtiEpoch.Add(time.Duration(sec)*time.Second))
		if n, want := s.len()-sec, max(0, 10-(sec-1)); n != want {
			t.Errorf("at +%ds: %d of the 10 entries left, want %d", sec, n, want)
		}
	}
	s.add("probe", "late", jtiEpoch.Add(48*time.Hour), jtiEpoch.Add(24*time.Hour))
	if n := s.len(); n != 1 {
		t.Errorf("a day later: %d entries, want 1", n)
	}
}

// At the token endpoint, a full set is 503 temporarily_unavailable with a
// Retry-After, not a silently evicted jti; and a proof's jti is still
// refused as replayed.
func TestTokenProofWhenTheJTISetIsFull(t *testing.T) {
	cfg := Default()
	cfg.Issuer = "http://127.0.0.1:4000/"
	cfg.Logger = slog.New(slog.DiscardHandler)
	tn, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tn.jtis = newJTISet(20)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	post := func(jti string) (*tokenError, http.Header) {
		p, err := dpop.Sign(key, dpop.Claims{JTI: jti, HTM: "POST", HTU: tn.tokenURL, IAT: tn.now().Unix()})
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("POST", tn.tokenURL, nil)
		r.Header.Set("DPoP", p)
		w := httptest.NewRecorder()
		_, terr := tn.tokenProof(w, r)
		return terr, w.Header()
	}
	if terr, _ := post("first"); terr != nil {
		t.Fatalf("first proof: %+v", terr)
	}
	if terr, _ := post("first"); terr == nil || terr.code != "invalid_dpop_proof" {
		t.Errorf("replayed proof: %+v", terr)
	}
	for i := range 19 {
		tn.jtis.add(fmt.Sprint("other-", i), "x", tn.now().Add(dpopWindow), tn.now())
	}
	terr, h := post("second")
	if terr == nil || terr.status != http.StatusServiceUnavailable || terr.code != "temporarily_unavailable" || h.Get("Retry-After") == "" {
		t.Errorf("a proof into a full set: %+v, Retry-After %q; want 503 temporarily_unavailable with Retry-After", terr, h.Get("Retry-After"))
	}
}

// /userinfo shares the set: with no room for a bound token's proof it
// answers 503 temporarily_unavailable with a Retry-After, and a replayed
// proof is still 401.
func TestUserinfoProofWhenTheJTISetIsFull(t *testing.T) {
	cfg := Default()
	cfg.Issuer = "http://127.0.0.1:4000/"
	cfg.Logger = slog.New(slog.DiscardHandler)
	tn, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tn.jtis = newJTISet(20)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	jkt, _ := dpop.Thumbprint(key)
	at, err := tn.IssueToken(t.Context(), TokenRequest{User: Alice.ID, OpenID: true, JKT: jkt})
	if err != nil {
		t.Fatal(err)
	}
	get := func(jti string) *httptest.ResponseRecorder {
		p, err := dpop.Sign(key, dpop.Claims{JTI: jti, HTM: "GET", HTU: tn.userinfoURL, IAT: tn.now().Unix(), ATH: dpop.ATH(at)})
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("GET", tn.userinfoURL, nil)
		r.Header.Set("Authorization", "DPoP "+at)
		r.Header.Set("DPoP", p)
		w := httptest.NewRecorder()
		tn.ServeHTTP(w, r)
		return w
	}
	if w := get("first"); w.Code != http.StatusOK {
		t.Fatalf("first proof: %d %s", w.Code, w.Body)
	}
	if w := get("first"); w.Code != http.StatusUnauthorized {
		t.Errorf("replayed proof: %d", w.Code)
	}
	for i := range 19 {
		tn.jtis.add(fmt.Sprint("other-", i), "x", tn.now().Add(dpopWindow), tn.now())
	}
	if w := get("second"); w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Errorf("a proof into a full set: %d, Retry-After %q: %s", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
}

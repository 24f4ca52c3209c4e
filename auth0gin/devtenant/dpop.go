package devtenant

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/auth0gin/auth0gin/internal/dpop"
)

// dpopWindow is how far a proof's iat may be from the tenant's clock, either
// way, and how long its jti is remembered.
const dpopWindow = 5 * time.Minute

// dpopNonceSlot is how long a DPoP-Nonce the tenant hands out stays the
// current one; the slots on either side are accepted too.
const dpopNonceSlot = 5 * time.Minute

// tokenProof checks the DPoP proof of a /oauth/token request (RFC 9449
// §4.3, §5): none is fine (a Bearer token), two are refused, and a valid
// one gives the thumbprint of its key, to which the tokens are bound. With
// Config.DPoPNonce, every answer carries a fresh DPoP-Nonce and a proof
// without the current one is answered use_dpop_nonce.
func (t *Tenant) tokenProof(w http.ResponseWriter, r *http.Request) (jkt string, terr *tokenError) {
	proofs := r.Header.Values("DPoP")
	if len(proofs) == 0 {
		return "", nil
	}
	if t.cfg.DPoPNonce {
		w.Header().Set("DPoP-Nonce", t.nonces.Current(t.now()))
	}
	if len(proofs) > 1 {
		return "", errInvalidProof("Only one DPoP proof may be sent.")
	}
	p := dpop.Params{Method: http.MethodPost, URL: t.tokenURL, Now: t.now(), Window: dpopWindow}
	if t.cfg.DPoPNonce {
		p.Nonce = func(n string) bool { return t.nonces.Valid(n, t.now()) }
	}
	proof, err := dpop.Check(proofs[0], p)
	switch {
	case errors.Is(err, dpop.ErrUseNonce):
		return "", &tokenError{http.StatusBadRequest, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof"}
	case err != nil:
		t.log.Info("devtenant: DPoP proof refused", "err", err)
		return "", errInvalidProof("Invalid DPoP proof: " + strings.TrimPrefix(err.Error(), dpop.ErrInvalidProof.Error()+": "))
	}
	switch r, retry := t.jtis.add(proof.Thumbprint, proof.JTI, proof.Expires, t.now()); r {
	case jtiReplay:
		return "", errInvalidProof("DPoP proof jti was already used.")
	case jtiFull, jtiKeyFull:
		return "", t.jtiBusy(w, r, retry)
	}
	return proof.Thumbprint, nil
}

func errInvalidProof(desc string) *tokenError {
	return &tokenError{http.StatusBadRequest, "invalid_dpop_proof", desc}
}

// jtiBusy answers a proof the replay cache has no room for: 503
// temporarily_unavailable with a Retry-After, as a server out of capacity
// does, rather than a 400 that would tell the client its proof is wrong
// (and rather than forgetting a live jti). Auth0 documents no such limit;
// the tenant's is maxPending proofs in all and a tenth of it per key.
func (t *Tenant) jtiBusy(w http.ResponseWriter, r jtiResult, retry time.Duration) *tokenError {
	desc := "Too many recent DPoP proofs: try again later."
	if r == jtiKeyFull {
		desc = "Too many recent DPoP proofs with this key: try again later."
	}
	if t.jtis.warnNow(t.now()) { // once a minute at most: a flood must not flood the log too
		t.log.Warn("devtenant: DPoP replay cache full, proofs refused", "per_key", r == jtiKeyFull)
	}
	w.Header().Set("Retry-After", strconv.Itoa(int((retry+time.Second-1)/time.Second)))
	return &tokenError{http.StatusServiceUnavailable, "temporarily_unavailable", desc}
}

// tokenType is the token_type of an answer: DPoP for tokens bound to a key.
func tokenType(jkt string) string {
	if jkt != "" {
		return "DPoP"
	}
	return "Bearer"
}

// userinfoProof checks /userinfo's DPoP: a bound token (jkt) must come with
// the DPoP scheme and one valid, unseen proof of its key for this request;
// a DPoP scheme with an unbound token is refused too (RFC 9449 §7.1). It
// returns why the request is refused, or "", or the 503 to answer when the
// replay cache has no room for the proof.
func (t *Tenant) userinfoProof(w http.ResponseWriter, r *http.Request, scheme, token, jkt string) (string, *tokenError) {
	switch {
	case jkt == "" && scheme == "Bearer":
		return "", nil
	case jkt == "":
		return "The access token is not bound to a DPoP key", nil
	case scheme != "DPoP":
		return "The access token is bound to a DPoP key: send it with the DPoP scheme and a proof", nil
	}
	proofs := r.Header.Values("DPoP")
	if len(proofs) != 1 {
		return "Exactly one DPoP proof is required", nil
	}
	proof, err := dpop.Check(proofs[0], dpop.Params{
		Method: r.Method, URL: t.userinfoURL, AccessToken: token, Now: t.now(), Window: dpopWindow,
	})
	if err != nil || proof.Thumbprint != jkt {
		return "Invalid DPoP proof", nil
	}
	switch res, retry := t.jtis.add(proof.Thumbprint, proof.JTI, proof.Expires, t.now()); res {
	case jtiReplay:
		return "Invalid DPoP proof", nil
	case jtiFull, jtiKeyFull:
		return "", t.jtiBusy(w, res, retry)
	}
	return "", nil
}

// dpopURL is u as proofs' htu are compared: normalised (RFC 9449 §4.3).
func dpopURL(u string) string {
	if n, err := dpop.Normalize(u); err == nil {
		return n
	}
	return u
}

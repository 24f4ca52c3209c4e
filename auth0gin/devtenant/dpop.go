package devtenant

import (
	"errors"
	"maps"
	"net/http"
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
	if !t.seeJTI(proof.JTI, proof.Expires) {
		return "", errInvalidProof("DPoP proof jti was already used.")
	}
	return proof.Thumbprint, nil
}

func errInvalidProof(desc string) *tokenError {
	return &tokenError{http.StatusBadRequest, "invalid_dpop_proof", desc}
}

// seeJTI records a proof's jti until it expires and reports whether it was
// new (RFC 9449 §11.1). The tenant is one process: a map does.
func (t *Tenant) seeJTI(jti string, expires time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.dpopJTIs) >= maxPending {
		maps.DeleteFunc(t.dpopJTIs, func(_ string, exp time.Time) bool { return !now.Before(exp) })
		capMap(t.dpopJTIs)
	}
	if exp, seen := t.dpopJTIs[jti]; seen && now.Before(exp) {
		return false
	}
	t.dpopJTIs[jti] = expires
	return true
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
// returns why the request is refused, or "".
func (t *Tenant) userinfoProof(r *http.Request, scheme, token, jkt string) string {
	switch {
	case jkt == "" && scheme == "Bearer":
		return ""
	case jkt == "":
		return "The access token is not bound to a DPoP key"
	case scheme != "DPoP":
		return "The access token is bound to a DPoP key: send it with the DPoP scheme and a proof"
	}
	proofs := r.Header.Values("DPoP")
	if len(proofs) != 1 {
		return "Exactly one DPoP proof is required"
	}
	proof, err := dpop.Check(proofs[0], dpop.Params{
		Method: r.Method, URL: t.userinfoURL, AccessToken: token, Now: t.now(), Window: dpopWindow,
	})
	if err != nil || proof.Thumbprint != jkt || !t.seeJTI(proof.JTI, proof.Expires) {
		return "Invalid DPoP proof"
	}
	return ""
}

// dpopURL is u as proofs' htu are compared: normalised (RFC 9449 §4.3).
func dpopURL(u string) string {
	if n, err := dpop.Normalize(u); err == nil {
		return n
	}
	return u
}

package auth0gin_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/internal/dpop"
)

func rs256Signer(k *rsa.PrivateKey) func([]byte) []byte {
	return func(in []byte) []byte {
		sum := sha256.Sum256(in)
		sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
		if err != nil {
			panic(err)
		}
		return sig
	}
}

// A jwk header holding any private or symmetric member (here RSA's p and q
// without d, which go-jose takes as a public key, or one other member
// beside the public ones) is refused: private key material in a proof is
// never accepted. The same jwk with only its public members passes.
func TestDPoPRefusesJWKWithPrivateMembers(t *testing.T) {
	e := newDPoPEnv(t, nil)
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	bound := e.ti.token(t, map[string]any{"cnf": map[string]any{"jkt": thumb(t, k)}})
	b := func(i *big.Int) string { return base64.RawURLEncoding.EncodeToString(i.Bytes()) }
	send1 := func(extra map[string]any) dpopAnswer {
		jwk := map[string]any{"kty": "RSA", "n": b(k.N), "e": "AQAB"}
		for m, v := range extra {
			jwk[m] = v
		}
		jti, _ := dpop.NewJTI()
		claims := map[string]any{"jti": jti, "htm": "GET", "htu": dpopURL, "iat": time.Now().Unix(), "ath": dpop.ATH(bound)}
		p := rawProof(t, map[string]any{"typ": "dpop+jwt", "alg": "RS256", "jwk": jwk}, claims, rs256Signer(k))
		return send(t, e.h, "GET", dpopPath, "Authorization", "DPoP "+bound, "DPoP", p)
	}
	if a := send1(nil); !a.ok() {
		t.Fatalf("the public jwk: %d %v", a.code, a.body)
	}
	for name, extra := range map[string]map[string]any{
		"p and q": {"p": b(k.Primes[0]), "q": b(k.Primes[1])},
		"dp":      {"dp": b(k.Precomputed.Dp)},
		"qi":      {"qi": b(k.Precomputed.Qinv)},
		"oth":     {"oth": []any{}},
		"k":       {"k": "c2VjcmV0"},
	} {
		if a := send1(extra); !a.refusedWith("invalid_dpop_proof") {
			t.Errorf("a jwk holding %s: %d %v, want 401 invalid_dpop_proof", name, a.code, a.body)
		}
	}
}

// Package dpop checks and mints DPoP proofs (RFC 9449): the JWT a client
// signs with its own key for each request, which binds an access token to
// that key. It holds no state: the replay cache (jti uniqueness) and the
// nonce secret belong to the caller, the guards in package auth0gin.
//
// Parsing and signature verification are go-jose's; this package decides
// which headers and claims a proof must have and how they are compared.
package dpop

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	jose "gopkg.in/go-jose/go-jose.v2"
	"gopkg.in/go-jose/go-jose.v2/cryptosigner"
)

// Type is the typ header every proof carries (RFC 9449 §4.2).
const Type = "dpop+jwt"

// MaxSize is the longest proof Check reads, in bytes. A proof signed with a
// 4096-bit RSA key is about 2 KiB; anything over 4 KiB is refused unread.
const MaxSize = 4096

// minRSABits is the smallest RSA proof key accepted.
const minRSABits = 2048

// DefaultAlgs are the signature algorithms a proof may use when Params.Algs
// is empty: asymmetric only, never none nor an HMAC (RFC 9449 §4.3 step 5).
var DefaultAlgs = []string{
	"ES256", "ES384", "ES512",
	"PS256", "PS384", "PS512",
	"RS256", "RS384", "RS512",
	"EdDSA",
}

// ErrInvalidProof is wrapped by every refusal of Check except a missing or
// stale nonce: the answer is invalid_dpop_proof.
var ErrInvalidProof = errors.New("dpop: invalid proof")

// ErrUseNonce is wrapped when Params.Nonce is set and the proof carries no
// nonce or one that is no longer valid: the answer is use_dpop_nonce with a
// fresh DPoP-Nonce (RFC 9449 §8, §9).
var ErrUseNonce = errors.New("dpop: proof needs a fresh nonce")

// Params is what Check compares a proof against.
type Params struct {
	// Method is the request's HTTP method; htm must equal it.
	Method string
	// URL is the request's target as HTU or Normalize gives it; the
	// proof's htu, normalised the same way, must equal it.
	URL string
	// AccessToken, when set, is the token the request presents; ath must
	// be the base64url SHA-256 of it. Empty at a token endpoint, where a
	// proof carries no ath.
	AccessToken string
	// Now is the time iat is compared with.
	Now time.Time
	// Window is how far iat may be from Now, either way. A proof expires
	// (Proof.Expires) Window after its iat.
	Window time.Duration
	// Algs are the accepted signature algorithms; empty means DefaultAlgs.
	// Only asymmetric names take effect: none and HS* are never accepted.
	Algs []string
	// Nonce, when set, must report true for the proof's nonce claim; a
	// proof without one, or with one it refuses, fails with ErrUseNonce.
	Nonce func(string) bool
}

// Proof is what a valid proof says.
type Proof struct {
	// JTI is the proof's unique identifier, for the caller's replay cache.
	JTI string
	// IssuedAt is the proof's iat.
	IssuedAt time.Time
	// Expires is IssuedAt plus Params.Window: the replay cache must hold
	// JTI until then, after which Check refuses the proof anyway.
	Expires time.Time
	// Thumbprint is the RFC 7638 SHA-256 thumbprint of the proof's key,
	// base64url: what a bound token's cnf.jkt must equal.
	Thumbprint string
	// Algorithm is the proof's alg.
	Algorithm string
	// Nonce is the proof's nonce claim, if any.
	Nonce string
}

// Claims are the claims of a proof (RFC 9449 §4.2), for Sign.
type Claims struct {
	JTI   string `json:"jti"`
	HTM   string `json:"htm"`
	HTU   string `json:"htu"`
	IAT   int64  `json:"iat"`
	ATH   string `json:"ath,omitempty"`
	Nonce string `json:"nonce,omitempty"`
}

// claims is a proof's payload as read: iat may be a non-integer NumericDate.
type claims struct {
	JTI   string   `json:"jti"`
	HTM   string   `json:"htm"`
	HTU   string   `json:"htu"`
	IAT   *float64 `json:"iat"`
	ATH   *string  `json:"ath"`
	Nonce *string  `json:"nonce"`
}

func invalid(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidProof}, a...)...)
}

// Check verifies one DPoP proof against p: its size, compact form, typ,
// alg, public jwk, signature, htm, htu, iat, ath and nonce (RFC 9449 §4.3
// steps 1 to 10 and 12). jti uniqueness (step 11) is the caller's, through
// its replay cache with Proof.JTI and Proof.Expires; so is comparing
// Proof.Thumbprint with the token's cnf.jkt (§7).
func Check(proof string, p Params) (Proof, error) {
	if proof == "" {
		return Proof{}, invalid("empty proof")
	}
	if len(proof) > MaxSize {
		return Proof{}, invalid("proof of %d bytes is over the limit of %d", len(proof), MaxSize)
	}
	if strings.Count(proof, ".") != 2 || !compactChars(proof) {
		return Proof{}, invalid("not a compact JWS")
	}
	jws, err := jose.ParseSigned(proof)
	if err != nil {
		return Proof{}, invalid("parse: %v", err)
	}
	if len(jws.Signatures) != 1 {
		return Proof{}, invalid("want one signature, have %d", len(jws.Signatures))
	}
	h := jws.Signatures[0].Protected
	if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); typ != Type {
		return Proof{}, invalid("typ is %q, want %q", typ, Type)
	}
	if _, crit := h.ExtraHeaders["crit"]; crit {
		return Proof{}, invalid("crit header not supported")
	}
	if _, b64 := h.ExtraHeaders["b64"]; b64 {
		return Proof{}, invalid("b64 header not supported")
	}
	if !allowed(h.Algorithm, p.Algs) {
		return Proof{}, invalid("alg %q not accepted", h.Algorithm)
	}
	jwk := h.JSONWebKey
	if jwk == nil {
		return Proof{}, invalid("no jwk header")
	}
	if !jwk.IsPublic() || !jwk.Valid() || privateMembers(proof) {
		return Proof{}, invalid("jwk header is not a public key")
	}
	if k, ok := jwk.Key.(*rsa.PublicKey); ok && k.N.BitLen() < minRSABits {
		return Proof{}, invalid("RSA key of %d bits is under %d", k.N.BitLen(), minRSABits)
	}
	payload, err := jws.Verify(jwk)
	if err != nil {
		return Proof{}, invalid("signature: %v", err)
	}
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return Proof{}, invalid("claims: %v", err)
	}
	if c.JTI == "" || c.HTM == "" || c.HTU == "" || c.IAT == nil {
		return Proof{}, invalid("jti, htm, htu and iat are required")
	}
	if len(c.JTI) > 256 {
		return Proof{}, invalid("jti longer than 256 bytes")
	}
	if c.HTM != p.Method {
		return Proof{}, invalid("htm %q is not the request's method %q", c.HTM, p.Method)
	}
	if htu, err := Normalize(c.HTU); err != nil || htu != p.URL {
		return Proof{}, fmt.Errorf("%w: %w", ErrInvalidProof, &HTUError{Claim: c.HTU, Request: p.URL})
	}
	iat, ok := numericDate(*c.IAT)
	if !ok {
		return Proof{}, invalid("iat out of range")
	}
	if d := p.Now.Sub(iat); d > p.Window || -d > p.Window {
		return Proof{}, invalid("iat %s is outside %s of now", iat.UTC().Format(time.RFC3339), p.Window)
	}
	if p.AccessToken != "" {
		if c.ATH == nil {
			return Proof{}, invalid("no ath")
		}
		if *c.ATH != ATH(p.AccessToken) {
			return Proof{}, invalid("ath is not the hash of the access token")
		}
	}
	var nonce string
	if c.Nonce != nil {
		nonce = *c.Nonce
	}
	if p.Nonce != nil && (nonce == "" || !p.Nonce(nonce)) {
		return Proof{}, ErrUseNonce
	}
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return Proof{}, invalid("thumbprint: %v", err)
	}
	return Proof{
		JTI:        c.JTI,
		IssuedAt:   iat,
		Expires:    iat.Add(p.Window),
		Thumbprint: base64.RawURLEncoding.EncodeToString(tp),
		Algorithm:  h.Algorithm,
		Nonce:      nonce,
	}, nil
}

// HTUError is Check's refusal of a proof whose htu is not the request's
// URI. Its message names neither: the request's URI is the one the server
// computed, which behind a proxy names an internal host, and the caller
// sees the message. The fields are for a debug log.
type HTUError struct {
	Claim   string // the proof's htu, as sent
	Request string // the request's URI, as HTU computed it
}

// Error is the message the caller may see: it names neither URI.
func (e *HTUError) Error() string { return "htu does not match the request's URI" }

// privateJWKMembers are the JWK members of private or symmetric keys (RFC
// 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 for OKP's d).
var privateJWKMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// privateMembers reports whether the protected header of the compact JWS
// proof has a jwk holding any private or symmetric key member: go-jose
// takes an RSA jwk with p and q but no d as public, so its members are
// read here. A header that does not decode counts as holding them.
func privateMembers(proof string) bool {
	seg, _, _ := strings.Cut(proof, ".")
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return true
	}
	var h struct {
		JWK map[string]json.RawMessage `json:"jwk"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return true
	}
	for _, m := range privateJWKMembers {
		if _, ok := h.JWK[m]; ok {
			return true
		}
	}
	return false
}

// compactChars reports whether s holds only base64url characters and dots,
// as a compact JWS does: go-jose would strip whitespace and take the JSON
// serialization, neither of which a proof may use.
func compactChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func allowed(alg string, algs []string) bool {
	if alg == "" || alg == "none" || strings.HasPrefix(alg, "HS") {
		return false
	}
	if len(algs) == 0 {
		algs = DefaultAlgs
	}
	for _, a := range algs {
		if a == alg {
			return true
		}
	}
	return false
}

// numericDate turns a NumericDate into a time, refusing what is not finite
// or lies beyond year 9999.
func numericDate(f float64) (time.Time, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 253402300799 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true
}

// ATH is the ath claim for an access token: base64url(SHA-256(token)).
func ATH(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Thumbprint is the RFC 7638 SHA-256 thumbprint, base64url, of a key: a
// *jose.JSONWebKey or jose.JSONWebKey, a public key (*ecdsa.PublicKey,
// *rsa.PublicKey, ed25519.PublicKey) or a crypto.Signer (its public half).
// It is what a bound token's cnf.jkt holds.
func Thumbprint(key any) (string, error) {
	var jwk jose.JSONWebKey
	switch k := key.(type) {
	case *jose.JSONWebKey:
		if k == nil {
			return "", errors.New("dpop: nil key")
		}
		jwk = *k
	case jose.JSONWebKey:
		jwk = k
	case crypto.Signer:
		jwk = jose.JSONWebKey{Key: k.Public()}
	default:
		jwk = jose.JSONWebKey{Key: key}
	}
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("dpop: thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(tp), nil
}

// Algorithm is the alg NewProof and Sign use for key: ES256, ES384 or ES512
// for ECDSA P-256, P-384 or P-521, RS256 for RSA, EdDSA for Ed25519.
func Algorithm(key crypto.Signer) (string, error) {
	switch k := key.Public().(type) {
	case *ecdsa.PublicKey:
		switch k.Curve.Params().BitSize {
		case 256:
			return "ES256", nil
		case 384:
			return "ES384", nil
		case 521:
			return "ES512", nil
		}
	case *rsa.PublicKey:
		return "RS256", nil
	case ed25519.PublicKey:
		return "EdDSA", nil
	}
	return "", fmt.Errorf("dpop: no proof algorithm for a %T key", key.Public())
}

// NewProof mints a proof for one request, as a client does: a random jti,
// iat now, htm and htu as given (htu's query and fragment are dropped), ath
// when accessToken is set and nonce when set. The key's public half goes in
// the jwk header; the alg is Algorithm(key).
func NewProof(key crypto.Signer, htm, htu, accessToken, nonce string) (string, error) {
	jti, err := NewJTI()
	if err != nil {
		return "", err
	}
	c := Claims{JTI: jti, HTM: htm, HTU: stripQuery(htu), IAT: time.Now().Unix(), Nonce: nonce}
	if accessToken != "" {
		c.ATH = ATH(accessToken)
	}
	return Sign(key, c)
}

// Sign signs claims as a proof with key, as given: for clients that set
// their own iat or jti, and for tests.
func Sign(key crypto.Signer, c Claims) (string, error) {
	alg, err := Algorithm(key)
	if err != nil {
		return "", err
	}
	var signingKey any = key
	switch key.(type) {
	case *ecdsa.PrivateKey, *rsa.PrivateKey, ed25519.PrivateKey:
	default:
		signingKey = cryptosigner.Opaque(key)
	}
	opts := (&jose.SignerOptions{EmbedJWK: true}).WithType(Type)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg), Key: signingKey}, opts)
	if err != nil {
		return "", fmt.Errorf("dpop: signer: %w", err)
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("dpop: claims: %w", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("dpop: sign: %w", err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		return "", fmt.Errorf("dpop: serialize: %w", err)
	}
	return out, nil
}

// NewJTI is a random jti: 16 bytes, base64url.
func NewJTI() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("dpop: jti: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

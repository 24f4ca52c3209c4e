package auth0gin

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"

	jose "gopkg.in/go-jose/go-jose.v2"
)

// skippedKey describes a JWKS entry that cannot verify tokens, for the log.
// It holds no key material.
type skippedKey struct {
	kid, kty, reason string
}

// id identifies the entry and its reason, so each is logged once.
func (s skippedKey) id() string { return s.kid + "\x00" + s.kty + "\x00" + s.reason }

// parseJWKS reads a JWKS (RFC 7517 §5) entry by entry: one entry this
// package cannot use (an unknown kty or curve, a private or symmetric key,
// an RSA key under minRSABits) is skipped and reported, not a reason to
// distrust the rest. Keys sharing a kid are all kept, in order.
func parseJWKS(body []byte, minRSABits int) (map[string][]*verifyingKey, []skippedKey, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, nil, fmt.Errorf("not a JWKS: %w", err)
	}
	byKid := map[string][]*verifyingKey{}
	var skipped []skippedKey
	for _, raw := range set.Keys {
		key, err := usableKey(raw, minRSABits)
		if err != nil {
			var id struct {
				Kid string `json:"kid"`
				Kty string `json:"kty"`
			}
			_ = json.Unmarshal(raw, &id)
			skipped = append(skipped, skippedKey{kid: printable(id.Kid), kty: printable(id.Kty), reason: err.Error()})
			continue
		}
		tp, err := key.Thumbprint(crypto.SHA256)
		if err != nil {
			skipped = append(skipped, skippedKey{kid: printable(key.KeyID), reason: "no thumbprint: " + err.Error()})
			continue
		}
		byKid[key.KeyID] = append(byKid[key.KeyID], &verifyingKey{jwk: key, thumb: string(tp)})
	}
	if len(byKid) == 0 {
		return nil, skipped, errors.New("no usable signing key in the set")
	}
	return byKid, skipped, nil
}

// usableKey decodes one JWKS entry and checks that it is a public signing
// key with a kid: a symmetric or private key in a JWKS is a misconfiguration,
// and trusting it would be an attack.
func usableKey(raw json.RawMessage, minRSABits int) (*jose.JSONWebKey, error) {
	var key jose.JSONWebKey
	if err := key.UnmarshalJSON(raw); err != nil {
		return nil, fmt.Errorf("unsupported or malformed key: %s", printable(err.Error()))
	}
	switch {
	case key.KeyID == "":
		return nil, errors.New("no kid")
	case key.Use != "" && key.Use != "sig":
		return nil, fmt.Errorf("use %q is not sig", printable(key.Use))
	case !key.Valid() || !key.IsPublic():
		return nil, errors.New("not a valid public key")
	}
	switch k := key.Key.(type) {
	case *rsa.PublicKey:
		if bits := k.N.BitLen(); bits < minRSABits {
			return nil, fmt.Errorf("RSA key of %d bits, under the floor of %d", bits, minRSABits)
		}
	case *ecdsa.PublicKey, ed25519.PublicKey:
	default:
		return nil, fmt.Errorf("key type %T cannot verify signatures", k)
	}
	return &key, nil
}

// fits reports whether key may verify a token signed with alg: the key's type
// (and curve) match the algorithm, and the key is not pinned to another.
func fits(key *jose.JSONWebKey, alg string) bool {
	if key.Algorithm != "" && key.Algorithm != alg {
		return false
	}
	switch k := key.Key.(type) {
	case *rsa.PublicKey:
		switch alg {
		case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
			return true
		}
	case *ecdsa.PublicKey:
		switch alg {
		case "ES256":
			return k.Curve == elliptic.P256()
		case "ES384":
			return k.Curve == elliptic.P384()
		case "ES512":
			return k.Curve == elliptic.P521()
		}
	case ed25519.PublicKey:
		return alg == "EdDSA"
	}
	return false
}

// printable bounds a value from the JWKS for a log line: at most 64 bytes,
// control characters dropped.
func printable(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return quote(s)
}

package devtenant

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"time"

	jose "gopkg.in/go-jose/go-jose.v2"
)

// signingKey is one RS256 key with the self-signed certificate Auth0 publishes
// in x5c.
type signingKey struct {
	kid  string
	priv *rsa.PrivateKey
	cert *x509.Certificate
}

// newSigningKey generates an RSA-2048 key.
func newSigningKey(now time.Time) (*signingKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("devtenant: generating key: %w", err)
	}
	return keyFromPrivate(priv, nil, now)
}

// keyFromPrivate wraps priv, making a certificate when cert is nil. The kid is
// the RFC 7638 thumbprint of the public key, so it is stable across restarts.
func keyFromPrivate(priv *rsa.PrivateKey, cert *x509.Certificate, now time.Time) (*signingKey, error) {
	jwk := jose.JSONWebKey{Key: &priv.PublicKey}
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("devtenant: key thumbprint: %w", err)
	}
	kid := base64.RawURLEncoding.EncodeToString(tp)
	if cert == nil {
		tmpl := &x509.Certificate{
			SerialNumber:          new(big.Int).SetBytes(tp[:16]),
			Subject:               pkix.Name{CommonName: "devtenant " + kid[:8]},
			NotBefore:             now.Add(-time.Hour),
			NotAfter:              now.AddDate(10, 0, 0),
			KeyUsage:              x509.KeyUsageDigitalSignature,
			BasicConstraintsValid: true,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
		if err != nil {
			return nil, fmt.Errorf("devtenant: self-signing certificate: %w", err)
		}
		if cert, err = x509.ParseCertificate(der); err != nil {
			return nil, fmt.Errorf("devtenant: parsing certificate: %w", err)
		}
	}
	return &signingKey{kid: kid, priv: priv, cert: cert}, nil
}

// jwk is the public JWKS entry: kty, use, n, e, kid, x5t, x5c, alg.
func (k *signingKey) jwk() jose.JSONWebKey {
	sum := sha1.Sum(k.cert.Raw)
	return jose.JSONWebKey{
		Key:                       &k.priv.PublicKey,
		KeyID:                     k.kid,
		Algorithm:                 "RS256",
		Use:                       "sig",
		Certificates:              []*x509.Certificate{k.cert},
		CertificateThumbprintSHA1: sum[:],
	}
}

// RotateKeys rotates the signing keys as Auth0's "Rotate signing key" does:
// the next key becomes current (new tokens are signed with it), the current
// key becomes previous, and a new next key is generated. All three stay in the
// JWKS, so tokens signed before the rotation still verify until the previous
// key is revoked with RevokeKey. A key that was previous before the call is
// dropped.
func (t *Tenant) RotateKeys() {
	k, err := newSigningKey(t.now())
	if err != nil {
		t.log.Error("devtenant: key rotation failed", "err", err)
		return
	}
	t.keyMu.Lock()
	t.previous, t.current, t.next = t.current, t.next, k
	cur := t.current.kid
	t.keyMu.Unlock()
	t.log.Info("devtenant: signing keys rotated", "current", cur)
	t.persistKeys()
}

// RevokeKey removes the key kid from the JWKS; tokens it signed stop
// verifying. Only the previous key can be revoked (revoking the current or
// next key would leave the tenant unable to sign), as on Auth0.
func (t *Tenant) RevokeKey(kid string) error {
	t.keyMu.Lock()
	switch {
	case t.previous != nil && t.previous.kid == kid:
		t.previous = nil
	case t.current.kid == kid || t.next.kid == kid:
		t.keyMu.Unlock()
		return fmt.Errorf("devtenant: key %q is in use; rotate first and revoke it once it is the previous key", kid)
	default:
		t.keyMu.Unlock()
		return fmt.Errorf("devtenant: no key %q", kid)
	}
	t.keyMu.Unlock()
	t.log.Info("devtenant: signing key revoked", "kid", kid)
	t.persistKeys()
	return nil
}

// Keys returns the key ids of the current, next and previous keys; previous is
// empty before the first rotation and after it is revoked.
func (t *Tenant) Keys() (current, next, previous string) {
	t.keyMu.RLock()
	defer t.keyMu.RUnlock()
	if t.previous != nil {
		previous = t.previous.kid
	}
	return t.current.kid, t.next.kid, previous
}

// keyByID returns a published key.
func (t *Tenant) keyByID(kid string) *signingKey {
	t.keyMu.RLock()
	defer t.keyMu.RUnlock()
	for _, k := range []*signingKey{t.current, t.next, t.previous} {
		if k != nil && k.kid == kid {
			return k
		}
	}
	return nil
}

// jwks is the published key set: current, next, previous.
func (t *Tenant) jwks() jose.JSONWebKeySet {
	t.keyMu.RLock()
	defer t.keyMu.RUnlock()
	var set jose.JSONWebKeySet
	for _, k := range []*signingKey{t.current, t.next, t.previous} {
		if k != nil {
			set.Keys = append(set.Keys, k.jwk())
		}
	}
	return set
}

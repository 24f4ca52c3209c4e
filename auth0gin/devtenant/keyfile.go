package devtenant

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// keyFile is the persisted form of the three keys: PEM inside JSON.
type keyFile struct {
	Current  *pemKey `json:"current"`
	Next     *pemKey `json:"next"`
	Previous *pemKey `json:"previous,omitempty"`
}

type pemKey struct {
	Key  string `json:"key"`  // PKCS#8 private key
	Cert string `json:"cert"` // the self-signed certificate published in x5c
}

// saveKeys writes the current, next and previous keys to path (JSON holding
// PEM, mode 0600), replacing the file atomically. Config.KeyFile does this
// automatically; tests reach it through internal/tenantprobe.
func (t *Tenant) saveKeys(path string) error {
	t.keyMu.RLock()
	kf := keyFile{Current: toPEM(t.current), Next: toPEM(t.next), Previous: toPEM(t.previous)}
	t.keyMu.RUnlock()
	if kf.Current == nil || kf.Next == nil {
		return errors.New("devtenant: encoding keys failed")
	}
	data, err := json.MarshalIndent(kf, "", "  ")
	if err != nil {
		return fmt.Errorf("devtenant: encoding keys: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".devtenant-keys-*")
	if err != nil {
		return fmt.Errorf("devtenant: saving keys: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("devtenant: saving keys: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("devtenant: saving keys: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("devtenant: saving keys: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("devtenant: saving keys: %w", err)
	}
	return nil
}

// persistKeys writes Config.KeyFile when set, logging a failure.
func (t *Tenant) persistKeys() {
	if t.cfg.KeyFile == "" {
		return
	}
	if err := t.saveKeys(t.cfg.KeyFile); err != nil {
		t.log.Error("devtenant: persisting keys failed", "err", err)
	}
}

// loadKeys reads a file written by saveKeys; ok is false when it does not exist.
func loadKeys(path string, now time.Time) (cur, next, prev *signingKey, ok bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, nil, false, fmt.Errorf("devtenant: reading keys: %w", err)
	}
	var kf keyFile
	if err := json.Unmarshal(data, &kf); err != nil {
		return nil, nil, nil, false, fmt.Errorf("devtenant: keys %s: %w", path, err)
	}
	if kf.Current == nil || kf.Next == nil {
		return nil, nil, nil, false, fmt.Errorf("devtenant: keys %s: current and next keys are required", path)
	}
	if cur, err = fromPEM(kf.Current, now); err != nil {
		return nil, nil, nil, false, err
	}
	if next, err = fromPEM(kf.Next, now); err != nil {
		return nil, nil, nil, false, err
	}
	if kf.Previous != nil {
		if prev, err = fromPEM(kf.Previous, now); err != nil {
			return nil, nil, nil, false, err
		}
	}
	return cur, next, prev, true, nil
}

func toPEM(k *signingKey) *pemKey {
	if k == nil {
		return nil
	}
	der, err := x509.MarshalPKCS8PrivateKey(k.priv)
	if err != nil {
		return nil
	}
	return &pemKey{
		Key:  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		Cert: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: k.cert.Raw})),
	}
}

func fromPEM(p *pemKey, now time.Time) (*signingKey, error) {
	block, _ := pem.Decode([]byte(p.Key))
	if block == nil {
		return nil, errors.New("devtenant: keys: no PEM private key")
	}
	anyKey, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("devtenant: keys: %w", err)
	}
	priv, ok := anyKey.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("devtenant: keys: not an RSA key")
	}
	var cert *x509.Certificate
	if cb, _ := pem.Decode([]byte(p.Cert)); cb != nil {
		if c, err := x509.ParseCertificate(cb.Bytes); err == nil {
			if pub, ok := c.PublicKey.(*rsa.PublicKey); ok && pub.Equal(&priv.PublicKey) {
				cert = c
			}
		}
	}
	return keyFromPrivate(priv, cert, now)
}

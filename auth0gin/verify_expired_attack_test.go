package auth0gin_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	jose "gopkg.in/go-jose/go-jose.v2"
	"gopkg.in/go-jose/go-jose.v2/jwt"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/internal/tenantprobe"
)

// tenantSigner signs arbitrary claims with the dev tenant's current key, as
// an attacker who could choose every claim but not the key would wish to.
func tenantSigner(t *testing.T, tenant *auth0test.Tenant, alg jose.SignatureAlgorithm, kid string) (jose.Signer, *rsa.PrivateKey) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := tenantprobe.SaveKeys(tenant, path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var kf struct {
		Current struct{ Key string } `json:"current"`
	}
	if err := json.Unmarshal(data, &kf); err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode([]byte(kf.Current.Key))
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	priv := k.(*rsa.PrivateKey)
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: priv, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	return s, priv
}

// TestVerifyExpiredRefusesWhatVerifyRefuses: VerifyExpired relaxes exp and
// nothing else. Each forged token here is refused by both, with the same
// error; an expired version of each is refused by VerifyExpired too.
func TestVerifyExpiredRefusesWhatVerifyRefuses(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	cfg := tenant.Config()
	auth := auth0gin.MustNew(cfg)
	ctx := context.Background()
	kid, _, _ := tenant.Keys()
	good, priv := tenantSigner(t, tenant, jose.RS256, kid)
	now := time.Now()
	claims := func(mod func(c map[string]any)) map[string]any {
		c := map[string]any{
			"iss": auth.Config().Issuers[0], "aud": auth.Config().Audience, "sub": "auth0|alice",
			"iat": now.Add(-2 * time.Hour).Unix(), "exp": now.Add(-time.Hour).Unix(),
		}
		if mod != nil {
			mod(c)
		}
		return c
	}
	sign := func(s jose.Signer, c map[string]any) string {
		tok, err := jwt.Signed(s).Claims(c).CompactSerialize()
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	// The control: the tenant's key, the right claims, expired an hour ago.
	if _, err := auth.VerifyExpired(ctx, sign(good, claims(nil)), 24*time.Hour); err != nil {
		t.Fatalf("the control token: %v", err)
	}

	otherKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	foreign, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: otherKey, KeyID: kid}}, nil)
	unknownKid, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: otherKey, KeyID: "attacker"}}, nil)
	pub, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	hmacWithPublicKey, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: jose.JSONWebKey{Key: pub, KeyID: kid}}, nil)
	ps256, _ := tenantSigner(t, tenant, jose.PS256, kid)

	for name, c := range map[string]struct {
		s    jose.Signer
		mod  func(map[string]any)
		want error
	}{
		"wrong issuer":               {good, func(c map[string]any) { c["iss"] = "https://evil.example/" }, auth0gin.ErrIssuer},
		"no issuer":                  {good, func(c map[string]any) { delete(c, "iss") }, auth0gin.ErrIssuer},
		"wrong audience":             {good, func(c map[string]any) { c["aud"] = []string{"https://other.api/"} }, auth0gin.ErrAudience},
		"no sub":                     {good, func(c map[string]any) { delete(c, "sub") }, auth0gin.ErrInvalidClaims},
		"no exp":                     {good, func(c map[string]any) { delete(c, "exp") }, auth0gin.ErrMissingExpiry},
		"nbf in the future":          {good, func(c map[string]any) { c["nbf"] = now.Add(time.Hour).Unix() }, auth0gin.ErrNotYetValid},
		"iat in the future":          {good, func(c map[string]any) { c["iat"] = now.Add(time.Hour).Unix() }, auth0gin.ErrNotYetValid},
		"exp beyond maxAge":          {good, func(c map[string]any) { c["exp"] = now.Add(-25 * time.Hour).Unix() }, auth0gin.ErrExpired},
		"exp at the epoch":           {good, func(c map[string]any) { c["exp"] = 1 }, auth0gin.ErrExpired},
		"exp negative":               {good, func(c map[string]any) { c["exp"] = -1e15 }, auth0gin.ErrExpired},
		"another key, the same kid":  {foreign, nil, auth0gin.ErrInvalidSignature},
		"an unknown kid":             {unknownKid, nil, auth0gin.ErrUnknownKey},
		"HS256 keyed by the RSA key": {hmacWithPublicKey, nil, auth0gin.ErrAlgorithm},
		"PS256 with the RSA key":     {ps256, nil, auth0gin.ErrAlgorithm},
	} {
		tok := sign(c.s, claims(c.mod))
		_, err := auth.VerifyExpired(ctx, tok, 24*time.Hour)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: VerifyExpired says %v, want %v", name, err, c.want)
		}
		var ae *auth0gin.AuthError
		if errors.As(err, &ae) && ae.Status != 401 {
			t.Errorf("%s: status %d, want 401", name, ae.Status)
		}
	}

	// alg none, by hand: no library signs it.
	none := "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + b64json(t, claims(nil)) + "."
	if _, err := auth.VerifyExpired(ctx, none, 24*time.Hour); !errors.Is(err, auth0gin.ErrAlgorithm) && !errors.Is(err, auth0gin.ErrMalformedToken) {
		t.Errorf("alg none: %v", err)
	}

	// A revoked key: a new instance (as after its next key refresh) refuses
	// the expired token signed with it, as Verify refuses a live one.
	tenant.RotateKeys()
	if err := tenant.RevokeKey(kid); err != nil {
		t.Fatal(err)
	}
	fresh := auth0gin.MustNew(cfg)
	if _, err := fresh.VerifyExpired(ctx, sign(good, claims(nil)), 24*time.Hour); !errors.Is(err, auth0gin.ErrUnknownKey) {
		t.Errorf("a revoked key's expired token: %v", err)
	}
}

func b64json(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

package devtenant

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	jose "gopkg.in/go-jose/go-jose.v2"
)

// accessClaims are the claims the tenant reads back from its own tokens.
type accessClaims struct {
	Iss   string          `json:"iss"`
	Sub   string          `json:"sub"`
	Aud   json.RawMessage `json:"aud"`
	Exp   int64           `json:"exp"`
	Scope string          `json:"scope"`
	Azp   string          `json:"azp"`
	CID   string          `json:"client_id"`
	Cnf   struct {
		JKT string `json:"jkt"`
	} `json:"cnf"`
}

func (c accessClaims) audiences() []string {
	var one string
	if json.Unmarshal(c.Aud, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(c.Aud, &many)
	return many
}

// verifyJWT checks a token the tenant signed: RS256 with a published key,
// issuer, expiry and that aud holds audience.
func (t *Tenant) verifyJWT(token, audience string) (accessClaims, error) {
	var c accessClaims
	if len(token) > 16<<10 {
		return c, errors.New("token too large")
	}
	obj, err := jose.ParseSigned(token)
	if err != nil {
		return c, fmt.Errorf("malformed token: %w", err)
	}
	if len(obj.Signatures) != 1 || obj.Signatures[0].Header.Algorithm != string(jose.RS256) {
		return c, errors.New("unexpected signature algorithm")
	}
	k := t.keyByID(obj.Signatures[0].Header.KeyID)
	if k == nil {
		return c, errors.New("unknown signing key")
	}
	payload, err := obj.Verify(&k.priv.PublicKey)
	if err != nil {
		return c, fmt.Errorf("bad signature: %w", err)
	}
	if err := json.NewDecoder(bytes.NewReader(payload)).Decode(&c); err != nil {
		return c, fmt.Errorf("bad claims: %w", err)
	}
	if c.Iss != t.issuer {
		return c, errors.New("wrong issuer")
	}
	if !t.now().Before(time.Unix(c.Exp, 0)) {
		return c, errors.New("token expired")
	}
	if !contains(c.audiences(), audience) {
		return c, errors.New("wrong audience")
	}
	return c, nil
}

// bearer extracts the token of an "Authorization: Bearer" header.
// dpopToken is the token of an `Authorization: DPoP <token>` header.
func dpopToken(h string) string {
	if len(h) > 5 && strings.EqualFold(h[:5], "dpop ") {
		return strings.TrimSpace(h[5:])
	}
	return ""
}

func bearer(h string) string {
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

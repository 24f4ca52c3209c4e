package login_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/login"
	"github.com/auth0gin/auth0gin/auth0gin/store"
)

func TestParseKeys(t *testing.T) {
	k, err := login.ParseKeys(" " + keyB + " , " + keyA + ",")
	if err != nil {
		t.Fatal(err)
	}
	if ids := fmt.Sprint(k); ids != `login.Keyring["b" "a"]` {
		t.Errorf("ids %v", ids)
	}
	var raw [32]byte
	_, _ = rand.Read(raw[:])
	gen := "k-2026.1:" + base64.StdEncoding.EncodeToString(raw[:]) // as `openssl rand -base64 32` makes it
	if _, err := login.ParseKeys(gen); err != nil {
		t.Errorf("a generated key does not parse: %v", err)
	}
	secret := "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd"
	for _, bad := range []string{"", " , ", "nokey", ":" + secret, "a b:" + secret, "a:" + secret, "a:not base64!", keyA + "," + keyA} {
		_, err := login.ParseKeys(bad)
		if err == nil {
			t.Errorf("%q parsed", bad)
		} else if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "AAECAwQF") {
			t.Errorf("the error prints the key: %v", err)
		}
	}
	if _, err := login.ParseKeys(""); !errors.Is(err, auth0gin.ErrConfig) || !strings.Contains(err.Error(), "AUTH0GIN_ENCRYPTION_KEYS") {
		t.Errorf("empty: %v", err)
	}
}

// TestNoKeyNoStart: without a key, New refuses.
func TestNoKeyNoStart(t *testing.T) {
	h := newHarness(t, nil, nil)
	_, err := login.New(h.auth, newMemStore(), login.Config{ClientID: "x", ClientSecret: "y"})
	if !errors.Is(err, auth0gin.ErrConfig) || !strings.Contains(err.Error(), "no encryption key") {
		t.Fatalf("New without keys: %v", err)
	}
	t.Setenv("AUTH0GIN_ENCRYPTION_KEYS", "broken")
	if _, err := login.New(h.auth, newMemStore(), login.FromEnv()); !errors.Is(err, auth0gin.ErrConfig) {
		t.Fatalf("New with a broken key list: %v", err)
	}
}

// rowKey is where the harness's Manager keeps accessToken's row: in the
// group of the token's subject.
func rowKey(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	var claims struct {
		Sub string `json:"sub"`
	}
	payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(accessToken, ".")[1])
	_ = json.Unmarshal(payload, &claims)
	g := sha256.Sum256([]byte(claims.Sub))
	return "login-test:{u:" + hex.EncodeToString(g[:16]) + "}:rt:" + hex.EncodeToString(sum[:])
}

// TestKeyRotation: a row written with key a still decrypts once b encrypts
// while a stays listed; without a, it answers 401 (log in again) and the row
// is deleted, never 500.
func TestKeyRotation(t *testing.T) {
	st := newMemStore()
	withKeys := func(list string) option {
		return func(c *login.Config) {
			k, err := login.ParseKeys(list)
			if err != nil {
				t.Fatal(err)
			}
			c.Keys = k
		}
	}
	old := newHarness(t, nil, st, withKeys(keyA))
	rotated := newHarness(t, old.tenant, st, withKeys(keyB+","+keyA))
	onlyB := newHarness(t, old.tenant, st, withKeys(keyB))

	a0 := old.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	a1 := rotated.refresh(a0.AccessToken).answer(t) // reads a row of key a, writes one of key b
	if r := old.refresh(a1.AccessToken); r.status != 401 || r.errorCode(t) != "invalid_token" {
		t.Errorf("a row of key b with only key a: %d %s", r.status, r.body)
	}
	// old's refusal deleted that row; log in again, with key a.
	b0 := old.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	if r := onlyB.refresh(b0.AccessToken); r.status != 401 || r.errorCode(t) != "invalid_token" {
		t.Fatalf("a row of a removed key: %d %s", r.status, r.body)
	}
	if _, err := st.Get(context.Background(), rowKey(b0.AccessToken)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the unreadable row was kept: %v", err)
	}
	// A row moved under another access token's key does not decrypt there.
	c0 := old.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	d0 := old.login(devtenant.Bob.Email, devtenant.Bob.Password).answer(t)
	v, err := st.Get(context.Background(), rowKey(c0.AccessToken))
	if err != nil {
		t.Fatal(err)
	}
	st.Set(context.Background(), rowKey(d0.AccessToken), v, farFuture())
	if r := old.refresh(d0.AccessToken); r.status != 401 {
		t.Errorf("a row copied under bob's token: %d %s", r.status, r.body)
	}
	if r := old.refresh(c0.AccessToken); r.status != 200 {
		t.Errorf("the original row: %d %s", r.status, r.body)
	}
}

// TestParseKeysReversedEntry: an entry written the wrong way round,
// base64key:id, with a URL-safe key (whose characters are all valid in an
// id) must not print the key in the error that refuses it: the error ends
// up in the start-up log.
func TestParseKeysReversedEntry(t *testing.T) {
	const key = "Zm9vYmFyLWtleS1mb3ItdGVzdHMtMzItYnl0ZXMtbG9uZw" // URL-safe, unpadded
	for _, list := range []string{key + ":primary", keyA + "," + key + ":primary", key + ":x," + key + ":y"} {
		_, err := login.ParseKeys(list)
		if err == nil {
			t.Fatalf("%q parsed", list)
		}
		if strings.Contains(err.Error(), key) || strings.Contains(err.Error(), key[:16]) {
			t.Errorf("the error prints the key: %v", err)
		}
	}
}

package dpopnode

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/tests/internal/npmci"
)

// dir is this directory, where package.json pins the client.
func dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

// result is what client.mjs saw for one algorithm.
type result struct {
	Alg         string
	Error       string
	TokenStatus int
	TokenType   string
	TokenError  any
	JKTMatches  bool
	Call        int
	Replay      int
	AsBearer    int
	NoProof     int
	OtherKey    int
	WrongMethod int
	NoAth       int
	Challenge   string
	Refresh     int
	RefreshType string
	RefreshBare int
	RefreshKey  int
}

// The node client gets a DPoP-bound token from the dev tenant's
// /oauth/token (client credentials), calls a route that requires DPoP with
// a proof of its own making, and sees every forgery refused: the same proof
// again, the token as Bearer, no proof, another key's proof, the wrong
// method, no ath. Then, as a public client (password grant), it refreshes
// with its key and is refused without a proof or with another key. Once
// plainly and once with nonces demanded by both the tenant and the API,
// which the client must pick up from DPoP-Nonce; for ES256, PS256 and
// RS256.
func TestIndependentClient(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	npmci.Need(t, dir(), nil)
	gin.SetMode(gin.TestMode)
	for _, nonces := range []bool{false, true} {
		name := "no nonce"
		if nonces {
			name = "nonces"
		}
		t.Run(name, func(t *testing.T) {
			tenant := auth0test.NewTenant(t, func(c *devtenant.Config) { c.DPoPNonce = nonces })
			cfg := tenant.Config()
			if nonces {
				secret := make([]byte, 32)
				_, _ = rand.Read(secret)
				cfg.DPoPNonceSecret = base64.RawURLEncoding.EncodeToString(secret)
			}
			auth := auth0gin.MustNew(cfg)
			r := gin.New()
			r.GET("/api/private-bound", auth.Require(auth0gin.DPoP("required")), func(c *gin.Context) {
				c.JSON(http.StatusOK, gin.H{"sub": auth0gin.MustUser(c).ID})
			})
			api := httptest.NewServer(r)
			t.Cleanup(api.Close)

			for _, res := range runClient(t, tenant.URL, api.URL+"/api/private-bound", "ES256", "PS256", "RS256") {
				t.Logf("%+v", res)
				checkResult(t, res)
			}
		})
	}
}

func runClient(t *testing.T, issuer, route string, algs ...string) []result {
	t.Helper()
	args := append([]string{"client.mjs", issuer, route, devtenant.M2MClient.ID, devtenant.M2MClient.Secret, devtenant.Audience,
		devtenant.SPAClient.ID, devtenant.Alice.Email, devtenant.Alice.Password}, algs...)
	cmd := exec.CommandContext(t.Context(), "node", args...)
	cmd.Dir = dir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node client.mjs: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	var out []result
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("client output %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	if len(out) != len(algs) {
		t.Fatalf("%d results for %d algorithms:\n%s\n%s", len(out), len(algs), stdout.String(), stderr.String())
	}
	return out
}

func checkResult(t *testing.T, r result) {
	t.Helper()
	if r.Error != "" || r.TokenStatus != 200 || r.TokenType != "DPoP" || !r.JKTMatches {
		t.Fatalf("%s: token: %+v", r.Alg, r)
	}
	for _, c := range []struct {
		what      string
		got, want int
	}{
		{"a call with a proof", r.Call, 200},
		{"the same proof again", r.Replay, 401},
		{"the token as Bearer", r.AsBearer, 401},
		{"no proof", r.NoProof, 401},
		{"another key's proof", r.OtherKey, 401},
		{"a proof for POST", r.WrongMethod, 401},
		{"a proof without ath", r.NoAth, 401},
		{"a refresh with the key", r.Refresh, 200},
		{"a refresh without a proof", r.RefreshBare, 400},
		{"a refresh with another key", r.RefreshKey, 403},
	} {
		if c.got != c.want {
			t.Errorf("%s: %s: %d, want %d", r.Alg, c.what, c.got, c.want)
		}
	}
	if r.RefreshType != "DPoP" {
		t.Errorf("%s: refreshed token_type %q", r.Alg, r.RefreshType)
	}
	if !strings.HasPrefix(r.Challenge, "DPoP ") || !strings.Contains(r.Challenge, `algs="`) {
		t.Errorf("%s: challenge %q", r.Alg, r.Challenge)
	}
}

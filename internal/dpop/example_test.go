package dpop_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/auth0gin/auth0gin/internal/dpop"
)

// A client mints a proof for one request; the resource server checks it
// against the request and compares the key's thumbprint with the token's
// cnf.jkt.
func Example() {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	jkt, _ := dpop.Thumbprint(key) // what the token's cnf.jkt holds
	token := "eyJhbGciOi..."       // the bound access token

	proof, _ := dpop.NewProof(key, "GET", "https://api.example.com/orders?page=2", token, "")

	r := httptest.NewRequest("GET", "/orders?page=2", nil)
	got, err := dpop.Check(proof, dpop.Params{
		Method:      r.Method,
		URL:         dpop.HTU(r, "https://api.example.com"),
		AccessToken: token,
		Now:         time.Now(),
		Window:      time.Minute,
	})
	fmt.Println(err, got.Thumbprint == jkt, got.Algorithm)
	// Output: <nil> true ES256
}

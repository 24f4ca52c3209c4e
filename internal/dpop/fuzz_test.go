package dpop

import (
	"testing"
	"time"
)

// Check and Normalize take what any client sends: they answer, never panic.
func FuzzCheck(f *testing.F) {
	k := ecKey(f)
	f.Add(sign(f, k, goodClaims()), "https://api.example.com/orders?x#y")
	f.Add("e30.e30.", "http://[::1]:80")
	f.Add("", "https://a/%zz")
	f.Fuzz(func(t *testing.T, proof, htu string) {
		p := params()
		p.Nonce = func(string) bool { return false }
		if got, err := Check(proof, p); err == nil && got.Thumbprint == "" {
			t.Fatal("accepted a proof with no thumbprint")
		}
		if u, err := Normalize(htu); err == nil {
			if again, err := Normalize(u); err != nil || again != u {
				t.Fatalf("Normalize(%q) = %q, but Normalize of that is %q, %v", htu, u, again, err)
			}
		}
		_ = NewNonces([]byte(htu), time.Minute).Valid(proof, testNow)
	})
}

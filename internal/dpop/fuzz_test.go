package dpop

import (
	"net/http"
	"net/url"
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

// HTU of any request path is "" or a normalised URI with no dot segment,
// and "" whenever the path has one.
func FuzzHTU(f *testing.F) {
	f.Add("/api/orders")
	f.Add("/api/files/../orders")
	f.Add("/api/users/%2e%2E/orders")
	f.Fuzz(func(t *testing.T, path string) {
		u, err := url.Parse("http://api.example.com" + path)
		if err != nil {
			return
		}
		r := &http.Request{Method: "GET", URL: u, Host: "api.example.com"}
		got := HTU(r, "")
		if got == "" {
			return
		}
		if hasDotSegment(u.EscapedPath()) {
			t.Fatalf("path %q has a dot segment, but HTU is %q", path, got)
		}
		if again, err := Normalize(got); err != nil || again != got {
			t.Fatalf("HTU %q normalises to %q, %v", got, again, err)
		}
	})
}

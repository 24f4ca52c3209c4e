package session

import (
	"net/http/httptest"
	"slices"
	"testing"
)

// cookies reads the session cookies as net/http's CookiesNamed does, without
// allocating: the same values, in the same order, for well-formed and
// malformed headers alike.
func TestCookiesReadAsNetHTTP(t *testing.T) {
	m := &Manager{cfg: Config{CookieName: "sid"}}
	for _, lines := range [][]string{
		{"sid=abc"},
		{"a=1; sid=abc; b=2"},
		{"sid=\"abc\""},
		{"sid=\"abc"},
		{"sid=a\\bc; sid=def"},
		{" sid = abc ;sid=def"},
		{"SID=abc; sidx=1; xsid=2"},
		{"sid=abc", "sid=def; sid=ghi"},
		{"sid=1; sid=2; sid=3; sid=4; sid=5"},
		{"sid="},
		{"sid"},
		{";;; sid=a b,c"},
		{"sid=a\x7fb; sid=ok"},
		{"other=1"},
		{""},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header["Cookie"] = lines
		var want []string
		for _, c := range r.CookiesNamed("sid") {
			want = append(want, c.Value)
		}
		want = want[:min(len(want), maxCookies+1)]
		got := m.cookies(r, new([maxCookies + 1]string))
		if !slices.Equal(got, want) && len(got)+len(want) > 0 {
			t.Errorf("%q: got %q, net/http reads %q", lines, got, want)
		}
	}
}

// loopback reads a Host as net.ParseIP did before it, without allocating:
// IP literals of the loopback ranges (IPv4-mapped included), localhost
// names, and nothing else (no zone, no leading zeros, no name that merely
// starts with 127).
func TestLoopbackHosts(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.1.2.3": true, "::1": true, "::ffff:127.0.0.1": true,
		"localhost": true, "LocalHost": true, "app.localhost": true,
		"": false, "10.0.0.1": false, "::2": false, "::1%lo": false, "fe80::1%eth0": false,
		"0127.0.0.1": false, "127.0.0.1.nip.io": false, "example.com": false, "localhost.example": false,
	} {
		if got := loopback(host); got != want {
			t.Errorf("loopback(%q) = %v, want %v", host, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { loopback("127.0.0.1") }); n != 0 {
		t.Errorf("loopback allocates %v times", n)
	}
}

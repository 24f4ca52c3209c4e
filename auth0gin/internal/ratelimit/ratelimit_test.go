package ratelimit

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

type testClock struct{ now time.Time }

func (c *testClock) Now() time.Time { return c.now }

func newTest(t *testing.T, c Config) (*Limiter, *testClock) {
	t.Helper()
	clk := &testClock{now: time.Unix(1_700_000_000, 0)}
	c.Now = clk.Now
	return New(c), clk
}

func TestBucketRefillAndWait(t *testing.T) {
	l, clk := newTest(t, Config{PerMinute: 2})
	a := netip.MustParseAddr("192.0.2.1")
	for range 2 {
		if ok, _, _ := l.AllowAddr(bg, a); !ok {
			t.Fatal("refused within the burst")
		}
	}
	ok, wait, _ := l.AllowAddr(bg, a)
	if ok || wait != 30*time.Second {
		t.Fatalf("third: %v, wait %v", ok, wait)
	}
	clk.now = clk.now.Add(30 * time.Second)
	if ok, _, _ := l.AllowAddr(bg, a); !ok {
		t.Error("refused after a token came back")
	}
	// Negative turns the buckets off.
	off, _ := newTest(t, Config{PerMinute: -1})
	for range 100 {
		if ok, _, _ := off.AllowAddr(bg, a); !ok {
			t.Fatal("limited although off")
		}
	}
}

func TestClientAddress(t *testing.T) {
	proxies, err := ParseProxies([]string{"10.0.0.0/8", "::1", "::ffff:172.16.0.0/108"})
	if err != nil {
		t.Fatal(err)
	}
	l, _ := newTest(t, Config{TrustedProxies: proxies})
	cases := []struct {
		peer string
		xff  []string
		want string
	}{
		{"203.0.113.9:4000", []string{"198.51.100.1"}, "203.0.113.9"},                       // untrusted peer: header ignored
		{"10.1.2.3:80", []string{"198.51.100.1"}, "198.51.100.1"},                           // trusted proxy
		{"10.1.2.3:80", []string{"6.6.6.6, 198.51.100.1, 10.9.9.9"}, "198.51.100.1"},        // right-most untrusted
		{"10.1.2.3:80", []string{"6.6.6.6", "198.51.100.1"}, "198.51.100.1"},                // several headers
		{"[::1]:80", []string{"[2001:db8::5]:1234"}, "2001:db8::5"},                         // with a port
		{"10.1.2.3:80", []string{"garbage, 10.2.2.2"}, "10.2.2.2"},                          // garbage: the last trusted hop
		{"10.1.2.3:80", []string{"10.4.4.4"}, "10.4.4.4"},                                   // all trusted: the left-most
		{"10.1.2.3:80", nil, "10.1.2.3"},                                                    // no header: the peer
		{"[::ffff:172.16.0.1]:80", []string{"::ffff:198.51.100.2"}, "198.51.100.2"},         // mapped on both sides
		{"[fe80::1%eth0]:80", []string{"198.51.100.1"}, "fe80::1"},                          // zone dropped, untrusted
		{"@", []string{"198.51.100.1"}, "invalid IP"},                                       // not an IP peer
		{"203.0.113.9:4000", []string{"10.0.0.1"}, "203.0.113.9"},                           // spoofing a trusted hop
		{"10.1.2.3:80", []string{"198.51.100.1,2001:db8:aaaa::1"}, "2001:db8:aaaa::1"},      // IPv6 client
		{"10.1.2.3:80", []string{" 198.51.100.1 ,  "}, "10.1.2.3"},                          // empty item is garbage
		{"[::1]:80", []string{"198.51.100.7, ::1, 10.0.0.2"}, "198.51.100.7"},               // a chain of proxies
		{"192.0.2.4:1", []string{"1.1.1.1"}, "192.0.2.4"},                                   // untrusted
		{"10.1.2.3:80", []string{"2001:db8::1%25eth0"}, "2001:db8::1"},                      // zone dropped
		{"10.1.2.3:80", []string{"not-an-ip, 198.51.100.3"}, "198.51.100.3"},                // garbage left of the client is the client's
		{"10.1.2.3:80", []string{"198.51.100.3:0"}, "198.51.100.3"},                         // port
		{"10.1.2.3:80", []string{"::ffff:10.0.0.5, ::ffff:198.51.100.4"}, "198.51.100.4"},   // mapped client
		{"[::ffff:10.0.0.1]:80", []string{"198.51.100.5"}, "198.51.100.5"},                  // mapped trusted peer
		{"[2001:db8::1]:80", []string{"198.51.100.5"}, "2001:db8::1"},                       // untrusted IPv6 peer
		{"10.1.2.3:80", []string{"[2001:db8::9]"}, "10.1.2.3"},                              // brackets without a port are garbage
		{"10.1.2.3:80", []string{"2001:db8::9"}, "2001:db8::9"},                             // bare IPv6
		{"10.1.2.3:80", []string{"198.51.100.6, 198.51.100.8"}, "198.51.100.8"},             // two untrusted: the right-most
		{"10.1.2.3:80", []string{"198.51.100.6", "10.0.0.3, 198.51.100.8"}, "198.51.100.8"}, // across headers
		{"10.1.2.3:80", []string{"198.51.100.6", "10.0.0.3"}, "198.51.100.6"},               // across headers, trusted last
		{"10.1.2.3:80", []string{"198.51.100.6, 10.0.0.3", "10.0.0.4"}, "198.51.100.6"},     // two trusted hops
		{"10.1.2.3:80", []string{"10.0.0.3, 10.0.0.4", "10.0.0.5"}, "10.0.0.3"},             // all trusted
		{"10.1.2.3:80", []string{""}, "10.1.2.3"},                                           // empty header
		{"10.1.2.3:80", []string{"198.51.100.9:abc"}, "198.51.100.9"},                       // the port is not read
		{"10.1.2.3:80", []string{"unknown"}, "10.1.2.3"},                                    // "unknown" as some proxies write
		{"10.1.2.3:80", []string{"198.51.100.1, unknown, 10.0.0.9"}, "10.0.0.9"},            // garbage right of the client
		{"10.1.2.3:80", []string{"198.51.100.1,198.51.100.2,198.51.100.3"}, "198.51.100.3"}, // spoofed left part ignored
		{"10.1.2.3:80", []string{"::ffff:198.51.100.1"}, "198.51.100.1"},                    // mapped
		{"10.1.2.3:80", []string{"0.0.0.0"}, "0.0.0.0"},                                     // unspecified counts as itself
		{"10.1.2.3:80", []string{"198.51.100.1\t"}, "198.51.100.1"},                         // whitespace
		{"10.1.2.3:80", []string{"[::1]:1, 198.51.100.1"}, "198.51.100.1"},                  // trusted hop inside the list
		{"10.1.2.3:80", []string{"198.51.100.1, [::1]:1"}, "198.51.100.1"},                  // trusted hop with a port
		{"10.1.2.3:80", []string{"198.51.100.1, ::ffff:10.0.0.1"}, "198.51.100.1"},          // mapped trusted hop
		{"10.1.2.3:80", []string{"198.51.100.1, 172.16.0.1"}, "198.51.100.1"},               // trusted through a mapped CIDR
		{"10.1.2.3:80", []string{"198.51.100.1, 172.32.0.1"}, "172.32.0.1"},                 // outside that CIDR
		{"10.1.2.3:80", []string{"2001:db8::1, ::1"}, "2001:db8::1"},                        // IPv6 chain
		{"10.1.2.3:80", []string{"2001:db8::1, ::2"}, "::2"},                                // ::2 not trusted
		{"10.1.2.3:80", []string{"198.51.100.1, 10.255.255.255"}, "198.51.100.1"},           // edge of the CIDR
		{"10.1.2.3:80", []string{"198.51.100.1, 11.0.0.0"}, "11.0.0.0"},                     // just outside it
		{"127.0.0.1:80", []string{"198.51.100.1"}, "127.0.0.1"},                             // loopback not trusted unless listed
		{"[::1]:80", []string{"198.51.100.1, ::1"}, "198.51.100.1"},                         // ::1 listed
		{"[::1]:80", nil, "::1"}, // no header
		{"10.1.2.3:80", []string{"198.51.100.1, 10.0.0.1, 198.51.100.2, 10.0.0.2"}, "198.51.100.2"}, // first untrusted from the right
	}
	for _, tc := range cases {
		r := httptest.NewRequest("POST", "/", nil)
		r.RemoteAddr = tc.peer
		for _, h := range tc.xff {
			r.Header.Add("X-Forwarded-For", h)
		}
		if got := l.Client(r).String(); got != tc.want {
			t.Errorf("peer %s, X-Forwarded-For %q: %s, want %s", tc.peer, tc.xff, got, tc.want)
		}
	}
	if _, err := ParseProxies([]string{"10.0.0.0/33"}); err == nil {
		t.Error("a bad CIDR was accepted")
	}
	if _, err := ParseProxies([]string{"proxy.internal"}); err == nil {
		t.Error("a host name was accepted")
	}
}

// TestTiers: IPv6 counts by /64 with a /48 tier of 4×; IPv4 and
// IPv4-mapped IPv6 by address.
func TestTiers(t *testing.T) {
	l, _ := newTest(t, Config{PerMinute: 5})
	count := func(n int, addr func(i int) string) int {
		ok := 0
		for i := range n {
			if allowed, _, _ := l.AllowAddr(bg, netip.MustParseAddr(addr(i)).Unmap()); allowed {
				ok++
			}
		}
		return ok
	}
	if n := count(20, func(i int) string { return fmt.Sprintf("2001:db8:1:2::%x", i+1) }); n != 5 {
		t.Errorf("%d of 20 from one /64, want 5", n)
	}
	if n := count(100, func(i int) string { return fmt.Sprintf("2001:db8:2:%x::1", i) }); n != 20 {
		t.Errorf("%d of 100 from the /64s of one /48, want 20", n)
	}
	if n := count(5, func(i int) string { return fmt.Sprintf("192.0.2.%d", i) }); n != 5 {
		t.Errorf("%d of 5 IPv4 neighbours, want 5", n)
	}
	if n := count(5, func(i int) string { return fmt.Sprintf("::ffff:198.51.100.%d", i) }); n != 5 {
		t.Errorf("%d of 5 IPv4-mapped neighbours, want 5", n)
	}
	// A /64 refused does not spend its /48's budget: after one /64 sent
	// 100 (5 allowed), its /48 still has 15.
	for range 100 {
		l.AllowAddr(bg, netip.MustParseAddr("2001:db8:3:1::1"))
	}
	if n := count(19, func(i int) string { return fmt.Sprintf("2001:db8:3:%x::1", i+2) }); n != 15 {
		t.Errorf("%d of 19 neighbours after one /64's flood, want 15", n)
	}
}

// TestMemoryBounded: a flood of unique addresses keeps each tier at
// MaxTracked keys, forgetting the least recently used first, and never
// refuses a new client.
func TestMemoryBounded(t *testing.T) {
	var tiers []*memory
	l, _ := newTest(t, Config{PerMinute: 1, MaxTracked: 100, NewCounter: func(_ string, max int) Counter {
		m := newMemory(max)
		tiers = append(tiers, m)
		return m
	}})
	busy := netip.MustParseAddr("192.0.2.1")
	l.AllowAddr(bg, busy)
	for i := range 50_000 {
		a := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, byte(i >> 8), byte(i), 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})
		if ok, _, _ := l.AllowAddr(bg, a); !ok {
			t.Fatalf("new client %d refused", i)
		}
		l.AllowUser(bg, fmt.Sprint("user", i))
		l.Failed(bg, fmt.Sprint("user", i), a, false)
		if i%10 == 0 { // the busy client stays recent, and stays limited
			if ok, _, _ := l.AllowAddr(bg, busy); ok {
				t.Fatalf("busy client allowed at %d", i)
			}
		}
		for _, m := range tiers {
			if m.len() > 100 {
				t.Fatalf("a tier holds %d keys, max 100", m.len())
			}
		}
	}
}

// TestUserBudget: one username across any number of addresses.
func TestUserBudget(t *testing.T) {
	l, clk := newTest(t, Config{PerMinute: 3})
	ok := 0
	for i := range 10 {
		name := "Alice@Example.com"
		if i%2 == 1 {
			name = " alice@example.com"
		}
		if allowed, _, _ := l.AllowUser(bg, name); allowed {
			ok++
		}
	}
	if ok != 3 {
		t.Errorf("%d of 10 for one username, want 3", ok)
	}
	if allowed, _, _ := l.AllowUser(bg, "bob@example.com"); !allowed {
		t.Error("another username refused")
	}
	clk.now = clk.now.Add(20 * time.Second)
	if allowed, _, _ := l.AllowUser(bg, "alice@example.com"); !allowed {
		t.Error("refused after a token came back")
	}
}

// TestFailures: BruteForceThreshold failures of one (username, address)
// block it; a success or FailureMemory forgets them; other addresses and
// other names are apart; a /64 is one address.
func TestFailures(t *testing.T) {
	l, clk := newTest(t, Config{})
	a := netip.MustParseAddr("2001:db8::1")
	for i := range BruteForceThreshold {
		if blocked(l, "ghost@example.com", a) {
			t.Fatalf("blocked after %d failures", i)
		}
		l.Failed(bg, "ghost@example.com", netip.MustParseAddr(fmt.Sprintf("2001:db8::%x", i+1)), false)
	}
	if !blocked(l, "Ghost@example.com", a) {
		t.Fatal("not blocked after the threshold")
	}
	if blocked(l, "ghost@example.com", netip.MustParseAddr("2001:db8:0:1::1")) || blocked(l, "other@example.com", a) {
		t.Error("the block spread")
	}
	clk.now = clk.now.Add(FailureMemory - time.Second)
	if !blocked(l, "ghost@example.com", a) {
		t.Error("forgotten too early")
	}
	clk.now = clk.now.Add(time.Second)
	if blocked(l, "ghost@example.com", a) {
		t.Error("remembered past FailureMemory")
	}
	l.Failed(bg, "ghost@example.com", a, true)
	if !blocked(l, "ghost@example.com", a) {
		t.Error("a tenant block was not recorded")
	}
	l.Succeeded(bg, "ghost@example.com", a)
	if blocked(l, "ghost@example.com", a) {
		t.Error("a success did not clear the failures")
	}
}

func TestFromEnv(t *testing.T) {
	t.Setenv(EnvLoginsPerMinute, "30")
	t.Setenv(EnvTrustedProxies, " 10.0.0.0/8, ::1 ,")
	t.Setenv(EnvOutage, "local")
	n, p, o, err := FromEnv()
	if err != nil || n != 30 || len(p) != 2 || p[0] != "10.0.0.0/8" || p[1] != "::1" || o != OutageLocal {
		t.Errorf("%d %q %q %v", n, p, o, err)
	}
	for _, bad := range [][3]string{{"ten", "", ""}, {"", "proxy.internal", ""}, {"", "", "open"}} {
		t.Setenv(EnvLoginsPerMinute, bad[0])
		t.Setenv(EnvTrustedProxies, bad[1])
		t.Setenv(EnvOutage, bad[2])
		if _, _, _, err := FromEnv(); err == nil {
			t.Errorf("bad values %q accepted", bad)
		}
	}
}

var bg = context.Background()

func blocked(l *Limiter, name string, a netip.Addr) bool {
	n, err := l.Failures(bg, name, a)
	if err != nil {
		panic(err)
	}
	return n >= BruteForceThreshold
}

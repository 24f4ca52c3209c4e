package login

import (
	"fmt"
	"testing"
	"time"
)

// TestLimiterIPv6Prefix: one host on IPv6 commonly holds a whole /64 and can
// send from any address in it. Counting each address apart gave such a
// client a fresh bucket per address, so the per-IP login limit stopped
// nothing. IPv6 addresses now share their /64's bucket; IPv4 addresses (and
// IPv4-mapped IPv6) are counted each on its own.
func TestLimiterIPv6Prefix(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := newLimiter(5, func() time.Time { return now })
	allowed := 0
	for i := range 20 {
		if ok, _ := l.allow(fmt.Sprintf("2001:db8:1:2::%x", i+1)); ok {
			allowed++
		}
	}
	if allowed != 5 {
		t.Errorf("%d of 20 attempts from one /64 allowed, want 5", allowed)
	}
	if ok, _ := l.allow("2001:db8:1:3::1"); !ok {
		t.Error("another /64 was limited")
	}
	for i := range 5 {
		if ok, _ := l.allow(fmt.Sprintf("192.0.2.%d", i+1)); !ok {
			t.Errorf("IPv4 address %d limited", i+1)
		}
	}
	for range 5 {
		l.allow("::ffff:198.51.100.7")
	}
	if ok, _ := l.allow("::ffff:198.51.100.8"); !ok {
		t.Error("an IPv4-mapped address shares a bucket with its neighbour")
	}
}

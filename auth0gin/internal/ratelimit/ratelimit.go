// Package ratelimit is the one limiter of every flow that calls the tenant
// or writes a row for an unauthenticated caller: session login
// (POST /auth/session), device start (POST /auth/device) and password login
// (POST /auth/login).
//
// What it counts:
//
//   - The client address: the connection's peer (http.Request.RemoteAddr).
//     X-Forwarded-For counts only when the peer is one of TrustedProxies;
//     then the client is the right-most address in it that is not a trusted
//     proxy (each proxy appends the address it saw, so everything left of
//     that is the client's to invent). Gin's Context.ClientIP is never used:
//     by default it believes the header from anyone.
//   - An IPv4 address on its own (IPv4-mapped IPv6 is IPv4). An IPv6
//     address by its /64, which one host or one customer commonly holds
//     whole, with a looser tier per /48 (PerMinute×4 a minute), so that
//     rotating through the /64s of one site is limited too.
//   - Token buckets: each key may spend PerMinute a minute, in bursts of as
//     many; over it, the answer is 429 with Retry-After (the time until one
//     token is back). A request the /64 refuses does not spend the /48's.
//   - For password login, a bucket per username too (case-folded), across
//     every address, with the same PerMinute, and a tally of consecutive
//     failures per (username, address) that answers 429 too_many_attempts
//     after BruteForceThreshold of them, for names the tenant knows and for
//     names it does not alike (see the login package).
//
// Where the counts live: with Config.Store (what the flows give it when they
// have a store, which is always), in that store, shared by every instance
// behind a balancer, so that a client gets the configured budget whatever
// instance it reaches; one store operation (an Incr) per tier per decision,
// counted in fixed one-minute windows (see storeCounter). A store that fails
// refuses (the flow answers 503 with Retry-After: the limit fails closed),
// or with Config.Outage = OutageLocal counts in memory meanwhile. Without a
// store, in one process's memory, as token buckets: each tier (addresses,
// /48s, usernames, failures) remembers at most MaxTracked keys and forgets
// the least recently used first; it never refuses a new key, so an address
// flood cannot lock other clients out.
package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
)

// The environment both session.FromEnv and login.FromEnv read.
const (
	EnvLoginsPerMinute = "AUTH0GIN_LOGINS_PER_MINUTE"
	EnvTrustedProxies  = "AUTH0GIN_TRUSTED_PROXIES"
)

// Defaults for zero Config fields.
const (
	DefaultPerMinute  = 10
	DefaultMaxTracked = 10_000
)

const (
	// BruteForceThreshold is Auth0's brute-force protection threshold:
	// consecutive failed logins for one user from one address, after which
	// the next attempt is answered 429 too_many_attempts.
	BruteForceThreshold = 10
	// FailureMemory is how long a (username, address) pair's failures are
	// remembered after the last one.
	FailureMemory = 24 * time.Hour
	// netTierFactor is how much looser the /48 tier is than the /64 one.
	netTierFactor = 4
)

// Tier names, given to Config.NewCounter.
const (
	TierAddr     = "addr"     // IPv4 addresses and IPv6 /64s
	TierNet      = "net48"    // IPv6 /48s
	TierUser     = "user"     // usernames
	TierFailures = "failures" // (username, address) failure tallies
)

// Config configures a Limiter.
type Config struct {
	// PerMinute is what one client address (IPv4, IPv6 /64) may spend a
	// minute, with as large a burst (0: DefaultPerMinute; negative turns
	// the buckets off, but not the failure tallies).
	PerMinute int
	// TrustedProxies are the peers whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// MaxTracked bounds the keys each tier remembers (0: DefaultMaxTracked).
	MaxTracked int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Store, when set, keeps the counts, shared by every instance (keys
	// KeyPrefix + "limit:" + tier + ":" + ...).
	Store     Shared
	KeyPrefix string
	// Outage is what a Store that fails does: OutageRefuse (""), the
	// Limiter's methods return its error; OutageLocal, count in memory.
	Outage string
	// NewCounter makes each tier's counter (default: in Store when set,
	// else in memory, at most max keys).
	NewCounter func(tier string, max int) Counter
}

// Limiter is safe for concurrent use.
type Limiter struct {
	perMinute float64 // 0: buckets off
	trusted   []netip.Prefix
	now       func() time.Time
	addr, net Counter
	user, bad Counter
}

// New returns a Limiter for c.
func New(c Config) *Limiter {
	if c.PerMinute == 0 {
		c.PerMinute = DefaultPerMinute
	}
	if c.MaxTracked <= 0 {
		c.MaxTracked = DefaultMaxTracked
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.NewCounter == nil && c.Store != nil {
		c.NewCounter = func(tier string, max int) Counter {
			var local Counter
			if c.Outage == OutageLocal {
				local = newMemory(max)
			}
			return newStoreCounter(c.Store, c.KeyPrefix+"limit:", tier, local)
		}
	}
	if c.NewCounter == nil {
		c.NewCounter = func(_ string, max int) Counter { return newMemory(max) }
	}
	return &Limiter{
		perMinute: float64(max(c.PerMinute, 0)),
		trusted:   c.TrustedProxies,
		now:       c.Now,
		addr:      c.NewCounter(TierAddr, c.MaxTracked),
		net:       c.NewCounter(TierNet, c.MaxTracked),
		user:      c.NewCounter(TierUser, c.MaxTracked),
		bad:       c.NewCounter(TierFailures, c.MaxTracked),
	}
}

// FromEnv reads AUTH0GIN_LOGINS_PER_MINUTE (an integer, negative turns the
// limit off), AUTH0GIN_TRUSTED_PROXIES (a comma list of addresses and
// CIDRs) and AUTH0GIN_LIMIT_OUTAGE ("refuse" or "local", see ParseOutage).
// What it cannot read is returned as an error, the values read so far with
// it.
func FromEnv() (perMinute int, proxies []string, outage string, err error) {
	if v := strings.TrimSpace(os.Getenv(EnvLoginsPerMinute)); v != "" {
		if perMinute, err = strconv.Atoi(v); err != nil {
			err = fmt.Errorf("%s=%q: want an integer", EnvLoginsPerMinute, v)
		}
	}
	for _, p := range strings.Split(os.Getenv(EnvTrustedProxies), ",") {
		if p = strings.TrimSpace(p); p != "" {
			proxies = append(proxies, p)
		}
	}
	if _, perr := ParseProxies(proxies); perr != nil {
		err = errors.Join(err, fmt.Errorf("%s: %w", EnvTrustedProxies, perr))
	}
	outage = strings.TrimSpace(os.Getenv(EnvOutage))
	if _, oerr := ParseOutage(outage); oerr != nil {
		err = errors.Join(err, fmt.Errorf("%s: %w", EnvOutage, oerr))
	}
	return perMinute, proxies, outage, err
}

// ParseProxies reads TrustedProxies: each an address ("10.0.0.1", "::1")
// or a CIDR ("10.0.0.0/8", "fd00::/8").
func ParseProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, unmapPrefix(p.Masked()))
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is neither an address nor a CIDR", s)
		}
		a = a.Unmap().WithZone("")
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// unmapPrefix turns ::ffff:10.0.0.0/104 into 10.0.0.0/8.
func unmapPrefix(p netip.Prefix) netip.Prefix {
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		return netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p
}

func (l *Limiter) isTrusted(a netip.Addr) bool {
	for _, p := range l.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Client is r's client address: the peer, or when the peer is a trusted
// proxy the right-most X-Forwarded-For address that is not. It is the
// zero Addr when the peer is not an IP address (a Unix socket); such
// requests share one bucket.
func (l *Limiter) Client(r *http.Request) netip.Addr {
	peer := ParseAddr(r.RemoteAddr)
	if !peer.IsValid() || !l.isTrusted(peer) {
		return peer
	}
	client := peer
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			a := ParseAddr(parts[j])
			if !a.IsValid() {
				return client // garbage left of a trusted hop: count that hop
			}
			client = a
			if !l.isTrusted(a) {
				return a
			}
		}
	}
	return client // every hop trusted: the left-most
}

// ParseAddr reads "1.2.3.4", "1.2.3.4:5", "::1", "[::1]:5", unmapped and
// without a zone; the zero Addr when it is none of those (which counts as
// one client).
func ParseAddr(s string) netip.Addr {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		host, _, serr := net.SplitHostPort(s)
		if serr != nil {
			return netip.Addr{}
		}
		if a, err = netip.ParseAddr(host); err != nil {
			return netip.Addr{}
		}
	}
	return a.Unmap().WithZone("")
}

// addrKeys are the keys an address counts against: an IPv4 address on its
// own, an IPv6 address by its /64 and its /48.
func addrKeys(a netip.Addr) (key, net48 string) {
	switch {
	case !a.IsValid():
		return "?", ""
	case a.Is4():
		return a.String(), ""
	}
	p64, _ := a.Prefix(64)
	p48, _ := a.Prefix(48)
	return p64.String(), p48.String()
}

// AllowAddr spends one attempt of a's budget: its /64 (or IPv4 address),
// then, for IPv6, its /48. When refused it says how long to wait. An error
// is the store's (see Config.Outage): the caller refuses with 503.
func (l *Limiter) AllowAddr(ctx context.Context, a netip.Addr) (bool, time.Duration, error) {
	if l.perMinute == 0 {
		return true, 0, nil
	}
	now := l.now()
	k, k48 := addrKeys(a)
	if ok, wait, err := l.addr.Take(ctx, k, l.perMinute, l.perMinute, now); !ok || err != nil {
		return false, wait, err
	}
	if k48 == "" {
		return true, 0, nil
	}
	n := l.perMinute * netTierFactor
	return l.net.Take(ctx, k48, n, n, now)
}

// userKey is the key of a username: case-folded and hashed, so that
// "Alice@Example.com " and "alice@example.com" count as one and the key's
// size does not depend on the caller.
func userKey(name string) string {
	h := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(name))))
	return hex.EncodeToString(h[:16])
}

// AllowUser spends one attempt of the username's budget, shared by every
// address.
func (l *Limiter) AllowUser(ctx context.Context, name string) (bool, time.Duration, error) {
	if l.perMinute == 0 {
		return true, 0, nil
	}
	return l.user.Take(ctx, userKey(name), l.perMinute, l.perMinute, l.now())
}

func failKey(name string, a netip.Addr) string {
	k, _ := addrKeys(a)
	return userKey(name) + " " + k
}

// Failures is how many times in a row (name, a) has failed: blocked from
// BruteForceThreshold on.
func (l *Limiter) Failures(ctx context.Context, name string, a netip.Addr) (int, error) {
	return l.bad.Add(ctx, failKey(name, a), 0, FailureMemory, l.now())
}

// Failed counts one failure of (name, a); block counts it as blocked at
// once (the tenant said so).
func (l *Limiter) Failed(ctx context.Context, name string, a netip.Addr, block bool) error {
	n := 1
	if block {
		n = BruteForceThreshold
	}
	_, err := l.bad.Add(ctx, failKey(name, a), n, FailureMemory, l.now())
	return err
}

// Succeeded forgets (name, a)'s failures.
func (l *Limiter) Succeeded(ctx context.Context, name string, a netip.Addr) error {
	return l.bad.Reset(ctx, failKey(name, a))
}

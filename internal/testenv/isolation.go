package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// InCI reports whether the tests run under CI (the environment variable CI
// set to anything but "" or "false"), where a missing service fails a test
// instead of skipping it.
func InCI() bool {
	v := os.Getenv("CI")
	return v != "" && v != "false" && v != "0"
}

// Unavailable skips t for a missing service outside CI, and fails it under CI.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if InCI() {
		t.Fatalf("service required under CI: "+format, args...)
	}
	t.Skipf("skipped (service missing, CI not set): "+format, args...)
}

// UniqueName returns a name unique to this call, made of t's name (letters,
// digits and '_' only, cut short) and 8 random bytes in hex: a key prefix on a
// shared Redis, a schema on a shared PostgreSQL.
func UniqueName(t testing.TB) string {
	var b strings.Builder
	for _, r := range strings.ToLower(t.Name()) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 30 {
			break
		}
	}
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		t.Fatal(err)
	}
	return "t_" + b.String() + "_" + hex.EncodeToString(rnd[:])
}

// KeyPrefix returns a key prefix unique to this call ("t_<test>_<random>:"),
// for a test's keys on a shared Redis.
func KeyPrefix(t testing.TB) string {
	return UniqueName(t) + ":"
}

package session

import (
	"bytes"
	"testing"
	"time"
)

func TestRecordRoundTrip(t *testing.T) {
	r := record{created: time.Unix(10, 5), end: time.Unix(99, 7), userID: "auth0|alice", user: []byte("snapshot")}
	got, err := decodeRecord(r.encode())
	if err != nil || !got.created.Equal(r.created) || !got.end.Equal(r.end) || got.userID != r.userID || !bytes.Equal(got.user, r.user) {
		t.Fatalf("%+v, %v", got, err)
	}
}

// FuzzRecord: whatever bytes a store hands back (corrupt, truncated, another
// app's), reading them is an error or a record, never a panic.
func FuzzRecord(f *testing.F) {
	f.Add((&record{created: time.Unix(1, 0), end: time.Unix(2, 0), userID: "u", user: []byte{1, 2, 3}}).encode())
	f.Add([]byte{recordVersion})
	f.Add([]byte{recordVersion, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = decodeTime(b)
		if r, err := decodeRecord(b); err == nil {
			_, _ = r.restore()
		}
	})
}

// FuzzCookie: any cookie value is a session id or refused, never a panic.
func FuzzCookie(f *testing.F) {
	v, _ := newSecret()
	f.Add(v)
	f.Add("")
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		if _, ok := parseSecret(s); ok && len(s) != cookieLen {
			t.Fatalf("accepted %q", s)
		}
	})
}

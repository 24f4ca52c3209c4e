package session

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/auth0test"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
)

// encodeV1 writes a record as version 1 did, before epochs.
func encodeV1(r record) []byte {
	b := []byte{recordVersionV1}
	b = binary.AppendVarint(b, r.created.UnixNano())
	b = binary.AppendVarint(b, r.end.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(r.userID)))
	b = append(b, r.userID...)
	return append(b, r.user...)
}

func TestRecordV1Decodes(t *testing.T) {
	r := record{created: time.Unix(10, 5), end: time.Unix(99, 7), userID: "auth0|alice", user: []byte("snapshot")}
	got, err := decodeRecord(encodeV1(r))
	if err != nil || got.userID != r.userID || got.epoch != "" || !bytes.Equal(got.user, r.user) || !got.end.Equal(r.end) {
		t.Fatalf("%+v, %v", got, err)
	}
	r.epoch = "e1"
	if got, err := decodeRecord(r.encode()); err != nil || got.epoch != "e1" || !bytes.Equal(got.user, r.user) {
		t.Fatalf("v2: %+v, %v", got, err)
	}
}

// A record left by the previous format lives until its user logs out
// everywhere, and is then refused (401) and deleted; a record of an unknown
// format is a 401, never a 500.
func TestOlderRecords(t *testing.T) {
	tenant := auth0test.NewTenant(t)
	auth := auth0gin.MustNew(tenant.Config())
	st, err := store.Open(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m, err := New(t.Context(), auth, st, Config{LocalCacheTTL: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	u, err := auth.Verify(t.Context(), tenant.Token(t))
	if err != nil {
		t.Fatal(err)
	}
	snap, err := u.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	put := func(b []byte) string {
		value, sid := newSecret()
		if err := st.Set(t.Context(), m.recordKey(sid), b, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		return value
	}
	rec := record{created: now, end: now.Add(time.Hour), userID: userOf(u), user: snap}
	old := put(encodeV1(rec))
	if got, _, err := m.lookup(t.Context(), old); err != nil || got.ID != u.ID {
		t.Fatalf("a version 1 record: %v, %v", got, err)
	}
	future := encodeV1(rec)
	future[0] = recordVersion + 1
	for _, b := range [][]byte{future, {recordVersion}, {recordVersion, 2, 2, 0x80}} {
		_, _, err := m.lookup(t.Context(), put(b))
		var ae *auth0gin.AuthError
		if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized {
			t.Errorf("record %x: %v, want a 401", b, err)
		}
	}
	if err := m.LogoutUser(t.Context(), u.UserBase, u.ID); err != nil {
		t.Fatal(err)
	}
	_, sid, err := m.lookup(t.Context(), old)
	var ae *auth0gin.AuthError
	if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized || !errors.Is(err, errUnknownSession) {
		t.Fatalf("a version 1 record after log out everywhere: %v", err)
	}
	if _, err := st.Get(t.Context(), m.recordKey(sid)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the ended record is still stored: %v", err)
	}
}

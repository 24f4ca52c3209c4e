package session

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// record is what the store holds for a session, under its id. It never
// changes after login; activity lives under a key of its own (see touch), so
// that a late activity write can never bring back a session a logout deleted.
type record struct {
	created time.Time
	end     time.Time // the maximum lifetime's end, capped at the token's exp when configured
	userID  string
	epoch   string // the user's epoch at login (see epoch.go); empty when none was set
	user    []byte // the verified user, as auth0gin.Auth0User.MarshalBinary wrote it
}

// recordVersion starts every encoded record, so that a format change reads
// old records as unknown (a 401, log in again) rather than as garbage.
// Version 2 added the epoch; version 1 records (made before) still read,
// with no epoch: they live until their user next logs out everywhere.
const (
	recordVersion   = 2
	recordVersionV1 = 1
)

var errBadRecord = errors.New("session: unreadable session record")

func (r *record) encode() []byte {
	b := make([]byte, 0, 1+4*binary.MaxVarintLen64+len(r.userID)+len(r.epoch)+len(r.user))
	b = append(b, recordVersion)
	b = binary.AppendVarint(b, r.created.UnixNano())
	b = binary.AppendVarint(b, r.end.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(r.userID)))
	b = append(b, r.userID...)
	b = binary.AppendUvarint(b, uint64(len(r.epoch)))
	b = append(b, r.epoch...)
	return append(b, r.user...)
}

// field reads a length-prefixed string off b.
func field(b []byte) (string, []byte, bool) {
	l, n := binary.Uvarint(b)
	if n <= 0 || l > uint64(len(b)-n) {
		return "", nil, false
	}
	return string(b[n : n+int(l)]), b[n+int(l):], true
}

func decodeRecord(b []byte) (record, error) {
	var r record
	if len(b) < 1 || (b[0] != recordVersion && b[0] != recordVersionV1) {
		return r, errBadRecord
	}
	version := b[0]
	b = b[1:]
	created, n := binary.Varint(b)
	if n <= 0 {
		return r, errBadRecord
	}
	b = b[n:]
	end, n := binary.Varint(b)
	if n <= 0 {
		return r, errBadRecord
	}
	b = b[n:]
	var ok bool
	if r.userID, b, ok = field(b); !ok {
		return r, errBadRecord
	}
	if version == recordVersion {
		if r.epoch, b, ok = field(b); !ok {
			return r, errBadRecord
		}
	}
	r.created, r.end = time.Unix(0, created), time.Unix(0, end)
	r.user = b
	return r, nil
}

// restore decodes the record's user.
func (r *record) restore() (*auth0gin.Auth0User, error) {
	u := new(auth0gin.Auth0User)
	err := u.UnmarshalBinary(r.user)
	if err != nil {
		return nil, errors.Join(errBadRecord, err)
	}
	if userOf(u) != r.userID {
		return nil, errBadRecord
	}
	return u, nil
}

// encodeTime and decodeTime hold a session's last activity in its activity key.
func encodeTime(t time.Time) []byte { return binary.AppendVarint(nil, t.UnixNano()) }

func decodeTime(b []byte) (time.Time, bool) {
	v, n := binary.Varint(b)
	return time.Unix(0, v), n == len(b) && n > 0
}

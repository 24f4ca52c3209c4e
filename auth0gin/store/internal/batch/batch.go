// Package batch prepares the entries of a store.Store SetMany for the SQL
// backends: the last entry of each key, split into those to write and the
// keys to remove, since one statement may not touch a row twice.
package batch

import "github.com/auth0gin/auth0gin/auth0gin/store"

// Row is a live entry on the store's time line: its expiry in Unix
// milliseconds, its value never nil (an empty value is a value, not NULL).
type Row struct {
	Key   []byte
	Value []byte
	Exp   int64
}

// Split keeps the last entry of each key and sorts them into live rows
// (expiring after now, in Unix milliseconds) and the keys of the rest, to be
// removed, as Set removes a key given an expiry not in the future.
func Split(entries []store.Entry, now int64) (live []Row, gone [][]byte) {
	last := make(map[string]int, len(entries))
	for i, e := range entries {
		last[e.Key] = i
	}
	for i, e := range entries {
		if last[e.Key] != i {
			continue
		}
		exp := e.ExpiresAt.UnixMilli()
		if exp <= now {
			gone = append(gone, []byte(e.Key))
			continue
		}
		v := e.Value
		if v == nil {
			v = []byte{}
		}
		live = append(live, Row{Key: []byte(e.Key), Value: v, Exp: exp})
	}
	return live, gone
}

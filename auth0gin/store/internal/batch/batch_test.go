package batch

import (
	"testing"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin/store"
)

func TestSplitLastWinsAndExpiredGo(t *testing.T) {
	now := time.UnixMilli(1_000_000)
	live, gone := Split([]store.Entry{
		{Key: "a", Value: []byte("1"), ExpiresAt: now.Add(time.Minute)},
		{Key: "b", Value: []byte("x"), ExpiresAt: now.Add(time.Minute)},
		{Key: "a", Value: []byte("2"), ExpiresAt: now.Add(2 * time.Minute)},
		{Key: "b", Value: []byte("y"), ExpiresAt: now},
		{Key: "c", ExpiresAt: now.Add(time.Millisecond)},
	}, now.UnixMilli())
	if len(live) != 2 || string(live[0].Key) != "a" || string(live[0].Value) != "2" ||
		live[0].Exp != now.Add(2*time.Minute).UnixMilli() ||
		string(live[1].Key) != "c" || live[1].Value == nil || len(live[1].Value) != 0 {
		t.Fatalf("live = %+v", live)
	}
	if len(gone) != 1 || string(gone[0]) != "b" {
		t.Fatalf("gone = %q", gone)
	}
}

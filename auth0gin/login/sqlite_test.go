package login_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin/devtenant"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	_ "github.com/auth0gin/auth0gin/auth0gin/store/sqlite"
)

func openSQLite(t *testing.T, path string) store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), "sqlite://"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestSQLiteFileHoldsCiphertext: after logins and refreshes on a SQLite
// file, neither the file nor its WAL holds a refresh token (or an access
// token) in plaintext.
func TestSQLiteFileHoldsCiphertext(t *testing.T) {
	dir := t.TempDir()
	st := openSQLite(t, filepath.Join(dir, "login.db"))
	h := newHarness(t, nil, st)
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	b := h.refresh(a.AccessToken).answer(t)
	c := h.refresh(b.AccessToken).answer(t)
	d := h.login(devtenant.Bob.Email, devtenant.Bob.Password).answer(t)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	var disk []byte
	files, _ := filepath.Glob(filepath.Join(dir, "login.db*"))
	for _, f := range files {
		bs, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		disk = append(disk, bs...)
	}
	if len(disk) == 0 {
		t.Fatal("no database file")
	}
	rts := h.tap.tokens()
	if len(rts) != 4 {
		t.Fatalf("%d refresh tokens issued, want 4", len(rts))
	}
	noLeak(t, "the SQLite file", string(disk), rts)
	for _, at := range []string{a.AccessToken, b.AccessToken, c.AccessToken, d.AccessToken} {
		if contains(string(disk), at) {
			t.Error("an access token is in the SQLite file in plaintext")
		}
	}
}

func TestRaceOneInstanceSQLite(t *testing.T) {
	raceRefreshes(t, []*harness{newHarness(t, nil, openSQLite(t, filepath.Join(t.TempDir(), "race.db")))}, 20)
}

// TestFlowSQLite is the whole flow on the embedded default store.
func TestFlowSQLite(t *testing.T) {
	h := newHarness(t, nil, openSQLite(t, ""))
	a := h.login(devtenant.Alice.Email, devtenant.Alice.Password).answer(t)
	b := h.refresh(a.AccessToken).answer(t)
	c := h.refresh(b.AccessToken).answer(t)
	if r := h.bearer("/auth/logout", c.AccessToken); r.status != 204 {
		t.Fatalf("logout: %d", r.status)
	}
	if r := h.refresh(c.AccessToken); r.status != 401 {
		t.Fatalf("refresh after logout: %d", r.status)
	}
	if s := h.tenant.Stats(); s.RefreshRevocations != 1 || s.RefreshReuseRevocations != 0 {
		t.Errorf("tenant counters: %+v", s)
	}
}

package users

import (
	"errors"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// TestMissingDriverNamesTheImport: a URL whose driver the app did not
// register fails with the import to add.
func TestMissingDriverNamesTheImport(t *testing.T) {
	for _, d := range []dialect{sqliteDialect, postgresDialect} {
		want := d.imports
		d.driver += "-not-registered"
		err := d.registered()
		if !errors.Is(err, auth0gin.ErrConfig) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want ErrConfig naming %s", d.name, err, want)
		}
	}
}

// TestLinksNoDriver: package users imports neither database driver, so an
// app on Redis links neither.
func TestLinksNoDriver(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "modernc.org/sqlite") || strings.HasPrefix(dep, "github.com/jackc/pgx") {
			t.Errorf("package users links %s", dep)
		}
	}
}

func TestParseDatabaseURL(t *testing.T) {
	for raw, want := range map[string]struct{ driver, dsn, schema string }{
		"":                                    {"sqlite", "file::memory:?_pragma=busy_timeout(5000)", ""},
		"sqlite::memory:":                     {"sqlite", "file::memory:?_pragma=busy_timeout(5000)", ""},
		"sqlite:///var/lib/app.db":            {"sqlite", "file:/var/lib/app.db?", ""},
		"sqlite:data/app.db":                  {"sqlite", "file:data/app.db?", ""},
		"sqlite://./data/app.db":              {"sqlite", "file:./data/app.db?", ""},
		"postgres://u:p@h/db?sslmode=disable": {"pgx", "postgres://u:p@h/db?sslmode=disable", ""},
		"postgresql://h/db?schema=app&sslmode=disable": {"pgx", "postgresql://h/db?sslmode=disable", "app"},
	} {
		d, dsn, schema, err := parseDatabaseURL(raw)
		if err != nil || d.driver != want.driver || !strings.HasPrefix(dsn, want.dsn) || schema != want.schema {
			t.Errorf("%q: %s %q %q %v, want %+v", raw, d.driver, dsn, schema, err, want)
		}
	}
	for _, raw := range []string{"mysql://u:hunter2@h/db", "sqlite://host/x.db", "sqlite:///x.db?mode=ro", "::"} {
		_, _, _, err := parseDatabaseURL(raw)
		if !errors.Is(err, auth0gin.ErrConfig) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%q: %v, want ErrConfig without the password", raw, err)
		}
	}
}

// Finding 3 of the review, for DATABASE_URL: a URL that does not parse
// because of its password (", \ or a control character) is refused with a
// fixed message that neither prints the password nor wraps url.Parse's
// error (which quotes the URL).
func TestUnparsableDatabaseURLHidesPassword(t *testing.T) {
	for _, pw := range []string{`se"cr3t`, `se\cr3t`, "se\tcr3t"} {
		for _, scheme := range []string{"postgres", "sqlite"} {
			raw := scheme + "://u:" + pw + "@h:1/db"
			_, _, _, err := parseDatabaseURL(raw)
			var ue *url.Error
			if !errors.Is(err, auth0gin.ErrConfig) || strings.Contains(err.Error(), "cr3t") || errors.As(err, &ue) {
				t.Errorf("%q: %v, want ErrConfig without the password or url.Parse's error", raw, err)
			}
		}
	}
}

// Finding 7 of the review: url.Query dropped ?schema=a;b without a word,
// so the users table was opened in schema public. Now it is ErrConfig.
func TestDatabaseURLQueryWithSemicolonIsRefused(t *testing.T) {
	for _, raw := range []string{
		"postgres://u:s3cret@h/db?schema=a;b",
		"postgres://u@h/db?password=s3c;ret",
		"postgres://u@h/db?schema=app&sslmode=%zz",
	} {
		_, dsn, schema, err := parseDatabaseURL(raw)
		if !errors.Is(err, auth0gin.ErrConfig) || strings.Contains(err.Error(), "s3c") {
			t.Errorf("%q: dsn %q schema %q, %v; want ErrConfig without the password", raw, dsn, schema, err)
		}
	}
}

package store

import (
	"errors"
	"strings"
	"testing"

	"github.com/auth0gin/auth0gin/auth0gin"
)

// Without the backend imported, Open names the import to add.
func TestOpenNamesMissingImport(t *testing.T) {
	openersMu.Lock()
	saved := openers
	openers = map[string]opener{}
	openersMu.Unlock()
	t.Cleanup(func() {
		openersMu.Lock()
		openers = saved
		openersMu.Unlock()
	})
	for raw, pkg := range map[string]string{
		"":                         "/store/sqlite",
		"sqlite:///x.db":           "/store/sqlite",
		"rediss://h:6379/0":        "/store/redis",
		"postgresql://u:pw@h/db":   "/store/postgres",
		"POSTGRES://u:pw@h:5432/d": "/store/postgres",
	} {
		_, err := Open(t.Context(), raw)
		if !errors.Is(err, auth0gin.ErrConfig) || !strings.Contains(err.Error(), `import _ "github.com/auth0gin/auth0gin/auth0gin`+pkg+`"`) {
			t.Errorf("Open(%q) without its backend = %v; want ErrConfig naming %s", raw, err, pkg)
		}
		if strings.Contains(err.Error(), ":pw@") {
			t.Errorf("Open(%q) prints the password: %v", raw, err)
		}
	}
}

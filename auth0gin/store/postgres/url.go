package postgres

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/auth0gin/auth0gin/auth0gin"
	"github.com/auth0gin/auth0gin/auth0gin/store"
	"github.com/auth0gin/auth0gin/auth0gin/store/internal/redact"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql's driver "pgx", for the users store's DATABASE_URL
)

func init() {
	store.Register("postgres", openURL)
	store.Register("postgresql", openURL)
}

// openURL opens the store u names: the store's own query parameters
// (schema, timeout, sweep_interval) are taken out, the rest goes to pgx.
func openURL(ctx context.Context, u *url.URL) (store.Store, error) {
	rawURL := u.String()
	q, err := redact.Query(u.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %s: %w", redact.URL(rawURL), err)
	}
	var opts []option
	if q.Has("schema") {
		opts = append(opts, withSchema(q.Get("schema")))
	}
	for _, p := range []struct {
		name string
		set  func(time.Duration) option
		zero bool // 0 is allowed (turns the thing off)
	}{
		{"timeout", withTimeout, false},
		{"sweep_interval", withSweepInterval, true},
	} {
		if !q.Has(p.name) {
			continue
		}
		d, err := time.ParseDuration(q.Get(p.name))
		if err != nil || d < 0 || (d == 0 && !p.zero) {
			return nil, fmt.Errorf("%w: postgres store: %s: %s=%q is no duration (such as 2s)",
				auth0gin.ErrConfig, redact.URL(rawURL), p.name, q.Get(p.name))
		}
		opts = append(opts, p.set(d))
	}
	for _, k := range []string{"schema", "timeout", "sweep_interval"} {
		q.Del(k)
	}
	v := *u
	v.RawQuery = q.Encode()
	s, err := open(ctx, v.String(), opts...)
	if err != nil {
		return nil, redact.Error(err, rawURL)
	}
	return s, nil
}

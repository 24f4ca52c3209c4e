package sqlite

import (
	"context"
	"time"
)

// Sweep deletes the expired values and members and the old messages now, and
// reports how many rows it removed. The background sweeper calls it; expired
// rows are never returned whether or not they were swept.
func (s *backend) Sweep(ctx context.Context) (int64, error) {
	now := s.now()
	var total int64
	for _, q := range []struct {
		sql string
		arg int64
	}{
		{`DELETE FROM auth0gin_kv WHERE exp <= ?`, now},
		{`DELETE FROM auth0gin_members WHERE exp <= ?`, now},
		{`DELETE FROM auth0gin_messages WHERE at <= ?`, now - messageTTL.Milliseconds()},
	} {
		res, err := s.wdb.ExecContext(ctx, q.sql, q.arg)
		if err != nil {
			return total, check("sweep", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, check("sweep", err)
		}
		total += n
	}
	return total, nil
}

func (s *backend) sweepLoop(ctx context.Context) {
	defer s.bg.Done()
	t := time.NewTicker(s.cfg.sweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.cfg.logger.Warn("sqlite store: sweeping expired rows", "error", err)
		}
	}
}

package postgres

import (
	"context"
	"time"
)

// Sweep deletes the expired values and members now and reports how many rows
// it removed. The background sweeper calls it; expired rows are never
// returned whether or not they were swept.
func (s *backend) Sweep(ctx context.Context) (int64, error) {
	if s.closed() {
		return 0, errClosed
	}
	ctx, cancel := s.opCtx(ctx)
	defer cancel()
	now := s.now()
	var total int64
	for _, table := range []string{s.kv, s.mem} {
		tag, err := s.pool.Exec(ctx, `DELETE FROM `+table+` WHERE exp <= $1`, now)
		if err != nil {
			return total, check("sweep", err)
		}
		total += tag.RowsAffected()
	}
	return total, nil
}

func (s *backend) sweepLoop() {
	defer s.bg.Done()
	t := time.NewTicker(s.cfg.sweepEvery)
	defer t.Stop()
	for {
		select {
		case <-s.bgCtx.Done():
			return
		case <-t.C:
		}
		if _, err := s.Sweep(s.bgCtx); err != nil && s.bgCtx.Err() == nil {
			s.cfg.logger.Warn("postgres store: sweeping expired rows", "error", err)
		}
	}
}

package sqlite

import (
	"context"
	"time"
)

// messageTTL is how long a published message stays in the messages table
// for other processes' pollers; the sweeper removes older ones.
const messageTTL = time.Minute

// Publish delivers message to this Store's subscribers of channel at once
// and, for a file, records it for the other processes on the file, whose
// pollers deliver it to theirs.
func (s *backend) Publish(ctx context.Context, channel, message string) error {
	if s.closed() {
		return check("publish", errClosed)
	}
	s.hub.Publish(channel, message)
	if s.path == "" {
		return nil
	}
	_, err := s.wdb.ExecContext(ctx,
		`INSERT INTO auth0gin_messages (channel, message, origin, at) VALUES (?, ?, ?, ?)`,
		[]byte(channel), []byte(message), s.origin, s.now())
	return check("publish", err)
}

// Subscribe calls fn for each message published on channel, by this Store or
// (for a file) by any other on the same file, until stop is called or the
// store is closed. stop waits for a running fn, so fn must not call it.
func (s *backend) Subscribe(ctx context.Context, channel string, fn func(message string)) (func(), error) {
	if s.closed() {
		return nil, check("subscribe", errClosed)
	}
	s.subMu.Lock()
	defer s.subMu.Unlock()
	if s.path != "" && s.hub.Len() == 0 {
		// The poller was idle: start after what is already there, so that a
		// new subscriber sees only messages published from now on.
		var last *int64
		if err := s.rdb.QueryRowContext(ctx, `SELECT max(id) FROM auth0gin_messages`).Scan(&last); err != nil {
			return nil, check("subscribe", err)
		}
		s.lastID = 0
		if last != nil {
			s.lastID = *last
		}
	}
	return s.hub.Subscribe(channel, fn), nil
}

func (s *backend) closed() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// pollLoop delivers the messages other processes published on the file.
func (s *backend) pollLoop(ctx context.Context) {
	defer s.bg.Done()
	t := time.NewTicker(s.cfg.pollEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.poll(ctx); err != nil && ctx.Err() == nil {
			s.cfg.logger.Warn("sqlite store: reading published messages", "error", err)
		}
	}
}

func (s *backend) poll(ctx context.Context) error {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	if s.hub.Len() == 0 {
		return nil
	}
	rows, err := s.rdb.QueryContext(ctx,
		`SELECT id, channel, message, origin FROM auth0gin_messages WHERE id > ? ORDER BY id`, s.lastID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id               int64
			channel, message []byte
			origin           string
		)
		if err := rows.Scan(&id, &channel, &message, &origin); err != nil {
			return err
		}
		s.lastID = id
		if origin != s.origin {
			s.hub.Publish(string(channel), string(message))
		}
	}
	return rows.Err()
}

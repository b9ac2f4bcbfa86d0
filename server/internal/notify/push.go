package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"syscall"
	"time"

	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/wechat"
)

// Push is a subscribe message for a user. Data maps template fields (thing1, time2, ...) to
// values; the sender cuts them to WeChat's limits.
type Push struct {
	TemplateKey string
	Page        string
	Data        map[string]string
}

// Push statuses.
const (
	PushPending   = "pending"
	PushSending   = "sending"
	PushSent      = "sent"
	PushNoConsent = "no_consent"
	PushNoAccount = "no_account"
	PushFailed    = "failed"
)

const (
	qEnqueuePush = `INSERT INTO push_outbox (community_id, user_id, dedup_key, template_key, page, data, status, next_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON DUPLICATE KEY UPDATE id = id`
	qDuePushes = `SELECT id FROM push_outbox WHERE status = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?`
	qClaimPush = `UPDATE push_outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ? AND status = 'pending'`
	qPush      = `SELECT o.user_id, o.template_key, o.page, o.data, COALESCE(u.openid, '') FROM push_outbox o
		LEFT JOIN users u ON u.id = o.user_id AND u.deleted_at IS NULL WHERE o.id = ?`
	qUseConsent = `UPDATE subscription_consents SET remaining = remaining - 1, updated_at = ?
		WHERE user_id = ? AND template_id = ? AND remaining > 0`
	qReturnConsent = `UPDATE subscription_consents SET remaining = remaining + 1, updated_at = ? WHERE user_id = ? AND template_id = ?`
	qClearConsent  = `UPDATE subscription_consents SET remaining = 0, updated_at = ? WHERE user_id = ? AND template_id = ?`
	qSetPush       = `UPDATE push_outbox SET status = ?, error = ?, sent_at = ?, next_at = ? WHERE id = ?`
)

// Tell puts a message in a user's inbox and, when push is not nil, queues the subscribe
// message, both in the caller's transaction and exactly once per dedupKey.
func Tell(ctx context.Context, tx *sql.Tx, userID int64, dedupKey string, m Message, push *Push) error {
	if err := WriteTx(ctx, tx, userID, dedupKey, m); err != nil {
		return err
	}
	if push == nil {
		return nil
	}
	data, err := json.Marshal(push.Data)
	if err != nil {
		return fmt.Errorf("push %s: %w", dedupKey, err)
	}
	if _, err := tx.ExecContext(ctx, qEnqueuePush, m.CommunityID, userID, dedupKey, push.TemplateKey, push.Page, string(data),
		m.CreatedAt, m.CreatedAt); err != nil {
		return fmt.Errorf("push %s: %w", dedupKey, err)
	}
	return nil
}

// SubscribeSender is what the sender needs of WeChat (wechat.Client).
type SubscribeSender interface {
	SendSubscribe(ctx context.Context, m wechat.Message) error
}

// Sender delivers queued pushes. A push is claimed and its consent consumed in one commit
// before it is sent, so it is sent at most once: a crash after the commit loses that push (the
// inbox entry stays). A send refused before it reached WeChat (connection refused, WeChat busy)
// is put back with backoff and its consent returned.
type Sender struct {
	DB *sql.DB
	WX SubscribeSender
	// Templates maps a template key to its WeChat template id.
	Templates map[string]string
	// LongTerm are template keys configured as long-term: no one-time consent is counted.
	LongTerm []string
	Log      *slog.Logger
	Now      func() time.Time
	// MaxAttempts bounds retries of a push WeChat did not take (default 5).
	MaxAttempts int
}

// RunOnce sends what is due, up to batch pushes, and says how many it handled.
func (s *Sender) RunOnce(ctx context.Context, batch int) (int, error) {
	now := s.Now().UTC()
	rows, err := s.DB.QueryContext(ctx, qDuePushes, now, batch)
	if err != nil {
		return 0, fmt.Errorf("due pushes: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	handled := 0
	for _, id := range ids {
		ok, err := s.sendOne(ctx, id)
		if err != nil {
			return handled, err
		}
		if ok {
			handled++
		}
	}
	return handled, nil
}

// Run sends pushes until ctx ends.
func (s *Sender) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.RunOnce(ctx, 50); err != nil && ctx.Err() == nil {
			s.Log.Warn("push sender", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

type claimed struct {
	userID                   int64
	templateKey, page, data  string
	openid, templateID, fate string
}

// sendOne claims and sends one push; false when another sender had it.
func (s *Sender) sendOne(ctx context.Context, id int64) (bool, error) {
	now := s.Now().UTC()
	var c claimed
	err := database.InTx(ctx, s.DB, func(tx *sql.Tx) error {
		c = claimed{}
		res, err := tx.ExecContext(ctx, qClaimPush, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if err := tx.QueryRowContext(ctx, qPush, id).Scan(&c.userID, &c.templateKey, &c.page, &c.data, &c.openid); err != nil {
			return err
		}
		c.templateID = s.Templates[c.templateKey]
		switch {
		case c.openid == "":
			c.fate = PushNoAccount
		case c.templateID == "":
			c.fate = PushFailed
		case slices.Contains(s.LongTerm, c.templateKey):
		default:
			res, err := tx.ExecContext(ctx, qUseConsent, now, c.userID, c.templateID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				c.fate = PushNoConsent
			}
		}
		if c.fate != "" {
			_, err = tx.ExecContext(ctx, qSetPush, c.fate, "", nil, now, id)
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("claim push %d: %w", id, err)
	}
	if c.userID == 0 || c.fate != "" {
		return c.userID != 0, nil
	}
	var data map[string]string
	if err := json.Unmarshal([]byte(c.data), &data); err != nil {
		return true, s.finish(ctx, id, PushFailed, "bad data", time.Time{})
	}
	sendErr := s.WX.SendSubscribe(ctx, wechat.Message{ToUser: c.openid, TemplateID: c.templateID, Page: c.page, Data: data})
	switch {
	case sendErr == nil:
		return true, s.finish(ctx, id, PushSent, "", now)
	case wechat.ErrCode(sendErr) == wechat.CodeNoConsent:
		// Our count was wrong: WeChat has no consent left for this template.
		_, _ = s.DB.ExecContext(ctx, qClearConsent, now, c.userID, c.templateID)
		return true, s.finish(ctx, id, PushNoConsent, "", time.Time{})
	case notDelivered(sendErr):
		return true, s.retry(ctx, id, c, sendErr, slices.Contains(s.LongTerm, c.templateKey))
	default:
		s.Log.Warn("push not sent", "push_id", id, "error", wechat.Redact(sendErr.Error()))
		return true, s.finish(ctx, id, PushFailed, trimError(sendErr), time.Time{})
	}
}

// notDelivered tells an error that proves WeChat did not take the message: a connection
// refused, or WeChat saying it is busy (-1).
func notDelivered(err error) bool {
	return wechat.ErrCode(err) == -1 || errors.Is(err, syscall.ECONNREFUSED)
}

func (s *Sender) retry(ctx context.Context, id int64, c claimed, cause error, longTerm bool) error {
	now := s.Now().UTC()
	var attempts int
	if err := s.DB.QueryRowContext(ctx, `SELECT attempts FROM push_outbox WHERE id = ?`, id).Scan(&attempts); err != nil {
		return err
	}
	max := s.MaxAttempts
	if max == 0 {
		max = 5
	}
	if !longTerm {
		if _, err := s.DB.ExecContext(ctx, qReturnConsent, now, c.userID, c.templateID); err != nil {
			return err
		}
	}
	if attempts >= max {
		return s.finish(ctx, id, PushFailed, trimError(cause), time.Time{})
	}
	backoff := time.Duration(1<<attempts) * 10 * time.Second
	_, err := s.DB.ExecContext(ctx, qSetPush, PushPending, trimError(cause), nil, now.Add(backoff), id)
	return err
}

func (s *Sender) finish(ctx context.Context, id int64, status, msg string, sentAt time.Time) error {
	var sent any
	if !sentAt.IsZero() {
		sent = sentAt
	}
	_, err := s.DB.ExecContext(ctx, qSetPush, status, msg, sent, s.Now().UTC(), id)
	return err
}

func trimError(err error) string {
	msg := wechat.Redact(err.Error())
	if len(msg) > 255 {
		msg = msg[:255]
	}
	return msg
}

// Package notify keeps the in-app inbox and the subscribe-message consents users gave.
package notify

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/paging"
)

// MaxConsents caps the consents counted per template, far above what anyone gives by hand.
const MaxConsents = 1000

// Message is an inbox entry.
type Message struct {
	ID          int64
	CommunityID int64
	Kind        string
	Title       string
	Body        string
	Page        string
	CreatedAt   time.Time
	Read        bool
}

// Consent is how many one-time consents are left for a template.
type Consent struct {
	TemplateID string
	Remaining  int
}

// Service reads the inbox and counts consents.
type Service struct {
	db  *sql.DB
	now func() time.Time
}

// NewService returns the service over db.
func NewService(db *sql.DB, now func() time.Time) *Service {
	return &Service{db: db, now: now}
}

const (
	qInbox = `SELECT id, community_id, kind, title, body, page, created_at, read_at IS NOT NULL FROM messages
		WHERE user_id = ? AND %s ORDER BY created_at DESC, id DESC LIMIT ?`
	qAddConsent = `INSERT INTO subscription_consents (user_id, template_id, remaining, updated_at) VALUES (?, ?, 1, ?)
		ON DUPLICATE KEY UPDATE remaining = LEAST(remaining + 1, ?), updated_at = ?`
	qConsent     = `SELECT remaining FROM subscription_consents WHERE user_id = ? AND template_id = ?`
	qForgetInbox = `DELETE FROM messages WHERE user_id = ?`
	// qUnread counts up to MaxUnreadCount unread messages.
	qUnread       = `SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE user_id = ? AND read_at IS NULL LIMIT ?) u`
	qReadAll      = `UPDATE messages SET read_at = ? WHERE user_id = ? AND read_at IS NULL`
	qReadSome     = `UPDATE messages SET read_at = ? WHERE user_id = ? AND read_at IS NULL AND id IN (%s)`
	qForgetConsnt = `DELETE FROM subscription_consents WHERE user_id = ?`
)

// Inbox pages through the user's messages, newest first.
func (s *Service) Inbox(ctx context.Context, userID int64, p paging.Page) ([]Message, string, error) {
	where, args := p.WhereNewest("created_at", "id")
	out, err := database.Collect(ctx, s.db, fmt.Sprintf(qInbox, where), append(append([]any{userID}, args...), p.Limit+1),
		func(r database.Scanner) (Message, error) {
			var m Message
			return m, r.Scan(&m.ID, &m.CommunityID, &m.Kind, &m.Title, &m.Body, &m.Page, &m.CreatedAt, &m.Read)
		})
	if err != nil {
		return nil, "", fmt.Errorf("inbox: %w", err)
	}
	items, next := paging.Trim(out, p.Limit, func(m Message) paging.Cursor { return paging.Cursor{At: m.CreatedAt, ID: m.ID} })
	return items, next, nil
}

// MaxUnreadCount caps the unread count: a badge shows "99+" beyond it anyway.
const MaxUnreadCount = 100

// MaxMarkRead caps the messages one call marks read by id.
const MaxMarkRead = 100

// Unread counts the user's unread messages, up to MaxUnreadCount.
func (s *Service) Unread(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, qUnread, userID, MaxUnreadCount).Scan(&n); err != nil {
		return 0, fmt.Errorf("unread: %w", err)
	}
	return n, nil
}

// MarkRead marks the user's messages of ids read, or all of them when ids is empty; another
// user's ids change nothing. It answers the unread count after.
func (s *Service) MarkRead(ctx context.Context, userID int64, ids []int64) (int, error) {
	now := s.now().UTC()
	var err error
	if len(ids) == 0 {
		_, err = s.db.ExecContext(ctx, qReadAll, now, userID)
	} else {
		in, idArgs := database.InList(ids)
		_, err = s.db.ExecContext(ctx, fmt.Sprintf(qReadSome, in), append([]any{now, userID}, idArgs...)...)
	}
	if err != nil {
		return 0, fmt.Errorf("mark read: %w", err)
	}
	return s.Unread(ctx, userID)
}

// AddConsents counts one more consent for each template the user just accepted.
func (s *Service) AddConsents(ctx context.Context, userID int64, templateIDs []string) ([]Consent, error) {
	now := s.now().UTC()
	out := make([]Consent, 0, len(templateIDs))
	for _, id := range templateIDs {
		if _, err := s.db.ExecContext(ctx, qAddConsent, userID, id, now, MaxConsents, now); err != nil {
			return nil, fmt.Errorf("add consent: %w", err)
		}
		c := Consent{TemplateID: id}
		if err := s.db.QueryRowContext(ctx, qConsent, userID, id).Scan(&c.Remaining); err != nil {
			return nil, fmt.Errorf("add consent: %w", err)
		}
		out = append(out, c)
	}
	return out, nil
}

// Forget deletes a deleted account's inbox and consents.
func (s *Service) Forget(ctx context.Context, userID int64) error {
	for _, q := range []string{qForgetInbox, qForgetConsnt} {
		if _, err := s.db.ExecContext(ctx, q, userID); err != nil {
			return fmt.Errorf("forget user %d: %w", userID, err)
		}
	}
	return nil
}

const qInsertMessage = `INSERT INTO messages (community_id, user_id, dedup_key, kind, title, body, page, created_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = id`

// Inbox limits, in characters (the columns' sizes).
const (
	maxTitle = 64
	maxBody  = 512
)

// WriteTx puts a message in a user's inbox inside the caller's transaction, exactly once per
// dedupKey: a retried piece of work writes nothing more.
func WriteTx(ctx context.Context, tx *sql.Tx, userID int64, dedupKey string, m Message) error {
	_, err := tx.ExecContext(ctx, qInsertMessage, m.CommunityID, userID, dedupKey, m.Kind, cut(m.Title, maxTitle),
		cut(m.Body, maxBody), m.Page, m.CreatedAt)
	if err != nil {
		return fmt.Errorf("inbox message %s: %w", dedupKey, err)
	}
	return nil
}

func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Consents answers the one-time consents the user has left, by template id (templates never
// accepted are absent).
func (s *Service) Consents(ctx context.Context, userID int64) (map[string]int, error) {
	out := map[string]int{}
	rows, err := database.Collect(ctx, s.db, `SELECT template_id, remaining FROM subscription_consents WHERE user_id = ?`, []any{userID},
		func(r database.Scanner) (Consent, error) {
			var c Consent
			return c, r.Scan(&c.TemplateID, &c.Remaining)
		})
	if err != nil {
		return nil, fmt.Errorf("consents of user %d: %w", userID, err)
	}
	for _, c := range rows {
		out[c.TemplateID] = c.Remaining
	}
	return out, nil
}

package report

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/linli/linli/server/internal/events"
)

// SafetyCheck is the category of the reports filed when nobody confirmed an elder safe in time:
// urgent, whatever categories the community set, so it reaches the grid worker on duty and all
// staff at once.
var SafetyCheck = Category{Key: "safety_check", Name: "安危确认", Level: LevelUrgent, AcceptMinutes: 15, ResolveMinutes: 2 * 60}

// SafetyInput is a safety check to file: go to the person's door and see that they are safe.
type SafetyInput struct {
	CommunityID int64
	PersonID    int64
	BuildingID  int64
	Unit        string
	// ReporterID is who first found no answer (the rider); the report's progress goes to them.
	ReporterID  int64
	Description string
}

// FileSafetyCheck files an urgent safety-check report inside the caller's transaction (the one
// that escalates the alert), and publishes it for dispatch like any report.
func (s *Service) FileSafetyCheck(ctx context.Context, tx *sql.Tx, in SafetyInput, now time.Time) (int64, error) {
	cat := SafetyCheck
	acceptBy, resolveBy := cat.deadlines(now)
	res, err := tx.ExecContext(ctx, qInsertReport, in.CommunityID, in.ReporterID, nullID(in.PersonID), cat.Key, cat.Name, cat.Level, UrgencyUrgent,
		in.Description, nullID(in.BuildingID), in.Unit, "", nil, nil, false, false, acceptBy, resolveBy, now, now)
	if err != nil {
		return 0, fmt.Errorf("file safety check: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if err := step(ctx, tx, id, in.CommunityID, 0, "system", "submitted", "安危确认超时未确认，转为紧急上门查看", now); err != nil {
		return 0, err
	}
	if _, err := events.Publish(ctx, tx, in.CommunityID, TopicSubmitted, map[string]int64{"report_id": id}, now); err != nil {
		return 0, err
	}
	return id, nil
}

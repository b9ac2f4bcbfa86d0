package report

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/events"
)

// RoleReader reads the roles a user holds, afresh (account.Service).
type RoleReader interface {
	Roles(ctx context.Context, userID int64) ([]account.Membership, error)
}

// workerRoles may carry out reports, in the order a role is given to an assignment.
var workerRoles = []account.Role{account.RoleGridWorker, account.RoleVolunteer, account.RoleStaff}

// heldIn is the set of roles the user holds in the community, read afresh (one read) so that a
// revoke acts at once.
func (s *Service) heldIn(ctx context.Context, userID, communityID int64) (map[account.Role]bool, error) {
	if s.deps.Roles == nil {
		return nil, fmt.Errorf("report: no role reader")
	}
	memberships, err := s.deps.Roles.Roles(ctx, userID)
	if err != nil {
		return nil, err
	}
	held := map[account.Role]bool{}
	for _, m := range memberships {
		if m.CommunityID == communityID {
			held[m.Role] = true
		}
	}
	return held, nil
}

// holds reports whether the user holds one of roles in the community.
func (s *Service) holds(ctx context.Context, userID, communityID int64, roles ...account.Role) (bool, error) {
	held, err := s.heldIn(ctx, userID, communityID)
	return slices.ContainsFunc(roles, func(r account.Role) bool { return held[r] }), err
}

// workerRole is the role in which a user would carry out a report of the community: grid
// worker first, then volunteer, then staff ("" for none).
func (s *Service) workerRole(ctx context.Context, userID, communityID int64) (account.Role, error) {
	held, err := s.heldIn(ctx, userID, communityID)
	if err != nil {
		return "", err
	}
	for _, r := range workerRoles {
		if held[r] {
			return r, nil
		}
	}
	return "", nil
}

// mayWork is the check of every worker's step: the report is theirs, and they still hold the
// role in which they took it, in its community (else the report is nothing of theirs:
// ErrNotFound). A revoke therefore acts at once, before its event takes the report back.
func (s *Service) mayWork(ctx context.Context, workerID int64, l locked) error {
	if l.assignee != workerID {
		return ErrNotFound
	}
	roles := workerRoles
	if l.assigneeRole != "" {
		roles = []account.Role{l.assigneeRole}
	}
	ok, err := s.holds(ctx, workerID, l.community, roles...)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	return nil
}

// ForWorker is one report as a worker opens it: one assigned to them while they still hold a
// worker role in its community (assigned is true), or a minor one of the community they work in
// (communityID) still open to claiming. Anything else is ErrNotFound.
func (s *Service) ForWorker(ctx context.Context, workerID, communityID, id int64) (r Report, assigned bool, err error) {
	r, err = s.Get(ctx, id)
	if err != nil {
		return Report{}, false, err
	}
	if r.AssigneeID == workerID {
		// The role they took it in, as every step checks (mayWork).
		var role account.Role
		if err := s.db.QueryRowContext(ctx, qAssigneeRole, id).Scan(&role); err != nil {
			return Report{}, false, fmt.Errorf("report %d: %w", id, err)
		}
		roles := workerRoles
		if role != "" {
			roles = []account.Role{role}
		}
		ok, err := s.holds(ctx, workerID, r.CommunityID, roles...)
		if err != nil {
			return Report{}, false, err
		}
		if ok {
			return r, true, nil
		}
	} else if r.CommunityID == communityID && r.Level == LevelMinor && (r.Status == StatusSubmitted || r.Status == StatusAssigned) {
		return r, false, nil
	}
	return Report{}, false, ErrNotFound
}

const (
	qAssigneeRole = `SELECT assignee_role FROM reports WHERE id = ?`
	qLeaveGrids   = `DELETE FROM grid_workers WHERE user_id = ? AND community_id = ?`
	qOffDuty      = `SELECT id FROM grids WHERE on_duty_user_id = ? AND community_id = ? FOR UPDATE`
	qNextOnDuty   = `UPDATE grids SET on_duty_user_id = (SELECT MIN(w.user_id) FROM grid_workers w WHERE w.grid_id = ?), updated_at = ? WHERE id = ?`
	qOpenTasksOf  = `SELECT id, assignee_role, category_key FROM reports WHERE assignee_user_id = ? AND community_id = ? AND status IN ('assigned', 'accepted') FOR UPDATE`
	qReleaseTask  = `UPDATE reports SET status = 'submitted', assignee_user_id = NULL, assignee_role = '', grid_id = NULL, accepted_at = NULL,
		` + restartClocks + `, updated_at = ? WHERE id = ?`
)

// ReleaseWorker handles a revoked role (account.TopicRoleRevoked), in the event's transaction:
// a user who is no longer a grid worker of the community leaves its grids (the next worker of
// each grid goes on duty), and every open report they held in a role they no longer hold goes
// back to dispatch, staff told, its clocks started again.
func (s *Service) ReleaseWorker(ctx context.Context, tx *sql.Tx, e events.Event) error {
	var p account.RoleRevoked
	if err := e.Decode(&p); err != nil {
		return err
	}
	held, err := s.heldIn(ctx, p.UserID, e.CommunityID)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	if !held[account.RoleGridWorker] {
		if _, err := tx.ExecContext(ctx, qLeaveGrids, p.UserID, e.CommunityID); err != nil {
			return fmt.Errorf("leave grids: %w", err)
		}
		grids, err := database.Int64s(ctx, tx, qOffDuty, p.UserID, e.CommunityID)
		if err != nil {
			return fmt.Errorf("off duty: %w", err)
		}
		for _, g := range grids {
			if _, err := tx.ExecContext(ctx, qNextOnDuty, g, now, g); err != nil {
				return fmt.Errorf("next on duty: %w", err)
			}
		}
	}
	type task struct {
		id   int64
		role account.Role
		key  string
	}
	tasks, err := database.Collect(ctx, tx, qOpenTasksOf, []any{p.UserID, e.CommunityID}, func(r database.Scanner) (task, error) {
		var t task
		return t, r.Scan(&t.id, &t.role, &t.key)
	})
	if err != nil {
		return fmt.Errorf("open tasks of user %d: %w", p.UserID, err)
	}
	for _, t := range tasks {
		// Kept while the role it was taken in is held (any worker's role, for one from before
		// roles were kept).
		if held[t.role] || (t.role == "" && (held[account.RoleGridWorker] || held[account.RoleVolunteer] || held[account.RoleStaff])) {
			continue
		}
		cat, err := s.window(ctx, e.CommunityID, t.key)
		if err != nil {
			return err
		}
		acceptBy, resolveBy := cat.deadlines(now)
		if _, err := tx.ExecContext(ctx, qReleaseTask, acceptBy, resolveBy, now, t.id); err != nil {
			return fmt.Errorf("release report %d: %w", t.id, err)
		}
		if err := step(ctx, tx, t.id, e.CommunityID, 0, "system", "released", "处理人已不再担任该角色，重新派单", now); err != nil {
			return err
		}
		r, err := s.Get(ctx, t.id)
		if err != nil {
			return err
		}
		if err := s.tellStaff(ctx, tx, r, now); err != nil {
			return err
		}
		if _, err := events.Publish(ctx, tx, e.CommunityID, TopicSubmitted, map[string]int64{"report_id": t.id}, now); err != nil {
			return err
		}
	}
	return nil
}

-- +goose Up
-- The role in which the assignee holds a report (grid_worker, volunteer or staff): revoking that
-- role takes the report back at once. Empty for reports assigned before this was kept.
ALTER TABLE reports ADD COLUMN assignee_role VARCHAR(16) NOT NULL DEFAULT '';

-- +goose Up
-- A worker's tasks by time, whatever their status: 我的任务 unfiltered reads a page of them.
CREATE INDEX idx_reports_assignee_created ON reports (assignee_user_id, created_at, id);

-- +goose Up
-- Reports by status and time resolved: the ones resolved a week ago are closed through it.
CREATE INDEX idx_reports_resolved ON reports (status, resolved_at);

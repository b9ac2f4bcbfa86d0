-- +goose Up
-- Reports by status and acceptance deadline: escalation finds the assigned ones past it.
CREATE INDEX idx_reports_accept_due ON reports (status, accept_by);

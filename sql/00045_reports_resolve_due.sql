-- +goose Up
-- Reports by status and resolution deadline: escalation finds the accepted ones past it.
CREATE INDEX idx_reports_resolve_due ON reports (status, resolve_by);

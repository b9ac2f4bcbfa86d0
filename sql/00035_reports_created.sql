-- +goose Up
-- A community's reports by time, whatever their status: staff's unfiltered list and the
-- overview's reports per category read through it rather than the whole community.
CREATE INDEX idx_reports_created ON reports (community_id, created_at, id);

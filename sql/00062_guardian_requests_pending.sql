-- +goose Up
-- A community's requests by status and kind, read from the index alone: the overview counts the
-- pending ones of each kind.
CREATE INDEX idx_guardian_requests_kind ON guardian_requests (community_id, status, kind);

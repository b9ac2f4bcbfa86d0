-- +goose Up
-- Staff tables list in time order both ways, with or without a status: a community's requests
-- of every status are read through this index (idx_guardian_requests_community serves one status).
CREATE INDEX idx_guardian_requests_time ON guardian_requests (community_id, created_at, id);

-- +goose Up
-- Staff find a community's residents by the start of their name (to grant a role) through it.
CREATE INDEX idx_users_name ON users (community_id, name);

-- +goose Up
-- Counts a user's unread messages without reading the ones already read.
CREATE INDEX idx_messages_unread ON messages (user_id, read_at);

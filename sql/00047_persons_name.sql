-- +goose Up
-- Staff find a person by the start of their name (a surname, or the whole name) through it,
-- however large the register.
CREATE INDEX idx_persons_name ON persons (community_id, name);

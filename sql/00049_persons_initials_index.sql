-- +goose Up
-- Staff search by the start of a name's pinyin initials reads only the matches.
CREATE INDEX idx_persons_initials ON persons (community_id, name_initials);

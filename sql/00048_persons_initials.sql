-- +goose Up
-- A name's pinyin initials (王秀英 → wxy), so staff find a person by typing them; NULL until the
-- commands fill in the rows registered before (person.FillInitials).
ALTER TABLE persons ADD COLUMN name_initials VARCHAR(64) NULL;

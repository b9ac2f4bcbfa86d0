-- +goose Up
-- The rest of a person's record (一人一档). ID card, phone and emergency contacts are AES-GCM
-- sealed (pii.Box); the *_hash columns are keyed hashes for exact-match search.
ALTER TABLE persons
  ADD COLUMN id_card_enc VARBINARY(128) NULL,
  ADD COLUMN id_card_hash BINARY(32) NULL,
  ADD COLUMN phone_enc VARBINARY(128) NULL,
  ADD COLUMN phone_hash BINARY(32) NULL,
  ADD COLUMN living_alone BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN care_level VARCHAR(24) NOT NULL DEFAULT 'self_care',
  ADD COLUMN diet_notes VARCHAR(800) NOT NULL DEFAULT '',
  ADD COLUMN contacts_enc VARBINARY(2048) NULL,
  ADD COLUMN created_by BIGINT NULL,
  ADD COLUMN verified_at DATETIME(6) NULL,
  ADD COLUMN verified_by BIGINT NULL;

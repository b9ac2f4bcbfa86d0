-- +goose Up
-- id_card_matched says, for a join or a claim, whether the ID card the requester gave matched the
-- record (NULL for a registration): every claim and join is filed alike for staff to decide, so
-- that a wrong guess and a right one are answered the same. open_claim is 1 while a claim is
-- pending and NULL after: one open claim per user, whichever record (or none) it matched.
ALTER TABLE guardian_requests ADD COLUMN id_card_matched TINYINT NULL, ADD COLUMN open_claim TINYINT NULL,
  ADD UNIQUE KEY uk_guardian_requests_claim (user_id, open_claim);

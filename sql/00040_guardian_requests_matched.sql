-- +goose Up
-- Joins and claims filed before id_card_matched all had shown the ID card.
UPDATE guardian_requests SET id_card_matched = 1 WHERE kind <> 'register';

-- +goose Up
-- One record per ID card in a community; persons without one (NULL) are not constrained.
CREATE UNIQUE INDEX uk_persons_id_card ON persons (community_id, id_card_hash);

-- +goose Up
-- subsidy_status is set by staff only: '' (none), dibao (低保) or tekun (特困). no_shows counts
-- the meals booked for the person and never collected.
ALTER TABLE persons
  ADD COLUMN subsidy_status VARCHAR(16) NOT NULL DEFAULT '',
  ADD COLUMN no_shows INT NOT NULL DEFAULT 0;

-- +goose Up
-- A course staff cancelled: its enrolments end and its persons are told. Cancelled courses leave
-- the public list but stay readable (those who were enrolled see why).
ALTER TABLE courses ADD COLUMN cancelled_at DATETIME(6) NULL, ADD COLUMN cancel_reason VARCHAR(200) NOT NULL DEFAULT '';

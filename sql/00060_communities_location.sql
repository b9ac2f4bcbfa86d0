-- +goose Up
-- Where a community is (its service centre), so a visitor can find the nearest one; NULL until
-- set (linli admin locate-community).
ALTER TABLE communities ADD COLUMN lat DECIMAL(9,6) NULL, ADD COLUMN lng DECIMAL(9,6) NULL;

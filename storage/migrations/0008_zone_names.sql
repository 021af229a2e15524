-- A zone's own names in some languages (OpenStreetMap's name:en, name:fr, ...) as a JSON
-- object, '' for none; unnamed police stations are kept, and shown by these or by their kind.
ALTER TABLE zones ADD COLUMN names TEXT NOT NULL DEFAULT '';
ALTER TABLE osm_stations ADD COLUMN names TEXT NOT NULL DEFAULT '';

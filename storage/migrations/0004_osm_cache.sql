-- Police stations fetched live from OpenStreetMap (Overpass), cached by area. Kept apart
-- from the curated zones, so the zone search and `export` never see them.
CREATE TABLE osm_areas (
    area TEXT PRIMARY KEY,
    fetched_at REAL NOT NULL
);
CREATE INDEX osm_areas_by_age ON osm_areas (fetched_at);

CREATE TABLE osm_stations (
    area TEXT NOT NULL REFERENCES osm_areas (area) ON DELETE CASCADE,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('exchange_zone', 'police_station')),
    lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon REAL NOT NULL CHECK (lon >= -180 AND lon < 180),
    address TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    opening_hours TEXT NOT NULL DEFAULT '',
    video INTEGER,
    lit INTEGER,
    staffed INTEGER,
    phone TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    verified TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (area, id)
);
CREATE INDEX osm_stations_by_id ON osm_stations (id);

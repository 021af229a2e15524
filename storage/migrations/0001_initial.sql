-- Zones, their R*Tree index, users' language choice and the geocoder cache.
CREATE TABLE zones (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
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
    verified TEXT NOT NULL DEFAULT ''
);

CREATE VIRTUAL TABLE zones_rtree USING rtree(zone_rowid, min_lat, max_lat, min_lon, max_lon);

CREATE TRIGGER zones_rtree_insert AFTER INSERT ON zones BEGIN
    INSERT INTO zones_rtree VALUES (new.rowid, new.lat, new.lat, new.lon, new.lon);
END;

CREATE TRIGGER zones_rtree_update AFTER UPDATE OF lat, lon ON zones BEGIN
    UPDATE zones_rtree
    SET min_lat = new.lat, max_lat = new.lat, min_lon = new.lon, max_lon = new.lon
    WHERE zone_rowid = new.rowid;
END;

CREATE TRIGGER zones_rtree_delete AFTER DELETE ON zones BEGIN
    DELETE FROM zones_rtree WHERE zone_rowid = old.rowid;
END;

CREATE TABLE users (
    user_id INTEGER PRIMARY KEY,
    language TEXT NOT NULL,
    updated_at REAL NOT NULL
);

CREATE TABLE geocode_cache (
    query TEXT PRIMARY KEY,
    found INTEGER NOT NULL,
    lat REAL,
    lon REAL,
    label TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL
);

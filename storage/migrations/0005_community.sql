-- Community reports on zones, suggestions of new zones (both reviewed by admins), and
-- hidden zones: a zone confirmed closed keeps its row but leaves the R*Tree, so no search
-- finds it. Every writer of zones_rtree must skip rows with hidden = 1.
ALTER TABLE zones ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1));

DROP TRIGGER zones_rtree_insert;
CREATE TRIGGER zones_rtree_insert AFTER INSERT ON zones WHEN new.hidden = 0 BEGIN
    INSERT INTO zones_rtree VALUES (new.rowid, new.lat, new.lat, new.lon, new.lon);
END;

DROP TRIGGER zones_rtree_update;
CREATE TRIGGER zones_rtree_update AFTER UPDATE OF lat, lon ON zones WHEN new.hidden = 0 BEGIN
    UPDATE zones_rtree
    SET min_lat = new.lat, max_lat = new.lat, min_lon = new.lon, max_lon = new.lon
    WHERE zone_rowid = new.rowid;
END;

CREATE TRIGGER zones_rtree_hide AFTER UPDATE OF hidden ON zones
WHEN new.hidden = 1 AND old.hidden = 0 BEGIN
    DELETE FROM zones_rtree WHERE zone_rowid = new.rowid;
END;

CREATE TRIGGER zones_rtree_show AFTER UPDATE OF hidden ON zones
WHEN new.hidden = 0 AND old.hidden = 1 BEGIN
    INSERT OR REPLACE INTO zones_rtree VALUES (new.rowid, new.lat, new.lat, new.lon, new.lon);
END;

-- A user's report about a zone (or an OpenStreetMap station: zone_id need not be in zones).
-- zone_name is a copy, so the review still reads well if the zone changes or goes.
CREATE TABLE community_reports (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    zone_id TEXT NOT NULL,
    zone_name TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('closed', 'moved', 'not_zone', 'unsafe', 'other')),
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at REAL NOT NULL,
    decided_at REAL
);
CREATE INDEX community_reports_by_user ON community_reports (user_id, created_at);
CREATE INDEX community_reports_pending ON community_reports (created_at)
    WHERE status = 'pending';
CREATE INDEX community_reports_decided ON community_reports (decided_at)
    WHERE decided_at IS NOT NULL;

-- A user's suggestion of a new zone. AUTOINCREMENT: an approved suggestion's zone id is
-- built from its id, so an id is never reused after a purge.
CREATE TABLE community_suggestions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon REAL NOT NULL CHECK (lon >= -180 AND lon < 180),
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'rejected')),
    zone_id TEXT,
    created_at REAL NOT NULL,
    decided_at REAL
);
CREATE INDEX community_suggestions_by_user ON community_suggestions (user_id, created_at);
CREATE INDEX community_suggestions_pending ON community_suggestions (created_at)
    WHERE status = 'pending';
CREATE INDEX community_suggestions_decided ON community_suggestions (decided_at)
    WHERE decided_at IS NOT NULL;

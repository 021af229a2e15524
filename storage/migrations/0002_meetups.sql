-- Meetup plans, their reminders (the source of truth for scheduling) and each user's last
-- search (zone ids only, never the user's position).
CREATE TABLE meetups (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    zone_id TEXT NOT NULL,
    zone_name TEXT NOT NULL,
    zone_address TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    country TEXT NOT NULL,
    timezone TEXT NOT NULL,
    starts_at REAL NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'cancelled')),
    created_at REAL NOT NULL
);
CREATE INDEX meetups_by_user ON meetups (user_id, starts_at);
CREATE INDEX meetups_by_start ON meetups (starts_at);

CREATE TABLE reminders (
    id INTEGER PRIMARY KEY,
    meetup_id INTEGER NOT NULL REFERENCES meetups (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('before', 'checkin')),
    offset_s INTEGER NOT NULL,
    due_at REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sending', 'sent', 'skipped', 'missed', 'cancelled')),
    updated_at REAL NOT NULL
);
CREATE INDEX reminders_by_meetup ON reminders (meetup_id);
CREATE INDEX reminders_pending ON reminders (due_at) WHERE state = 'pending';

CREATE TABLE last_searches (
    user_id INTEGER PRIMARY KEY,
    zone_ids TEXT NOT NULL,
    created_at REAL NOT NULL
);

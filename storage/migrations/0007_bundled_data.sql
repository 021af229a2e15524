-- Data files shipped in the package and loaded at start (the US police stations): the
-- checksum of what was last loaded, so an unchanged file is not loaded again at every start.
CREATE TABLE bundled_data (
    name TEXT PRIMARY KEY,
    checksum TEXT NOT NULL
);

-- Hidden zones (confirmed closed) are few; live OpenStreetMap results are checked against
-- them on every live search, so they get a partial index instead of a scan of every zone.
CREATE INDEX zones_hidden ON zones (id) WHERE hidden = 1;

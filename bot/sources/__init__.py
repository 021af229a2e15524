"""Outside data sources: geocoder, Overpass, live and cached OpenStreetMap stations, postal data."""

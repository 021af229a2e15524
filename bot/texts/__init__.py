"""Everything a user reads: one module per feature, the reply model and the callback data."""

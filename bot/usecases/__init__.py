"""Use cases: what the bot does for a user (find zones, plan and remind, import), on the domain."""

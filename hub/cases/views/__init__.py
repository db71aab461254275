"""The web face of case tracking: the JSON API, the pages, and the administrators' settings."""

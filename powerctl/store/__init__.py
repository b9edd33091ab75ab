"""The caches and the folders they live in (XDG)."""

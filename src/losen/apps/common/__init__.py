"""Building blocks several apps share (not a Django app: no models of its own)."""

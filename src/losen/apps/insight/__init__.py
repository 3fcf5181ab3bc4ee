"""Management information (styringsinformasjon): indicators from SSB, FHI and local sources."""

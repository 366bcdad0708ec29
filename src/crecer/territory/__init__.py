"""Territory master data: departments, provinces, districts (INEI ubigeo), populated centers,
health facilities and boundaries, with altitude, coordinates, area and population."""

"""The entrypoints of the volunteers service, grouped by area (mixed into `VolunteersService`)."""

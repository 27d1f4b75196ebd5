from kit.migrations import run_env
from services.venues.tables import metadata

run_env(metadata)

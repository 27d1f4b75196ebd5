from kit.migrations import run_env
from services.events.tables import metadata

run_env(metadata)

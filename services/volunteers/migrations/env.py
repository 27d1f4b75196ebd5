from kit.migrations import run_env
from services.volunteers.tables import metadata

run_env(metadata)

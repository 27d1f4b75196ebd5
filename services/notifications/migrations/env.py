from kit.migrations import run_env
from services.notifications.tables import metadata

run_env(metadata)

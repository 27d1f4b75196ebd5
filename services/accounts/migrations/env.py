from kit.migrations import run_env
from services.accounts.tables import metadata

run_env(metadata)

from kit.migrations import run_env
from services.reports.tables import metadata

run_env(metadata)

"""The domain package stays plain Python: no framework, no database, no network (DESIGN §2)."""

import ast
import sys
from pathlib import Path

import services.notifications.domain as domain

ALLOWED_THIRD_PARTY = {"standardwebhooks"}
SHARED_PURE = {"kit.clock", "kit.rules"}  # standard library only (checked in the volunteers' purity test)
IO_MODULES = {"socket", "smtplib", "subprocess", "urllib.request", "http", "sqlite3", "requests", "httpx"}


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


def test_domain_imports_only_stdlib_and_standardwebhooks():
    files = sorted(Path(domain.__file__).parent.glob("*.py"))
    assert len(files) >= 5
    for path in files:
        for module in imported_modules(path):
            top = module.split(".")[0]
            assert top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY or module in SHARED_PURE, (
                path.name,
                module,
            )
            assert module not in IO_MODULES and top not in IO_MODULES, (path.name, module)

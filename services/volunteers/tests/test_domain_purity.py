"""The volunteers domain is plain Python: standard library and its own modules only (DESIGN §2)."""

import ast
import sys
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[1] / "domain"
MODULES = sorted(DOMAIN.glob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_domain_module_imports_only_the_standard_library(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    outside = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: another domain module
                continue
            roots = [(node.module or "").split(".")[0]]
        else:
            continue
        outside += [r for r in roots if r not in sys.stdlib_module_names and r != "__future__"]
    assert outside == [], f"{path.name} imports {outside}"


def test_every_domain_module_is_checked():
    assert {p.name for p in MODULES} >= {
        "profiles.py", "ranking.py", "dispatch.py", "offer_links.py", "team_standards.py", "recognition.py", "hours.py"}

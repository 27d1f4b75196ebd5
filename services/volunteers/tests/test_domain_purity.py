"""The volunteers domain is plain Python: standard library and its own modules only (DESIGN §2)."""

import ast
import sys
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[1] / "domain"
# Plain-data contract modules the domain may use (themselves standard library only, checked below).
PURE_CONTRACTS = {"contracts.skills"}
MODULES = sorted(DOMAIN.glob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_domain_module_imports_only_the_standard_library(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    outside = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level or node.module in PURE_CONTRACTS:  # another domain module; the shared vocabulary
                continue
            roots = [(node.module or "").split(".")[0]]
        else:
            continue
        outside += [r for r in roots if r not in sys.stdlib_module_names and r != "__future__"]
    assert outside == [], f"{path.name} imports {outside}"


def test_every_domain_module_is_checked():
    assert {p.name for p in MODULES} >= {
        "profiles.py", "ranking.py", "dispatch.py", "offer_links.py", "team_standards.py", "recognition.py", "hours.py"}


def test_the_contract_modules_the_domain_uses_are_standard_library_only():
    root = DOMAIN.parents[2]
    for name in PURE_CONTRACTS:
        tree = ast.parse((root / (name.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
        roots = [a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        roots += [(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert all(r in sys.stdlib_module_names or r == "__future__" for r in roots), (name, roots)

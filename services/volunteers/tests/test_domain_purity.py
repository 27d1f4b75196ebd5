"""The volunteers domain is plain Python: standard library and its own modules only (DESIGN §2)."""

import ast
import sys
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[1] / "domain"
# Plain-data contract modules the domain may use (themselves standard library only, checked below).
PURE_CONTRACTS = {"contracts.skills"}
MODULES = sorted(DOMAIN.glob("*.py"))
KIT = Path(__file__).resolve().parents[3] / "kit"
# The district clock and the rule errors every domain shares (themselves standard library only).
SHARED_PURE = {"kit.clock", "kit.rules"}


def _outside_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    outside = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level or node.module in PURE_CONTRACTS:  # another domain module; the shared vocabulary
                continue
            names = [node.module or ""]
        else:
            continue
        outside += [
            n
            for n in names
            if n.split(".")[0] not in sys.stdlib_module_names and n != "__future__" and n not in SHARED_PURE
        ]
    return outside


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_domain_module_imports_only_the_standard_library(path):
    assert _outside_imports(path) == [], f"{path.name} imports {_outside_imports(path)}"


@pytest.mark.parametrize("module", sorted(SHARED_PURE))
def test_the_shared_kit_modules_are_standard_library_only(module):
    path = KIT / f"{module.split('.')[1]}.py"
    assert _outside_imports(path) == [], f"{module} imports {_outside_imports(path)}"


def test_every_domain_module_is_checked():
    assert {p.name for p in MODULES} >= {
        "profiles.py",
        "ranking.py",
        "dispatch.py",
        "offer_links.py",
        "team_standards.py",
        "recognition.py",
        "hours.py",
    }


def test_the_contract_modules_the_domain_uses_are_standard_library_only():
    root = DOMAIN.parents[2]
    for name in PURE_CONTRACTS:
        tree = ast.parse((root / (name.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
        roots = [a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        roots += [(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert all(r in sys.stdlib_module_names or r == "__future__" for r in roots), (name, roots)

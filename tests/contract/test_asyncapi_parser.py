"""The AsyncAPI document passes the official parser (@asyncapi/parser, pinned in tools/asyncapi/), as
outside tools (Studio, the generator, Modelina) need, and lists every exchange on the broker."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from contracts.asyncapi import asyncapi_document, exchanges
from kit.settings import SERVICE_NAMES

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "asyncapi"


def test_every_exchange_on_the_broker_is_in_the_document_and_in_subscribing_md():
    # a service publishing no facts yet belongs in contracts.asyncapi.QUIET_EXCHANGES
    assert set(exchanges()) == {f"{service}.events" for service in SERVICE_NAMES}
    bound = {c["bindings"]["amqp"]["exchange"]["name"] for c in asyncapi_document()["channels"].values()}
    assert bound == set(exchanges())
    guide = (ROOT / "docs" / "subscribing.md").read_text(encoding="utf-8")
    assert [e for e in exchanges() if f"`{e}`" not in guide] == []


@pytest.mark.skipif(
    shutil.which("node") is None,
    reason="Node.js is not installed: the official AsyncAPI parser "
    "(@asyncapi/parser) runs on Node; install node to run it",
)
def test_the_official_parser_accepts_the_document(tmp_path):
    if not (TOOL / "node_modules" / "@asyncapi" / "parser").is_dir():  # `make test` installs it the first time
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=TOOL, check=True, timeout=600)
    document = tmp_path / "asyncapi.json"
    document.write_text(json.dumps(asyncapi_document(), ensure_ascii=False), encoding="utf-8")
    checked = subprocess.run(
        ["node", str(TOOL / "validate.mjs"), str(document)], capture_output=True, text=True, timeout=120
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "valid AsyncAPI 3.0.0" in checked.stdout

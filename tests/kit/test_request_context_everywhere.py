"""Issue 10: every service's workers run under the request id they serve (kit.request_context), so a
grep for one id follows a request through all of them — accounts and reports too."""

import importlib

import pytest

from kit.request_context import RequestContext
from wenyun.cli import SERVICES


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_declares_the_request_context(service):
    cls = importlib.import_module(f"services.{service}.service").SERVICE
    assert any(isinstance(value, RequestContext) for value in vars(cls).values()), service

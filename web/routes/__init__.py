"""Every router of the web app: each module of this package that defines `router` is included (one area =
one file, its templates under `web/templates/<area>/`)."""

import importlib
import pkgutil

ROUTERS = []
for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    _router = getattr(importlib.import_module(f"{__name__}.{_module}"), "router", None)
    if _router is not None:
        ROUTERS.append(_router)

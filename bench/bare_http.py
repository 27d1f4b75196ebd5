"""Baseline: a bare HTTP handler on the same server stack as the gateway (uvicorn + starlette), with
no validation, no auth, no RPC and no database — what the same client gets from HTTP alone.

    python -m bench.bare_http --port 8765
"""

from __future__ import annotations

import argparse

import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

VENUE = {
    "name": "嘉平镇文化服务中心",
    "kind": "town_cultural_station",
    "level": "town",
    "parent_id": None,
    "town": "嘉平镇",
    "village": None,
    "address": "",
    "coordinates": None,
    "accessibility": [],
    "contact_phone": None,
    "contact_email": None,
    "description": "",
    "status": "open",
    "created_at": "2026-11-24T07:00:00Z",
}


async def venue(request):
    return JSONResponse({"id": request.path_params["venue_id"], **VENUE})


async def health(request):
    return JSONResponse({"status": "ok"})


app = Starlette(routes=[Route("/api/v1/venues/{venue_id}", venue), Route("/health", health)])

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)

"""Experiment app: the gateway's bearer-token dependency as a plain `def` (run in FastAPI's thread
pool, as gateway.auth does today) or as `async def` (the proposal), on the same uvicorn stack.

    python -m bench.dependency_app --port 8766 --mode sync|async
"""

from __future__ import annotations

import argparse

import jwt
import uvicorn
from fastapi import Depends, FastAPI, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

KEY = b"x" * 32
bearer = HTTPBearer(auto_error=False)


def read(credentials):
    return jwt.decode(credentials.credentials, KEY, algorithms=["HS256"]) if credentials else None


def sync_actor(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)):
    return read(credentials)


async def async_actor(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)):
    return read(credentials)


def make(mode: str) -> FastAPI:
    app = FastAPI()
    dependency = sync_actor if mode == "sync" else async_actor

    @app.get("/api/v1/venues/{venue_id}")
    async def venue(venue_id: str, request: Request, actor=Depends(dependency)):
        return {"id": venue_id, "name": "嘉平镇文化服务中心", "sub": actor["sub"] if actor else None}

    @app.get("/health")
    async def health():
        return {"status": "ok"}

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", choices=("sync", "async"), required=True)
    args = parser.parse_args()
    uvicorn.run(make(args.mode), host="127.0.0.1", port=args.port, log_level="warning", access_log=False)

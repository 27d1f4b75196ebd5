"""The load generator: an asyncio HTTP client run as its OWN process (never inside a service).

    python -m bench.load < spec.json > results.json

spec: {"base_url", "concurrency", "rate" (requests/s, open loop) or null (closed loop: as fast as the
`concurrency` clients go), "timeout", "headers", "warmup" (requests not recorded), "keep" (fields of
the JSON response to return), and either "requests": [{"method", "path", "json"?, "headers"?}, ...]
or "repeat": {"method", "path", "n", "json"?}}.

Each result is [sent_at (epoch s), latency_ms, status (0 = transport error), kept fields or null].
With a rate, latency is counted from the *scheduled* send time, so a client that falls behind does
not hide the queueing it suffered (no coordinated omission).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import httpx


def _requests(spec: dict) -> list[dict]:
    if "requests" in spec:
        return spec["requests"]
    rep = spec["repeat"]
    one = {k: v for k, v in rep.items() if k != "n"}
    return [one] * int(rep["n"])


async def run(spec: dict) -> dict:
    requests = _requests(spec)
    concurrency = max(1, int(spec.get("concurrency", 10)))
    rate = spec.get("rate")
    keep = spec.get("keep") or []
    results: list = [None] * len(requests)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=spec["base_url"], headers=spec.get("headers") or {}, timeout=spec.get("timeout", 30), limits=limits
    ) as client:

        async def one(req: dict):
            response = await client.request(
                req.get("method", "GET"), req["path"], json=req.get("json"), headers=req.get("headers")
            )
            return response

        for _ in range(int(spec.get("warmup", 0))):  # open connections, warm caches; not recorded
            try:
                await one(requests[0] if not spec.get("warmup_request") else spec["warmup_request"])
            except httpx.HTTPError:
                pass

        next_index = iter(range(len(requests)))
        started = time.time()
        t0_perf = time.perf_counter()

        async def worker():
            for i in next_index:
                req = requests[i]
                scheduled = t0_perf + i / rate if rate else None
                if scheduled is not None:
                    delay = scheduled - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                sent = time.perf_counter()
                begin = scheduled if scheduled is not None else sent
                status, kept = 0, None
                try:
                    response = await one(req)
                    status = response.status_code
                    if keep and response.headers.get("content-type", "").startswith("application/json"):
                        body = response.json()
                        if isinstance(body, dict):
                            kept = {k: body.get(k) for k in keep}
                    elif status >= 400:
                        kept = {"error": response.text[:300]}
                except httpx.HTTPError as exc:
                    kept = {"error": f"{exc.__class__.__name__}: {exc}"[:300]}
                latency = (time.perf_counter() - begin) * 1000
                results[i] = [started + (sent - t0_perf), round(latency, 3), status, kept]

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        finished = time.time()
    return {"started": started, "finished": finished, "results": results}


def main() -> int:
    spec = json.load(sys.stdin)
    out = asyncio.run(run(spec))
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

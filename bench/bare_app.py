"""The baseline for relay ingest: a FastAPI endpoint on the relay's own uvicorn settings
that reads the body and answers, and does nothing else."""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from server_stub.relay.server import uvicorn_config

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.post("/v1/reports")
async def read_body(request: Request) -> JSONResponse:
    await request.body()
    return JSONResponse({"id": "bare", "received_day": "2026-11-22"}, status_code=201)


@app.get("/v1/health")
async def health() -> JSONResponse:
    return JSONResponse({"status": "ok"})


if __name__ == "__main__":
    uvicorn.Server(uvicorn_config(app, "127.0.0.1", int(sys.argv[1]), log_level="WARNING")).run()

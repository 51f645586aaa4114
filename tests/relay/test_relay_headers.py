"""What every response carries and what none does: security headers, no Server, no
cookies, no CORS, no interactive docs, and errors that say nothing about the input."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest

from server_stub.relay.config import RelayConfig
from server_stub.relay.storage import NewReport, Receipt, Storage, open_engine

SECURITY = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
}


def _responses(client: httpx.Client, org: httpx.Client, publisher) -> list[httpx.Response]:
    org.put("/v1/org/bundles/alerts/gb-lon", content=publisher.bundle(1),
            headers={"content-type": "application/json"})
    return [
        client.get("/v1/health"),
        client.get("/v1/pow"),
        client.get("/openapi.json"),
        client.get("/nowhere"),
        client.delete("/v1/health"),
        client.post("/v1/reports", json={}),
        client.post("/v1/reports", content=b"{", headers={"content-type": "application/json"}),
        client.post("/v1/reports", content=b"x" * 70_000),
        client.get("/v1/org/envelopes"),
        org.get("/v1/org/envelopes"),
        client.get("/v1/bundles/alerts/gb-lon"),
        client.get("/v1/bundles/alerts/gb-lon", params={"since": 1}),
    ]


def test_every_response_has_the_security_headers(client: httpx.Client, org: httpx.Client,
                                                 publisher) -> None:
    for response in _responses(client, org, publisher):
        where = f"{response.request.method} {response.request.url.path} {response.status_code}"
        assert "server" not in response.headers, where
        assert "set-cookie" not in response.headers, where
        for name, value in SECURITY.items():
            assert response.headers.get(name) == value, where
        expected = "no-cache" if response.request.url.path.startswith("/v1/bundles/") \
            else "no-store"
        assert response.headers["cache-control"] == expected, where
        assert "date" in response.headers, where
        if response.status_code >= 400:
            assert set(response.json()) == {"error", "detail"}, where


def test_no_cors(client: httpx.Client) -> None:
    origin = {"origin": "https://elsewhere.example"}
    simple = client.get("/v1/health", headers=origin)
    preflight = client.options("/v1/reports", headers={
        **origin, "access-control-request-method": "POST"})
    for response in (simple, preflight):
        assert not [h for h in response.headers if h.startswith("access-control-")]
    assert preflight.status_code == 405


def test_no_interactive_docs_but_a_schema(client: httpx.Client) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) == {
        "/v1/health", "/v1/pow", "/v1/reports", "/v1/bundles/{kind}/{name}",
        "/v1/org/envelopes", "/v1/org/envelopes/ack", "/v1/org/bundles/{kind}/{name}",
        "/v1/replies/{token}", "/v1/org/replies"}
    report = schema["paths"]["/v1/reports"]["post"]["responses"]
    assert {"200", "201", "400", "403", "409", "413", "422", "429"} <= set(report)


class ExplodingStorage(Storage):
    def store_report(self, report: NewReport) -> tuple[Receipt, bool]:
        raise RuntimeError(f"database broke while writing {report.idempotency_key}")


def test_an_unexpected_error_says_and_logs_nothing_of_the_input(
        app_client: Callable[..., httpx.Client], make_config: Callable[..., RelayConfig],
        make_submission, caplog: pytest.LogCaptureFixture) -> None:
    # Given a relay whose database fails with a message quoting the input
    storage = ExplodingStorage(open_engine(make_config().db_url))
    storage.migrate()
    client = app_client(storage=storage)
    body = make_submission(client)
    # When a report arrives
    with caplog.at_level(logging.INFO):
        response = client.post("/v1/reports", json=body)
    # Then the client gets a bare 500, and the log names the error type, not the message
    assert response.status_code == 500
    assert response.json() == {"error": "internal", "detail": "the relay could not handle this"}
    assert body["idempotency_key"] not in response.text
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "RuntimeError" in logged
    assert body["idempotency_key"] not in logged
    assert "database broke" not in logged
    storage.close()

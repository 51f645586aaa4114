"""Signed bundles: upload (verified against the pinned root, version strictly growing)
and download (ETag, 304, since, gzip). A refused upload leaves the held bundle alone."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from server_stub.relay.bundles import accepts_gzip, none_match
from server_stub.relay.storage import BUNDLE_HISTORY
from sync.protocol.delta import MEDIA_TYPE as PATCH_TYPE
from sync.protocol.delta import apply_patch

PATH = "/v1/org/bundles/alerts/gb-lon"
PUBLIC = "/v1/bundles/alerts/gb-lon"


def _put(org: httpx.Client, raw: bytes, path: str = PATH) -> httpx.Response:
    return org.put(path, content=raw, headers={"content-type": "application/json"})


def _held(client: httpx.Client) -> bytes | None:
    response = client.get(PUBLIC, headers={"accept-encoding": "identity"})
    return response.content if response.status_code == 200 else None


def test_publish_then_download(client: httpx.Client, org: httpx.Client, publisher) -> None:
    # Given a signed bundle uploaded by the organisation
    raw = publisher.bundle(1)
    uploaded = _put(org, raw)
    assert uploaded.status_code == 200
    info = uploaded.json()
    assert (info["kind"], info["name"], info["version"]) == ("alerts", "gb-lon", 1)
    # When anyone downloads it
    response = client.get(PUBLIC, headers={"accept-encoding": "identity"})
    # Then they get the signed bytes unchanged, with a strong ETag and no-cache
    assert response.status_code == 200
    assert response.content == raw
    assert response.headers["content-type"] == "application/json"
    assert response.headers["etag"] == info["etag"]
    assert not response.headers["etag"].startswith("W/")
    assert response.headers["cache-control"] == "no-cache"


def test_unknown_bundle_is_404(client: httpx.Client) -> None:
    response = client.get("/v1/bundles/alerts/nowhere")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_if_none_match_and_since(client: httpx.Client, org: httpx.Client, publisher) -> None:
    _put(org, publisher.bundle(2))
    etag = client.get(PUBLIC, headers={"accept-encoding": "identity"}).headers["etag"]
    # The same ETag (also weak, also in a list) -> 304 with no body
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = client.get(PUBLIC, headers={"if-none-match": header})
        assert response.status_code == 304, header
        assert response.content == b""
    assert client.get(PUBLIC, headers={"if-none-match": '"other"'}).status_code == 200
    # since >= held version -> 304; older -> the whole bundle
    assert client.get(PUBLIC, params={"since": 2}).status_code == 304
    assert client.get(PUBLIC, params={"since": 5}).status_code == 304
    assert client.get(PUBLIC, params={"since": 1}).status_code == 200


def _alerts(count: int, text: str = "summary") -> list[dict[str, object]]:
    return [{"id": f"a-{n:04d}", "summary": f"{text} {n}"} for n in range(count)]


def test_since_gets_a_patch_that_rebuilds_the_latest(client: httpx.Client, org: httpx.Client,
                                                     publisher) -> None:
    # Given a phone holding version 1 of a region, and version 2 with one alert more
    old, new = publisher.bundle(1, items=_alerts(200)), publisher.bundle(2, items=_alerts(201))
    _put(org, old)
    _put(org, new)
    latest_tag = client.get(PUBLIC, headers={"accept-encoding": "identity"}).headers["etag"]
    # When the phone asks for what changed since version 1
    response = client.get(PUBLIC, params={"since": 1}, headers={"accept-encoding": "identity"})
    # Then it gets a small patch, under its own ETag, that gives back version 2 exactly
    assert response.status_code == 200
    assert response.headers["content-type"] == PATCH_TYPE
    assert response.headers["etag"] == latest_tag[:-1] + '-from-1"'
    assert len(response.content) < len(new) / 10
    assert apply_patch(old, response.content) == new
    # gzip as for bundles
    with client.stream("GET", PUBLIC, params={"since": 1},
                       headers={"accept-encoding": "gzip"}) as zipped:
        body = b"".join(zipped.iter_raw())
        assert zipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == response.content
    # A phone that already has version 2 (by ETag or by since) still gets a 304
    assert client.get(PUBLIC, params={"since": 1},
                      headers={"if-none-match": latest_tag}).status_code == 304
    assert client.get(PUBLIC, params={"since": 2}).status_code == 304


def test_the_whole_bundle_when_no_patch_fits(client: httpx.Client, org: httpx.Client,
                                             publisher) -> None:
    # Given more publications than the history keeps, each one alert more
    last = BUNDLE_HISTORY + 3
    for version in range(1, last + 1):
        _put(org, publisher.bundle(version, items=_alerts(40 + version)))

    def answer(since: int) -> str:
        response = client.get(PUBLIC, params={"since": since},
                              headers={"accept-encoding": "identity"})
        assert response.status_code == 200
        return response.headers["content-type"]

    # Then a version still in the history gets a patch, an older one the whole bundle
    assert answer(last - BUNDLE_HISTORY + 1) == PATCH_TYPE
    assert answer(last - BUNDLE_HISTORY) == "application/json"
    assert answer(0) == "application/json"
    # And a publication that reorders or rewrites most alerts goes out whole
    _put(org, publisher.bundle(last + 1, items=list(reversed(_alerts(40 + last)))))
    assert answer(last) == "application/json"
    _put(org, publisher.bundle(last + 2, items=_alerts(40 + last, "rewritten")))
    assert answer(last + 1) == "application/json"


def test_gzip_when_accepted(client: httpx.Client, org: httpx.Client, publisher) -> None:
    raw = publisher.bundle(1, items=[{"text": "same words again " * 20}] * 50)
    _put(org, raw)
    plain = client.get(PUBLIC, headers={"accept-encoding": "identity"})
    # httpx decodes gzip itself; read the raw stream to see the coding
    with client.stream("GET", PUBLIC, headers={"accept-encoding": "gzip"}) as zipped:
        body = b"".join(zipped.iter_raw())
        headers = zipped.headers
    assert headers["content-encoding"] == "gzip"
    assert headers["vary"] == "Accept-Encoding"
    assert gzip.decompress(body) == raw
    assert len(body) < len(raw)
    # Each representation has its own strong ETag; either one revalidates
    assert headers["etag"] != plain.headers["etag"]
    for etag in (headers["etag"], plain.headers["etag"]):
        assert client.get(PUBLIC, headers={"if-none-match": etag,
                                           "accept-encoding": "gzip"}).status_code == 304


def test_versions_must_grow(client: httpx.Client, org: httpx.Client, publisher) -> None:
    # Given version 3 is held
    v3 = publisher.bundle(3)
    assert _put(org, v3).status_code == 200
    # Then re-uploading it, or rolling back to 2, is a conflict and changes nothing
    for stale in (v3, publisher.bundle(3), publisher.bundle(2)):
        response = _put(org, stale)
        assert response.status_code == 409
        assert response.json()["error"] == "bundle_not_newer"
    assert _held(client) == v3
    # And version 4 replaces it
    v4 = publisher.bundle(4)
    assert _put(org, v4).status_code == 200
    assert _held(client) == v4


def _tampered(raw: bytes) -> bytes:
    document = json.loads(raw)
    document["signed"]["items"] = [{"n": "forged"}]
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


@pytest.mark.parametrize(("case", "status", "code"), [
    ("unknown key", 403, "bad_signature"),
    ("tampered", 403, "bad_signature"),
    ("wrong name", 400, "wrong_bundle"),
    ("wrong kind", 400, "wrong_bundle"),
    ("expired", 400, "bundle_expired"),
    ("not canonical", 400, "malformed_bundle"),
    ("not json", 400, "malformed_bundle"),
])
def test_bad_uploads_are_refused_and_nothing_changes(
        client: httpx.Client, org: httpx.Client, publisher, case: str, status: int,
        code: str) -> None:
    # Given version 1 is held
    v1 = publisher.bundle(1)
    _put(org, v1)
    bad = {
        "unknown key": lambda: publisher.bundle(2, key=Ed25519PrivateKey.generate()),
        "tampered": lambda: _tampered(publisher.bundle(2)),
        "wrong name": lambda: publisher.bundle(2, name="gb-man"),
        "wrong kind": lambda: publisher.bundle(2, kind="directory"),
        "expired": lambda: publisher.bundle(2, expires_in=timedelta(seconds=-1),
                                            issued_ago=timedelta(days=1)),
        "not canonical": lambda: json.dumps(json.loads(publisher.bundle(2)), indent=1).encode(),
        "not json": lambda: b"{not json",
    }[case]()
    # When a bad version 2 is uploaded
    response = _put(org, bad)
    # Then it is refused with the right status and version 1 is still served
    assert response.status_code == status
    assert response.json()["error"] == code
    assert _held(client) == v1


def test_nothing_is_stored_when_the_first_upload_is_bad(client: httpx.Client, org: httpx.Client,
                                                        publisher) -> None:
    response = _put(org, publisher.bundle(1, key=Ed25519PrivateKey.generate()))
    assert response.status_code == 403
    assert client.get(PUBLIC).status_code == 404


def test_too_large_upload(app_client, org_token: str, publisher) -> None:
    client = app_client(max_bundle_bytes=4096)
    raw = publisher.bundle(1, items=[{"text": "x" * 5000}])
    response = client.put(PATH, content=raw, headers={
        "content-type": "application/json", "authorization": f"Bearer {org_token}"})
    assert response.status_code == 413
    assert client.get(PUBLIC).status_code == 404


def test_too_large_streamed_upload(app_client, org_token: str) -> None:
    # No Content-Length: the relay counts the bytes as they arrive
    client = app_client(max_bundle_bytes=4096)

    def chunks():
        for _ in range(10):
            yield b" " * 1024

    response = client.put(PATH, content=chunks(), headers={
        "content-type": "application/json", "authorization": f"Bearer {org_token}"})
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


def test_uploads_need_a_token(client: httpx.Client, publisher) -> None:
    raw = publisher.bundle(1)
    for headers in ({}, {"authorization": "Bearer " + "A" * 43}, {"authorization": "Basic x"}):
        response = client.put(PATH, content=raw, headers={"content-type": "application/json",
                                                          **headers})
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
    assert client.get(PUBLIC).status_code == 404


def test_bad_kind_or_name_in_the_path(client: httpx.Client, org: httpx.Client) -> None:
    assert client.get("/v1/bundles/secrets/gb-lon").status_code == 422
    assert client.get("/v1/bundles/alerts/-bad").status_code == 422
    assert _put(org, b"{}", "/v1/org/bundles/alerts/..").status_code in (404, 422)


def test_header_parsing() -> None:
    assert accepts_gzip("gzip, deflate, br")
    assert accepts_gzip("*")
    assert not accepts_gzip("gzip;q=0")
    assert not accepts_gzip("identity")
    assert not accepts_gzip("*;q=0, br")
    assert not accepts_gzip(None)
    assert none_match('W/"a", "b"', ('"a"',))
    assert not none_match('"c"', ('"a"', '"b"'))

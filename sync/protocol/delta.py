"""Bundle patches: what changed between two versions of an alerts bundle.

A patch is not signed, and needs no signature of its own. The client applies it to the
bundle it already holds, which gives back the exact bytes of the newer bundle, and those
bytes carry the organisation's signature. The client then verifies them with
verify_bundle() exactly as if it had downloaded them whole. A relay that tampers with a
patch gets a signature failure, never a changed warning.

A patch is canonical JSON::

    {"format": 1, "from_version": <int>, "from_sha256": "<hex of the older bundle>",
     "signed": {<the newer bundle's signed part, without "items">},
     "signatures": [<the newer bundle's signatures, as they are>],
     "removed": ["<id>", ...], "changed": [{<item>}, ...], "added": [{<item>}, ...]}

Applying: the older bundle's items in their order, without those whose id is in
``removed``, each one whose id appears in ``changed`` replaced by that item, then
``added`` at the end. Publishers list alerts oldest first, so a new alert lands at
the end and a withdrawn one drops out. A change that moves an item to a different
place cannot be written as a patch, and the relay serves the whole bundle.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from app.core import canonical
from app.core.errors import CanonicalError
from sync.protocol.bundle import MAX_ITEMS
from sync.protocol.codec import as_int, as_list, as_str, exact_keys
from sync.protocol.errors import PatchError
from sync.protocol.signing import MAX_SIGNATURES, parse_file

PATCH_FORMAT = 1
MEDIA_TYPE = "application/vnd.brolly.bundle-patch+json"
_PATCH_KEYS = frozenset({"format", "from_version", "from_sha256", "signed", "signatures",
                         "removed", "changed", "added"})
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def make_patch(old_raw: bytes, new_raw: bytes) -> bytes | None:
    """The patch that turns ``old_raw`` into ``new_raw``, or None if there is none (items
    without unique string ids, or a reordering). Whether it is worth sending instead of
    the whole bundle is the sender's call."""
    try:
        old, new = _signed(old_raw), _signed(new_raw)
        old_items, new_items = _by_id(old["items"]), _by_id(new["items"])
    except PatchError:
        return None
    kept = [item_id for item_id in old_items if item_id in new_items]
    added = [item_id for item_id in new_items if item_id not in old_items]
    if list(new_items) != kept + added:
        return None
    header = {key: value for key, value in new.items() if key != "items"}
    patch = canonical.encode({
        "format": PATCH_FORMAT, "from_version": old["version"],
        "from_sha256": hashlib.sha256(old_raw).hexdigest(),
        "signed": header, "signatures": canonical.decode(new_raw)["signatures"],
        "removed": [item_id for item_id in old_items if item_id not in new_items],
        "changed": [new_items[i] for i in kept if new_items[i] != old_items[i]],
        "added": [new_items[i] for i in added]})
    if apply_patch(old_raw, patch) != new_raw:
        return None
    return patch


def apply_patch(old_raw: bytes, patch_raw: bytes) -> bytes:
    """The bytes of the newer bundle, still to be verified; PatchError if ``patch_raw`` is
    malformed or was made for another bundle than ``old_raw``."""
    patch = _parse(patch_raw)
    if patch["from_sha256"] != hashlib.sha256(old_raw).hexdigest():
        raise PatchError("patch was made for another bundle than the one held")
    old_items = _by_id(_signed(old_raw)["items"])
    removed = set(patch["removed"])
    changed = _by_id(patch["changed"])
    added = _by_id(patch["added"])
    if not removed | set(changed) <= set(old_items) or removed & set(changed):
        raise PatchError("patch removes or changes an item the bundle does not hold")
    if set(added) & (set(old_items) - removed):
        raise PatchError("patch adds an item the bundle already holds")
    items = [changed.get(item_id, item) for item_id, item in old_items.items()
             if item_id not in removed]
    signed = {**patch["signed"], "items": items + list(added.values())}
    try:
        return canonical.encode({"signed": signed, "signatures": patch["signatures"]})
    except CanonicalError:
        raise PatchError("patch does not give a canonical bundle") from None


def _parse(patch_raw: bytes) -> dict[str, Any]:
    try:
        patch = exact_keys(canonical.decode(patch_raw), _PATCH_KEYS, "patch", PatchError)
    except CanonicalError:
        raise PatchError("patch is not canonical JSON") from None
    if as_int(patch["format"], "patch format", PatchError) != PATCH_FORMAT:
        raise PatchError("patch format is unknown")
    as_int(patch["from_version"], "patch from_version", PatchError, minimum=1)
    as_str(patch["from_sha256"], "patch from_sha256", PatchError, _SHA256_HEX)
    if not isinstance(patch["signed"], dict) or "items" in patch["signed"]:
        raise PatchError("patch signed part must be an object without items")
    as_list(patch["signatures"], "patch signatures", PatchError, max_items=MAX_SIGNATURES)
    for key in ("removed", "changed", "added"):
        as_list(patch[key], f"patch {key}", PatchError, max_items=MAX_ITEMS)
    if not all(isinstance(item_id, str) for item_id in patch["removed"]):
        raise PatchError("patch removed must list ids")
    return patch


def _signed(raw: bytes) -> dict[str, Any]:
    signed = parse_file(raw, PatchError).signed
    if not isinstance(signed.get("items"), list) or not isinstance(signed.get("version"), int):
        raise PatchError("not a bundle")
    return signed


def _by_id(items: list[Any]) -> dict[str, dict[str, Any]]:
    """Items by id, in order; PatchError unless every item is an object with a unique id."""
    by_id: dict[str, dict[str, Any]] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise PatchError("an item has no id")
        if item["id"] in by_id:
            raise PatchError("two items share an id")
        by_id[item["id"]] = item
    return by_id

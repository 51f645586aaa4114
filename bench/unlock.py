"""Unlocking: Argon2id with the real parameters, then opening the SQLCipher vault.

The memory is measured, not read off the parameters: a fresh child process derives a
key once and reports how far its peak resident size rose above where it was (Argon2id
fills all of its memory_kib, which is what makes guessing passcodes on a GPU costly).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from app.vault.kdf import KdfParams, derive
from app.vault.vault import Vault
from bench.harness import Figure, median, timed

PASSCODE = "a bench passcode"
TARGET_SECONDS = 2.0

# VmHWM, not ru_maxrss: a child inherits its parent's ru_maxrss across fork.
_PEAK_CHILD = """
import json, secrets, sys
from app.vault.kdf import KdfParams, derive

def status(field):
    with open("/proc/self/status") as lines:
        return next(int(l.split()[1]) for l in lines if l.startswith(field + ":"))

params = KdfParams(**json.loads(sys.argv[1]))
before = status("VmRSS")
derive("a bench passcode", secrets.token_bytes(16), params).wipe()
print(json.dumps({"rss_before_kib": before, "peak_after_kib": status("VmHWM")}))
"""


def unlock(runs: int) -> list[Figure]:
    params = KdfParams()
    derive_samples, unlock_samples = [], []
    with tempfile.TemporaryDirectory() as scratch:
        vault = Vault(Path(scratch), params=params)
        vault.create(PASSCODE)
        vault.lock()
        salt = secrets.token_bytes(16)
        for _ in range(runs):
            derive_samples.append(timed(lambda: derive(PASSCODE, salt, params).wipe()))
            unlock_samples.append(timed(lambda: vault.unlock(PASSCODE)))
            vault.lock()
    seconds = median(unlock_samples)
    peak = kdf_peak_memory(params)
    return [
        Figure("unlock", "Unlock: Argon2id + open the vault", seconds, "s",
               target=f"< {TARGET_SECONDS:g} s*", met=seconds < TARGET_SECONDS,
               notes={"unlock_samples": unlock_samples, "derive_samples": derive_samples,
                      "derive_s": median(derive_samples),
                      "open_s": seconds - median(derive_samples), "kdf": params.to_dict()}),
        Figure("kdf_memory", "Unlock: memory Argon2id takes (peak RSS rise)",
               peak["rise_mib"], "MiB", baseline=params.memory_kib / 1024,
               baseline_name="memory_kib configured", notes=peak),
    ]


def kdf_peak_memory(params: KdfParams) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, "-c", _PEAK_CHILD, json.dumps(params.to_dict())],
                          capture_output=True, text=True, env=env, timeout=120, check=True)
    found = json.loads(done.stdout)
    return {**found, "rise_mib": (found["peak_after_kib"] - found["rss_before_kib"]) / 1024}

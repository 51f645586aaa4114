"""Run by test_rekey_interrupted in a child process: changes the passcode, dying on cue.

usage: rekey_child.py DATA_DIR step K      -- change A -> B, SIGKILL itself after step K
       rekey_child.py DATA_DIR loop        -- change A <-> B forever, printing each change
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from app.vault import vault as vault_module
from app.vault.kdf import KdfParams
from app.vault.vault import Vault

A, B = "passcode A", "passcode B"
_steps = 0
_kill_after = -1


def _counting(original):  # type: ignore[no-untyped-def]
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        global _steps
        result = original(*args, **kwargs)
        # Count only the steps vault.py takes itself, not those inside write_header.
        if not sys._getframe(1).f_code.co_filename.endswith("vault.py"):
            return result
        _steps += 1
        if _steps == _kill_after:
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    return wrapper


def main() -> None:
    global _kill_after
    data_dir, mode = Path(sys.argv[1]), sys.argv[2]
    vault = Vault(data_dir, params=KdfParams.insecure_fast())
    if mode == "step":
        vault_module.write_header = _counting(vault_module.write_header)
        vault_module.fsync_dir = _counting(vault_module.fsync_dir)
        vault_module.os.replace = _counting(vault_module.os.replace)  # type: ignore[assignment]
        vault_module.database.export_rekeyed = _counting(vault_module.database.export_rekeyed)
        vault.unlock(A)
        _kill_after = _steps + int(sys.argv[3])
        vault.change_passcode(A, B)
        print("finished", flush=True)
        return
    current = A
    vault.unlock(current)
    print(f"unlocked {current}", flush=True)
    while True:
        new = B if current == A else A
        vault.change_passcode(current, new)
        current = new
        print(f"changed {current}", flush=True)


if __name__ == "__main__":
    main()

"""Running the real `tailor` command on a test's home (the demo world), with only the TAILOR_* given."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TAILOR = str(Path(sys.executable).parent / "tailor")


def tailor(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TAILOR_")}
    environment |= {"TAILOR_HOME": str(home), **env}
    return subprocess.run([TAILOR, *args], env=environment, capture_output=True, text=True, timeout=120)

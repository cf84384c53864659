"""Finding landing files and fingerprinting them (size, checksum, physical line count).

The line count is taken here, independently of DuckDB's readers, so that the load can prove
``lines in = rows loaded + rows quarantined + blank/header lines`` rather than assume it.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from orchestration.extract.sources import SOURCES, SourceSpec

_CHUNK = 1 << 22
_HOUR_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})(?:T(\d{2}))?")


@dataclass(frozen=True)
class LandingFile:
    source: SourceSpec
    path: Path  # absolute
    relative_path: str  # relative to the landing folder, forward slashes: the file's identity
    size: int
    mtime_ns: int

    @property
    def is_gzip(self) -> bool:
        return self.path.name.endswith(".gz")

    @property
    def landed_hour(self) -> str | None:
        """``YYYY-MM-DDTHH`` (or ``YYYY-MM-DD`` for daily files) from the file name: the export time."""
        match = _HOUR_IN_NAME.search(self.path.name)
        if not match:
            return None
        day, hour = match.groups()
        return f"{day}T{hour}" if hour else day


@dataclass(frozen=True)
class Fingerprint:
    sha256: str
    physical_lines: int


def discover(landing_dir: Path, tables: Iterable[str] | None = None) -> list[LandingFile]:
    """All landing files of the given source tables (all sources by default), in a stable order."""
    landing_dir = landing_dir.resolve()
    wanted = list(tables) if tables is not None else list(SOURCES)
    unknown = [t for t in wanted if t not in SOURCES]
    if unknown:
        raise ValueError(f"unknown source table(s) {unknown}; known: {sorted(SOURCES)}")
    found: list[LandingFile] = []
    for table in wanted:
        spec = SOURCES[table]
        for path in sorted(landing_dir.glob(spec.glob)):
            if not path.is_file() or path.name.startswith("."):
                continue
            stat = path.stat()
            rel = path.relative_to(landing_dir).as_posix()
            found.append(LandingFile(spec, path, rel, stat.st_size, stat.st_mtime_ns))
    return found


def unrecognized_files(landing_dir: Path) -> list[str]:
    """Files in the landing folder that no source claims: reported, never silently ignored."""
    landing_dir = landing_dir.resolve()
    claimed = {f.relative_path for f in discover(landing_dir)}
    return sorted(
        p.relative_to(landing_dir).as_posix()
        for p in landing_dir.rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.relative_to(landing_dir).as_posix() not in claimed
    )


def fingerprint(file: LandingFile) -> Fingerprint:
    """SHA-256 of the bytes as landed, and the number of physical lines of the (decompressed) content."""
    digest = hashlib.sha256()
    newlines = 0
    last_byte = b""
    inflater = zlib.decompressobj(wbits=47) if file.is_gzip else None  # 47: gzip or zlib header
    with file.path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            data = chunk
            if inflater is not None:
                data = inflater.decompress(chunk)
                while inflater.unused_data:  # concatenated gzip members
                    rest = inflater.unused_data
                    inflater = zlib.decompressobj(wbits=47)
                    data += inflater.decompress(rest)
            if data:
                newlines += data.count(b"\n")
                last_byte = data[-1:]
    lines = newlines + (1 if last_byte not in (b"", b"\n") else 0)
    return Fingerprint(digest.hexdigest(), lines)


def fingerprint_all(files: list[LandingFile], workers: int = 2) -> dict[str, Fingerprint]:
    """hashlib and zlib release the GIL, so two threads use both cores."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip((f.relative_path for f in files), pool.map(fingerprint, files), strict=True))

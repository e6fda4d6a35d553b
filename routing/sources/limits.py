"""Size and row limits of input files, per kind; checked before a file is parsed.

The same limits hold for the command line and the web import, with the same messages.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Final

from routing.errors import ProblemCollector

MIB: Final = 1024 * 1024


@dataclass(frozen=True)
class FileLimits:
    """What one input file may hold.

    ``max_bytes`` bounds the file as given; ``max_unpacked_bytes`` bounds the members
    of a zip container (an XLSX workbook, a zipped Shapefile) once decompressed;
    ``max_rows`` bounds records (tables) or features (vector files).
    """

    kind: str
    max_bytes: int
    max_unpacked_bytes: int
    max_rows: int

    def __post_init__(self) -> None:
        if min(self.max_bytes, self.max_unpacked_bytes, self.max_rows) <= 0:
            raise ValueError("file limits must be positive")


LIMITS: Final = MappingProxyType(
    {
        limits.kind: limits
        for limits in (
            FileLimits("osm", 64 * MIB, 64 * MIB, 1),  # pyrosm reads the whole extract
            FileLimits("buildings", 16 * MIB, 64 * MIB, 50_000),
            FileLimits("paths", 16 * MIB, 64 * MIB, 100_000),
            FileLimits("boundary", 4 * MIB, 16 * MIB, 1_000),
            FileLimits("households", 16 * MIB, 128 * MIB, 100_000),
            FileLimits("volunteers", 4 * MIB, 32 * MIB, 20_000),
            FileLimits("checkpoints", 4 * MIB, 16 * MIB, 10_000),
        )
    }
)


def _size(count: int) -> str:
    return f"{count / MIB:.1f} MiB" if count >= MIB else f"{count} bytes"


def size_problem(size: int, limits: FileLimits) -> str | None:
    """The message for a file of ``size`` bytes over ``limits.max_bytes``, else None."""
    if size <= limits.max_bytes:
        return None
    return (
        f"file too large: {_size(size)}, the limit for {limits.kind} is {_size(limits.max_bytes)}"
    )


def check_size(path: Path, limits: FileLimits, problems: ProblemCollector) -> bool:
    """Whether the file is within ``limits.max_bytes``; else a problem (nothing is read)."""
    message = size_problem(path.stat().st_size, limits)
    if message is not None:
        problems.add(None, None, message)
    return message is None


def check_zip(archive: zipfile.ZipFile, limits: FileLimits, problems: ProblemCollector) -> bool:
    """Whether the archive's members unpack within ``limits.max_unpacked_bytes``.

    The sizes come from the archive's directory; Python's zipfile stops reading a
    member at its declared size, so a member that lies about it reads as corrupt.
    """
    members = archive.infolist()
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.max_unpacked_bytes:
        problems.add(
            None,
            None,
            f"file unpacks to {_size(unpacked)}, the limit for {limits.kind} is "
            f"{_size(limits.max_unpacked_bytes)}",
        )
        return False
    return True


def too_many_rows(count: int, limits: FileLimits, problems: ProblemCollector) -> bool:
    """Whether ``count`` rows exceed ``limits.max_rows`` (then a problem is added)."""
    if count > limits.max_rows:
        problems.add(
            None,
            None,
            f"more than {limits.max_rows} rows: the limit for {limits.kind}; "
            "split the file or import a smaller area",
        )
        return True
    return False

"""Uploaded files → a private folder under the instance folder, checked for size at once."""

from __future__ import annotations

import secrets
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Final

from werkzeug.datastructures import FileStorage

from routing.errors import InputError, Problem
from routing.sources.limits import LIMITS, MIB, size_problem
from routing.sources.tables import excerpt
from web.imports.operations import KINDS

# The request body of the import page may hold one file of each kind at its limit.
IMPORT_MAX_CONTENT_LENGTH: Final = sum(LIMITS[kind].max_bytes for kind in KINDS) + MIB
# Folders of uploads whose job never ran (a restart) are removed after this long.
STALE_AFTER_S: Final = 24 * 3600
_NAME_CHARS = 80


@dataclass(frozen=True)
class Staged:
    """Uploaded files saved for one import job: file names inside ``folder`` by kind, and
    the names the user gave them (shown in every message, never the server's path)."""

    folder: Path
    files: dict[str, str]
    names: dict[str, str]

    def params(self) -> dict[str, object]:
        """The job's parameters."""
        return {"folder": str(self.folder), "files": self.files, "names": self.names}


def _suffix(filename: str) -> str:
    # Keep the whole multi-part suffix: the readers choose the format by it (.osm.pbf).
    name = PurePath(filename).name.lower()
    if name.endswith(".osm.pbf"):
        return ".osm.pbf"
    suffix = PurePath(name).suffix
    return suffix if suffix[1:].isalnum() and len(suffix) <= 8 else ""


def display_name(filename: str, fallback: str) -> str:
    """The uploaded file's base name as messages show it: short, control characters escaped."""
    name = PurePath(filename.replace("\\", "/")).name.strip()
    return excerpt(name, _NAME_CHARS) if name else fallback


def _size(upload: FileStorage) -> int:
    stream = upload.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def stage(files: Mapping[str, FileStorage], root: Path) -> Staged:
    """Save the uploaded files of ``KINDS`` into a new private folder under ``root``.

    Files over their kind's size limit are refused here, before anything is saved, with
    the message the command line gives.

    Raises
    ------
    ValueError
        When no file was uploaded.
    InputError
        When a file is too large (nothing is kept then).
    """
    uploads = {kind: files[kind] for kind in KINDS if kind in files and files[kind].filename}
    if not uploads:
        raise ValueError("nothing to import: give at least one file")
    names = {kind: display_name(u.filename or "", kind) for kind, u in uploads.items()}
    problems: list[Problem] = []
    for kind, upload in uploads.items():
        message = size_problem(_size(upload), LIMITS[kind])
        if message is not None:
            problems.append(Problem(names[kind], None, None, message))
    if problems:
        raise InputError(problems)
    sweep(root)
    folder = root / secrets.token_hex(16)
    folder.mkdir(mode=0o700, parents=True)
    saved: dict[str, str] = {}
    for kind, upload in uploads.items():
        saved[kind] = f"{kind}{_suffix(upload.filename or '')}"
        upload.save(folder / saved[kind])
    return Staged(folder, saved, names)


def sweep(root: Path, older_than_s: float = STALE_AFTER_S) -> None:
    """Remove upload folders left behind by jobs that never ran."""
    if not root.is_dir():
        return
    cutoff = time.time() - older_than_s
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)

"""Uploaded files → an ImportRequest over a temporary folder; the importer does the rest."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePath
from tempfile import TemporaryDirectory

from werkzeug.datastructures import FileStorage

from web.importer import ImportRequest

KINDS = ("osm", "buildings", "paths", "households", "volunteers")


def _suffix(filename: str) -> str:
    # Keep the whole multi-part suffix: the readers choose the format by it (.osm.pbf).
    name = PurePath(filename).name.lower()
    if name.endswith(".osm.pbf"):
        return ".osm.pbf"
    return PurePath(name).suffix[:12]


@contextmanager
def saved(files: Mapping[str, FileStorage]) -> Iterator[ImportRequest]:
    """Save the uploaded files of ``KINDS`` and yield the request over them.

    The files live in a temporary folder removed on exit; messages name each file as
    uploaded (its base name), never the temporary path.

    Raises
    ------
    ValueError
        When no file was uploaded.
    """
    with TemporaryDirectory(prefix="redvest-upload-") as folder:
        paths: dict[str, Path] = {}
        names: list[tuple[str, str]] = []
        for kind in KINDS:
            upload = files.get(kind)
            if upload is None or not upload.filename:
                continue
            path = Path(folder) / f"{kind}{_suffix(upload.filename)}"
            upload.save(path)
            paths[kind] = path
            names.append((kind, PurePath(upload.filename).name))
        yield ImportRequest(**paths, names=tuple(names))  # type: ignore[arg-type]

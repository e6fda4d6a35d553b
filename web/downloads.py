"""Files a job wrote, served to a coordinator's browser: CSVs get a BOM for Excel."""

from __future__ import annotations

from pathlib import Path

from flask import Response, send_from_directory

BOM = "\ufeff"


def job_file(folder: Path, filename: str) -> Response:
    """``folder/filename`` as an attachment.

    The CLI writes its CSVs as plain UTF-8 (other tools read them by exact header);
    Excel, which most committees open them with, reads UTF-8 only after a byte-order
    mark and garbles Chinese otherwise, so a CSV downloaded from a page gets one.
    """
    if not filename.endswith(".csv"):
        return send_from_directory(folder, filename, as_attachment=True)
    text = (folder / filename).read_text(encoding="utf-8-sig")
    return Response(
        BOM + text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )

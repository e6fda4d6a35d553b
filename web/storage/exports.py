"""The exports folder: where jobs and the command line write files the web app serves."""

from __future__ import annotations

from pathlib import Path


def exports_root(configured: str | Path | None, instance_path: str | Path) -> Path:
    """The folder of the exports: ``EXPORTS_DIR`` when set, else the instance's
    ``exports`` (the web app and the CLI must agree, or printed QR codes lead nowhere).

    Parameters
    ----------
    configured : str or Path or None
        The app's ``EXPORTS_DIR`` setting (``REDVEST_EXPORTS_DIR`` in the environment).
    instance_path : str or Path
        The app's instance folder.
    """
    return Path(configured) if configured else Path(instance_path) / "exports"

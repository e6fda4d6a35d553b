"""CSV cells that a spreadsheet cannot mistake for a formula (CSV injection)."""

from __future__ import annotations

from typing import Final

import pandas as pd

# Excel, LibreOffice and Google Sheets start a formula (or a DDE call) at these.
FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell that starts like a formula prefixed by ``'``.

    A household id, team name or reason is text a coordinator (or an imported file)
    chose; a spreadsheet opening the CSV would run ``=HYPERLINK(…)`` or ``@SUM(…)`` as
    a formula. The leading apostrophe makes it shown as text. Only text cells change:
    numbers (a negative workload, a floor of -1) stay numbers, and the header and the
    column order are untouched.

    Parameters
    ----------
    frame : DataFrame
        The table about to be written as CSV.

    Returns
    -------
    DataFrame
        A copy with the text cells neutralised (the same object when nothing starts
        like a formula).
    """
    out = frame
    for k in range(frame.shape[1]):
        cells = frame.iloc[:, k]
        if cells.dtype != object and not isinstance(cells.dtype, pd.StringDtype):
            continue
        risky = cells.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START))
        if not bool(risky.any()):
            continue
        if out is frame:
            out = frame.copy()
        out.iloc[:, k] = cells.where(~risky.astype(bool), "'" + cells.astype(str))
    return out

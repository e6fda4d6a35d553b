"""web.cli.common: the progress bar a command draws from a job's progress callback."""

from __future__ import annotations

import io

from web.cli.common import progress_bar


def test_the_bar_follows_the_callback_and_shows_its_message() -> None:
    screen = io.StringIO()
    with progress_bar("visits", file=screen, disable=False) as progress:
        progress(0.0, "team T001")
        progress(0.5, "team T002")
        progress(0.99, "writing files")
    drawn = screen.getvalue()
    assert "visits:" in drawn and "team T002" in drawn and "writing files" in drawn
    assert " 50%|" in drawn and " 99%|" in drawn


def test_the_bar_is_not_drawn_off_a_terminal() -> None:
    screen = io.StringIO()  # not a terminal: piped output stays the command's own lines
    with progress_bar("visits", file=screen) as progress:
        progress(0.5, "team T002")
    assert screen.getvalue() == ""

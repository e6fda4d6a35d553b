"""The encoders of web.safety: what they let through, and that the text survives."""

from __future__ import annotations

import html
import json
import re

import pytest

from routing.ids import ID_MAX_LENGTH
from tests.security.conftest import PAYLOADS
from web.safety import html_text, id_problem, script_json, with_nonce

REFERENCE = re.compile(r"&(?:#\d+|lt|gt|amp|quot);")
TRICKY = [*PAYLOADS, "<!--<script>", "a\u2028b\u2029c", "\\`${x}`\\", "O'Brien & Söhne", "一队"]


@pytest.mark.parametrize("text", TRICKY)
def test_script_json_keeps_the_value_and_nothing_that_ends_a_script(text: str) -> None:
    encoded = script_json({"id": text, "list": [text]})
    assert json.loads(encoded) == {"id": text, "list": [text]}
    for character in "<>&'`\u2028\u2029":
        assert character not in encoded


@pytest.mark.parametrize("text", TRICKY)
def test_html_text_is_text_in_html_and_in_a_template_literal(text: str) -> None:
    encoded = html_text(text)
    assert html.unescape(encoded) == text
    bare = REFERENCE.sub("", encoded)  # what is left beside character references
    for character in "<>&\"'`$\\":
        assert character not in bare


def test_html_text_writes_character_references() -> None:
    assert html_text("`+alert(42)+`") == "&#96;+alert(42)+&#96;"
    assert html_text("${alert(1)}") == "&#36;{alert(1)}"
    assert html_text("</script>") == "&lt;/script&gt;"


def test_with_nonce_marks_every_script_tag() -> None:
    page = '<script src="/static/a.js"></script><SCRIPT>x()</SCRIPT><scripts>'
    marked = with_nonce(page, "abcdefghijklmnop1234")
    assert marked.count('nonce="abcdefghijklmnop1234"') == 2
    assert "<scripts>" in marked
    with pytest.raises(ValueError, match="nonce"):
        with_nonce(page, 'x" onload="alert(1)')


@pytest.mark.parametrize("value", ["T001", "一队", "w4253124", "3-2-1201", "Team A", "R01.b"])
def test_plain_ids_pass(value: str) -> None:
    assert id_problem(value) is None


@pytest.mark.parametrize(
    "value", [*PAYLOADS, "", " T1", "T1 ", "-x", "a\nb", "a;b", "x" * (ID_MAX_LENGTH + 1)]
)
def test_other_ids_are_refused_with_the_rule(value: str) -> None:
    problem = id_problem(value, "team id")
    assert problem is not None and problem.startswith("team id")

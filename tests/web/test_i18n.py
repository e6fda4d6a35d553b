"""Chinese first, English by browser language or by choice; the catalogue is complete."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask

WEB = Path(__file__).resolve().parents[2] / "web"
CATALOGUE = WEB / "translations" / "en" / "LC_MESSAGES"


def test_chinese_by_default_english_by_browser_and_switch(app: Flask) -> None:
    client = app.test_client()
    assert "用户名" in client.get("/login").get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "User name" in english.get_data(as_text=True)
    assert 'lang="en"' in english.get_data(as_text=True)
    client.get("/lang/en?next=/login")
    assert "User name" in client.get("/login").get_data(as_text=True)
    client.get("/lang/zh")
    assert "用户名" in client.get("/login", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert client.get("/lang/en?next=https://example.org/").headers["Location"] == "/"


def test_every_message_has_an_english_translation() -> None:
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    found = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(WEB), method_map, keywords={"_": None, "gettext": None}
        )
    }
    with (CATALOGUE / "messages.po").open("rb") as handle:
        po = read_po(handle)
    translated = {m.id: m.string for m in po if m.id}
    missing = sorted(m for m in found if not translated.get(m))
    assert not missing
    with (CATALOGUE / "messages.mo").open("rb") as handle:
        mo = read_mo(handle)
    assert {m.id: m.string for m in mo if m.id} == translated, "run pybabel compile"


def test_no_remote_scripts_or_styles_in_templates() -> None:
    for template in (WEB / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"""<(script|link)[^>]+(src|href)=["']https?://""", text), template

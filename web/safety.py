"""User text into HTML and JavaScript: the encoders, the id rule, and nonces on map pages."""

from __future__ import annotations

import json
import re
from typing import Any, Final

import folium
from markupsafe import escape

from routing import ids

# Inside an inline <script>, "</script>" or "<!--" end or bend the element whatever the
# JavaScript says, and a value may later be spliced into a template literal: every one of
# these characters becomes a \u escape, which means the same inside a JSON/JS string.
_SCRIPT_ESCAPES: Final = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    ord("'"): "\\u0027",
    ord("`"): "\\u0060",
    0x2028: "\\u2028",  # line terminators in older JavaScript
    0x2029: "\\u2029",
}
# HTML-escaped text still holds ` $ \ — which a JavaScript template literal (folium's
# tooltips) runs or eats. As character references they show the same once parsed as HTML.
_LITERAL_ESCAPES: Final = {ord("`"): "&#96;", ord("$"): "&#36;", ord("\\"): "&#92;"}
# Folium's scripts are the only ones on its pages: user text there is encoded by the
# functions above, so no "<script" can come from data.
_SCRIPT_TAG: Final = re.compile(r"<script\b", re.IGNORECASE)
_NONCE: Final = re.compile(r"[A-Za-z0-9_\-+/=]{16,}")


def script_json(value: Any) -> str:
    """``value`` as JSON to write inside an inline ``<script>`` (or a template literal).

    Parameters
    ----------
    value
        Anything ``json.dumps`` takes.

    Returns
    -------
    str
        JSON in which ``< > & ' `` ` and U+2028/U+2029 are ``\\u`` escapes.
    """
    return json.dumps(value, ensure_ascii=False).translate(_SCRIPT_ESCAPES)


def html_text(text: object) -> str:
    """``text`` to show literally where a page puts it as HTML (folium tooltips, popups,
    GeoJSON fields that land in ``innerHTML``).

    Parameters
    ----------
    text
        Any value; shown as ``str(text)``.

    Returns
    -------
    str
        HTML-escaped text in which ``` `` ``, ``$`` and ``\\`` are character references too,
        so it is also inert inside a JavaScript template literal.
    """
    return str(escape(str(text))).translate(_LITERAL_ESCAPES)


def id_problem(value: str, what: str = "id") -> str | None:
    """Why ``value`` is not an acceptable id typed on a page, else None: the import rule
    of ``routing.ids`` (characters, length, first character), and not empty or padded.

    Parameters
    ----------
    value : str
        The id as given.
    what : str
        What the id names, for the message.

    Returns
    -------
    str or None
        A message naming the rule, or None when the id is fine.
    """
    if not value:
        return f"{what} is empty"
    if value != value.strip():
        return f"{what} has spaces around it"
    return ids.id_problem(value, what)


def with_nonce(html: str, nonce: str) -> str:
    """``html`` with ``nonce`` on each of its ``<script>`` tags.

    Only for pages generated whole from templates whose user text went through
    :func:`script_json` or :func:`html_text` (folium maps): a tag written by user data
    would be blessed too.

    Parameters
    ----------
    html : str
        The page.
    nonce : str
        The response's Content-Security-Policy nonce.
    """
    if not _NONCE.fullmatch(nonce):
        raise ValueError("a CSP nonce is base64 text of at least 16 characters")
    return _SCRIPT_TAG.sub(f'<script nonce="{nonce}"', html)


def map_html(fmap: folium.Map, nonce: str) -> str:
    """The folium map as a standalone page whose scripts carry the CSP ``nonce``.

    Parameters
    ----------
    fmap : folium.Map
        The finished map.
    nonce : str
        The response's Content-Security-Policy nonce (``web.headers.csp_nonce()``).
    """
    html: str = fmap.get_root().render()
    return with_nonce(html, nonce)

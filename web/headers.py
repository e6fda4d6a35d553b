"""Security headers on every response: CSP with a per-request nonce, framing, caching, HTTPS."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from web.tiles import Tiles, tiles

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

HSTS: Final = "max-age=31536000"
# Pages that set their own policy keep it: the team and patrol pages say no-referrer
# (their URL is the credential); everything else stays on this site.
REFERRER: Final = "same-origin"
# Leaflet and folium set styles inline; scripts need 'self' or this response's nonce.
_POLICY: Final = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:{tiles}; connect-src 'self'; font-src 'self'; frame-src 'self'; "
    "worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'self'"
)


def csp_nonce() -> str:
    """This response's Content-Security-Policy nonce (made on first use in the request)."""
    nonce: str | None = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return nonce


def tile_sources(provider: Tiles) -> tuple[str, ...]:
    """The origins the provider's tiles come from, as CSP sources (``{s}`` → ``*``).

    Parameters
    ----------
    provider : Tiles
        The configured base map.
    """
    out: dict[str, None] = {}
    for layer in provider.layers:
        parts = urlsplit(layer.url.replace("{s}", "s"))
        host = parts.hostname or ""
        template = urlsplit(layer.url).netloc
        if "{s}" in template:  # a subdomain letter: t{s}.tianditu.gov.cn → *.tianditu.gov.cn
            host = "*." + host.split(".", 1)[1]
        out[f"{parts.scheme}://{host}"] = None
    return tuple(out)


def content_security_policy(nonce: str, provider: Tiles) -> str:
    """The policy of one response.

    Parameters
    ----------
    nonce : str
        The nonce inline scripts must carry.
    provider : Tiles
        The configured base map (its tile hosts may serve images).
    """
    hosts = "".join(" " + s for s in tile_sources(provider))
    return _POLICY.format(nonce=nonce, tiles=hosts)


def _provider() -> Tiles:
    try:
        return tiles(current_app.config["MAP_TILES"], current_app.config["TIANDITU_KEY"])
    except ValueError:  # a misconfigured provider draws nothing anyway
        return tiles("none")


def _secure_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce(), _provider())
    headers["X-Frame-Options"] = "SAMEORIGIN"
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("Referrer-Policy", REFERRER)
    # Pages, API answers, streams and downloads may hold personal data: no cache keeps
    # them. A view may allow more (the public patrol pages); "no-cache", send_file's
    # default, is not a choice. The team pages' service worker keeps its own offline
    # copy: the Cache API ignores no-store.
    if request.endpoint != "static" and headers.get("Cache-Control", "no-cache") == "no-cache":
        headers["Cache-Control"] = "no-store"
    if request.is_secure:
        headers["Strict-Transport-Security"] = HSTS
    return response


class SecureCookies:
    """WSGI middleware: over HTTPS every cookie is sent ``Secure`` (the session cookie is
    written after Flask's ``after_request`` functions, so it is marked here)."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("wsgi.url_scheme") != "https":
            return self.app(environ, start_response)

        def secure_start(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            marked = [
                (k, v + "; Secure")
                if k.lower() == "set-cookie" and "secure" not in _flags(v)
                else (k, v)
                for k, v in headers
            ]
            return start_response(status, marked, *rest)

        return self.app(environ, secure_start)


def _flags(cookie: str) -> set[str]:
    return {part.strip().lower() for part in cookie.split(";")[1:]}


def init_app(app: Flask) -> None:
    """Add the headers to every response; trust ``PROXY_FIX`` proxies for scheme and client.

    ``PROXY_FIX`` (``REDVEST_PROXY_FIX``) is how many reverse proxies stand in front (0,
    the default, trusts no ``X-Forwarded-*`` header). Behind a TLS proxy set it to 1, so
    ``request.is_secure`` sees HTTPS (HSTS, Secure cookies) and rate limits see the client.
    """
    app.after_request(_secure_headers)
    wsgi: Callable[..., Any] = SecureCookies(app.wsgi_app)
    proxies = int(app.config.get("PROXY_FIX") or 0)
    if proxies:
        wsgi = ProxyFix(wsgi, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    app.wsgi_app = wsgi  # type: ignore[method-assign]

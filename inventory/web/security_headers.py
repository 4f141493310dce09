"""Security headers on every response the registry sends.

Every page carries personal-data metadata (paths, owners, categories), so no
page may be framed, sniffed into another type, leak its address in a
Referer, or be kept in a browser or proxy cache.  The pages run no inline
script or style: the Content-Security-Policy allows only the site's own
static files, so an injected ``<script>`` would not run even if escaping
failed somewhere.  Static files (the style sheet) may be cached.
"""
from __future__ import annotations

from flask import Flask, request

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"))
#: header -> value, set on every response (a view may not weaken them)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def add_security_headers(response):
    """After each request: the headers above, and ``no-store`` unless a static file is sent."""
    for name, value in HEADERS.items():
        response.headers[name] = value
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"          # HTTP/1.0 caches
    return response


def init_app(app: Flask) -> None:
    """Install the headers on ``app`` (one call in ``create_app``)."""
    app.after_request(add_security_headers)

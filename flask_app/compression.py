"""Compression and cache headers: the built site's pre-compressed copies, and gzip/brotli for the rest.

The site's files get their ``.br``/``.gz`` siblings at build time (site_builder/compress.py); everything the
service renders is compressed on the way out. Fingerprinted theme assets are cached for a year, everything
else is revalidated (ETag / Last-Modified) on each visit.
"""

from __future__ import annotations

import gzip
import mimetypes
import re
from pathlib import Path

from flask import Flask, Response, request, send_from_directory

from site_builder.compress import BROTLI_QUALITY, brotli, compressible

# Not in every Python's table; browsers want this type for the web app manifest.
mimetypes.add_type("application/manifest+json", ".webmanifest")

# Responses smaller than this are sent as they are (the encoding would not pay for its header).
MIN_BYTES = 512
# Material's bundles carry a content hash in their names (main.<hash>.min.css, bundle.<hash>.min.js).
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8,}\.min\.(?:css|js)$")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
COMPRESSIBLE_TYPES = ("text/", "application/json", "application/xml", "application/rss+xml", "image/svg+xml")
COMPRESSIBLE_TYPES += ("application/javascript", "application/manifest+json", "application/feed+json")


def accepted(header: str | None) -> list[str]:
    """The encodings of an Accept-Encoding header the service can send, best first (``q=0`` refused)."""
    offered: dict[str, float] = {}
    for part in (header or "").split(","):
        name, _sep, params = part.strip().partition(";")
        q = 1.0
        match = re.search(r"q=([0-9.]+)", params)
        if match:
            try:
                q = float(match.group(1))
            except ValueError:
                q = 0.0
        offered[name.strip().lower()] = q
    wildcard = offered.get("*", 0.0)
    order = []
    for name in ("br", "gzip"):
        if name == "br" and brotli is None:
            continue
        if offered.get(name, wildcard) > 0:
            order.append(name)
    return order


def cache_control(path: str) -> str:
    """Cache-Control for one file of the built site."""
    return IMMUTABLE if FINGERPRINTED.search(path) else REVALIDATE


def site_file(site_dir: Path, path: str) -> Response:
    """One file of the built site, as its pre-compressed copy when the client accepts one."""
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    cache = cache_control(path)
    text = compressible(path)
    encoding = None
    if text:
        for name in accepted(request.headers.get("Accept-Encoding")):
            suffix = ".br" if name == "br" else ".gz"
            if (site_dir / (path + suffix)).is_file():
                encoding, path = name, path + suffix
                break
    response = send_from_directory(site_dir, path, mimetype=mimetype, conditional=True)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    if text:
        response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = cache
    return response


def _compress_response(response: Response) -> Response:
    """Compress a rendered response (pages, JSON) when the client accepts it."""
    if (
        response.direct_passthrough
        or response.is_streamed
        or response.status_code != 200
        or "Content-Encoding" in response.headers
        or not (response.mimetype or "").startswith(COMPRESSIBLE_TYPES)
    ):
        return response
    methods = accepted(request.headers.get("Accept-Encoding"))
    response.vary.add("Accept-Encoding")
    data = response.get_data()
    if not methods or len(data) < MIN_BYTES:
        return response
    if methods[0] == "br":
        packed = brotli.compress(data, quality=min(BROTLI_QUALITY, 5))
    else:
        packed = gzip.compress(data, compresslevel=6)
    response.set_data(packed)
    response.headers["Content-Encoding"] = methods[0]
    if response.headers.get("ETag"):
        # The ETag named the uncompressed body; a compressed one is another representation.
        response.set_etag(response.get_etag()[0] + "-" + methods[0], weak=True)
    return response


def init_app(app: Flask) -> None:
    """Compress every rendered response the client can decode."""
    app.after_request(_compress_response)

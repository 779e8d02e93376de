"""``/pdf/<type>/<slug>.pdf``: the PDF of any document on request (guidelines and modules: the built one).

The same HTML and typesetting as the build's (site_builder/pdf.py), cached by that HTML's hash in
``<instance>/pdf/``: a document typeset once is served from the cache until it changes.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, send_file

from flask_app.content import get_content
from flask_app.settings import site_url
from site_builder import pdf
from site_builder.context import BuildContext
from site_builder.formatting import doc_url
from site_builder.render import render_markdown

bp = Blueprint("pdf", __name__)
# One typesetting at a time per process: a burst of requests for new PDFs must not take every core.
_typesetting = threading.Lock()


@bp.get("/pdf/<doc_type>/<slug>.pdf")
def document_pdf(doc_type: str, slug: str) -> Any:
    """The PDF of one document: the build's for guidelines and modules, else typeset now (and cached)."""
    service = get_content()
    corpus = service.current().corpus
    doc = corpus.by_slug.get(slug)
    if doc is None or doc.type != doc_type:
        abort(404)
    site = Path(current_app.config["SITE_DIR"])
    url = doc_url(doc)
    built = site / url / pdf.pdf_name(doc)
    if built.is_file():
        return send_file(built, mimetype="application/pdf", download_name=pdf.pdf_name(doc))
    ctx = BuildContext(corpus=corpus, lang="id", site_url=site_url())
    body = render_markdown(doc.body, untrusted=doc.contributed, config=service.markdown)
    document = pdf.document_html(ctx, doc, url, body)
    key = hashlib.sha256(pdf.CSS_FILE.read_bytes() + document.encode("utf-8")).hexdigest()
    cached = Path(current_app.instance_path) / "pdf" / f"{key}.pdf"
    if not cached.is_file():
        with _typesetting:
            if not cached.is_file():
                data = pdf.render_pdf(document, ctx.site_url.rstrip("/") + "/" + url, site, ctx.site_url)
                cached.parent.mkdir(parents=True, exist_ok=True)
                tmp = cached.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
                tmp.write_bytes(data)
                os.replace(tmp, cached)
    return send_file(cached, mimetype="application/pdf", download_name=pdf.pdf_name(doc))

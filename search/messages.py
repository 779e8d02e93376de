"""The search area's messages: the one catalogue (``site_builder.i18n``), keys of this area first.

Two keys of this area read differently from the service's and the site's (``not_found``, ``contributed``):
they are ``search.not_found`` and ``search.contributed`` in the catalogue; ``msg`` finds them by the short key.
"""

from __future__ import annotations

from site_builder.i18n import Catalogue

# Transitional: callers will call site_builder.i18n._ with the full key.
msg = Catalogue(prefix="search.")

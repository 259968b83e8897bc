"""Adjustments to the HTTP server (Daphne on Twisted), applied where the ASGI app loads."""

from __future__ import annotations

from typing import Any


def daphne_passes_bodies_to_django() -> None:
    """Stop Twisted parsing form bodies that Daphne hands to Django unparsed anyway.

    Twisted's ``Request`` parses every multipart POST into ``request.args``, which Daphne
    never reads (the ASGI app gets the raw body). A malformed or empty multipart body was
    then answered by Twisted with a bare 400, no body and no content type, before Django
    could answer 401 or 400 in the API's error format; a large photo was parsed twice.
    Twisted's own switch (``parsePOSTFormSubmission``) turns that off.
    """
    try:
        from daphne.http_protocol import WebRequest
    except ImportError:  # another ASGI server: nothing to adjust
        return
    if getattr(WebRequest, "_safegrid_bodies_to_django", False):
        return
    original = WebRequest.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self._parsePOSTFormSubmission = False

    WebRequest.__init__ = __init__
    WebRequest._safegrid_bodies_to_django = True

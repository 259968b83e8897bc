"""GeoReport v2 bodies in both formats: JSON as is, XML with the spec's element names.

A view answers with ``Open311Response(data, root=..., item=...)``: JSON renders ``data``;
XML wraps a list in ``<root>`` with one ``<item>`` per element (``services``/``service``,
``service_requests``/``request``, ``errors``/``error``), or writes a dict as ``<root>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any

from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

# Element names of the items of nested lists, as the spec's XML examples spell them.
ITEM_NAMES = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
# Characters XML 1.0 cannot carry at all; a description pasted from anywhere may hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311Response(Response):
    """A response that knows the XML element names of its body."""

    def __init__(
        self,
        data: Any,
        *,
        root: str,
        item: str | None = None,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(data, status=status, headers=headers)
        self.xml_root = root
        self.xml_item = item


class Open311JSONRenderer(JSONRenderer):
    format = "json"
    charset = "utf-8"


class Open311XMLRenderer(BaseRenderer):
    """The spec's XML: the root element, one element per item, ``true``/``false``."""

    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        response = (renderer_context or {}).get("response")
        root = ET.Element(getattr(response, "xml_root", "response"))
        if isinstance(data, list):
            item = getattr(response, "xml_item", None) or "item"
            for element in data:
                _fill(ET.SubElement(root, item), element)
        else:
            _fill(root, data)
        body = ET.tostring(root, encoding="unicode")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for name, child in value.items():
            _fill(ET.SubElement(element, str(name)), child)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        item = ITEM_NAMES.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item), child)
    elif value is None:
        return
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = _NOT_XML.sub("", str(value))


class SuffixNegotiation(BaseContentNegotiation):
    """The URL's ``.json``/``.xml`` decides, whatever the Accept header says; XML otherwise
    (the spec's required format)."""

    def select_parser(self, request: Any, parsers: Any) -> Any:
        return DefaultContentNegotiation().select_parser(request, parsers)

    def select_renderer(
        self, request: Any, renderers: Any, format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        wanted = format_suffix or "xml"
        for renderer in renderers:
            if renderer.format == wanted:
                return renderer, renderer.media_type
        return renderers[0], renderers[0].media_type

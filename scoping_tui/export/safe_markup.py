"""Text and SVG made safe to embed in the HTML report: escaping, and an allow-list rebuild of
the Graphviz diagram (no script, link, external reference or entity can survive it)."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def esc(value: object) -> str:
    """Text safe anywhere in HTML, including inside a quoted attribute."""
    return html.escape(_UNPRINTABLE.sub("\ufffd", str(value)), quote=True)


_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_SVG_ELEMENTS = frozenset({
    "svg", "g", "title", "desc", "polygon", "polyline", "path", "ellipse", "circle", "rect",
    "line", "text", "tspan", "defs", "linearGradient", "radialGradient", "stop", "a",
})
_SVG_ATTRIBUTES = frozenset({
    "id", "class", "transform", "viewBox", "width", "height", "points", "d", "cx", "cy", "rx",
    "ry", "r", "x", "y", "x1", "y1", "x2", "y2", "dx", "dy", "fx", "fy", "fill", "stroke",
    "stroke-width", "stroke-dasharray", "stroke-opacity", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "fill-opacity", "opacity", "text-anchor", "font-family", "font-size",
    "font-weight", "font-style", "text-decoration", "dominant-baseline", "baseline-shift",
    "gradientUnits", "gradientTransform", "offset", "stop-color", "stop-opacity",
    "preserveAspectRatio",
})
_SVG_ID = re.compile(r"[A-Za-z0-9_.:-]{1,200}")
_LOCAL_URL = re.compile(r"url\(\s*#([A-Za-z0-9_.:-]{1,200})\s*\)")
_SVG_START = re.compile(r"<svg[\s>]")


def _local(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _svg_attribute(name: str, value: str) -> str | None:
    """The attribute's safe value, or None to drop it."""
    if name not in _SVG_ATTRIBUTES:
        return None
    if name == "id":
        return f"dfd-{value}" if _SVG_ID.fullmatch(value) else None
    if "url(" in value.lower():
        found = _LOCAL_URL.fullmatch(value.strip())
        return f"url(#dfd-{found.group(1)})" if found else None
    return value


def _svg_attributes(element: ET.Element) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for raw_name, raw_value in element.attrib.items():
        namespace, name = _local(raw_name)
        if namespace:
            continue
        if name == "style":
            # Graphviz writes gradient stops as style="stop-color:...": keep what the allow-list
            # knows as presentation attributes (a style attribute would also need the policy).
            for declaration in raw_value.split(";"):
                prop, _, prop_value = declaration.partition(":")
                kept = _svg_attribute(prop.strip(), prop_value.strip())
                if kept is not None and prop.strip() != "id" and prop_value.strip():
                    out.append((prop.strip(), kept))
            continue
        kept = _svg_attribute(name, raw_value)
        if kept is not None:
            out.append((name, kept))
    return out


def _svg_element(element: ET.Element, out: list[str], root: bool = False) -> None:
    _, tag = _local(element.tag)
    tooltip = ""
    if tag == "a":
        # Links become plain groups: nothing in the diagram can navigate or load.
        tooltip = element.attrib.get(f"{{{_XLINK_NS}}}title", "")
        tag = "g"
    attrs = _svg_attributes(element)
    if root:
        attrs = [(n, v) for n, v in attrs if n not in ("id", "class")]
        attrs += [("class", "dfd"), ("role", "img"), ("aria-label", "Data-flow diagram")]
    out.append(f"<{tag}" + "".join(f' {n}="{esc(v)}"' for n, v in attrs) + ">")
    if tooltip:
        out.append(f"<title>{esc(tooltip)}</title>")
    if element.text:
        out.append(esc(element.text))
    for child in element:
        child_namespace, child_tag = _local(child.tag)
        if child_namespace in ("", _SVG_NS) and child_tag in _SVG_ELEMENTS \
                and child_tag != "svg":
            _svg_element(child, out)
        if child.tail:
            out.append(esc(child.tail))
    out.append(f"</{tag}>")


def sanitize_svg(svg: str) -> str | None:
    """The SVG rebuilt from safe elements and attributes, or None if it is not usable SVG.

    The prolog, doctype and comments go (a doctype cannot follow the root element, so no entity
    can be declared); links become groups, and only ``url(#local)`` references survive.
    """
    start = _SVG_START.search(svg)
    if start is None:
        return None
    try:
        root = ET.fromstring(svg[start.start():])
    except (ET.ParseError, RecursionError, ValueError):
        return None
    namespace, tag = _local(root.tag)
    if tag != "svg" or namespace not in ("", _SVG_NS):
        return None
    out: list[str] = []
    try:
        _svg_element(root, out, root=True)
    except RecursionError:
        return None
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Sections.

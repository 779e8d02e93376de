"""The static SVG map of the 38 provinces, drawn at build time from the vendored simplified boundaries.

``site_builder/data/wilayah/provinsi-batas-sederhana.geojson`` (cahyadsn/wilayah_boundaries, MIT; licence
beside it) holds MultiPolygons in [longitude, latitude]. An equirectangular projection is plenty at screen
size near the equator. Each province is one ``<path data-kode=".." data-kelas="..">`` whose fill is its
class's colour; the table beside the map names the same class, so a reader without colour loses nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from .charts import esc

BOUNDARIES = Path(__file__).parent / "data" / "wilayah" / "provinsi-batas-sederhana.geojson"
MAP_WIDTH = 900
LEGEND_FONT = 38  # 38 of 900 units is 12.5 px on a 300 px wide map
LEGEND_LINE = 48
NO_DATA = "none"
NO_DATA_COLOUR = "#e0e0e0"
# (lower bound in percent, class, colour): a sequential blue scale, darkest for at or above target.
CLASSES: Sequence[tuple[float, str, str]] = (
    (100.0, "c4", "#0d47a1"),
    (80.0, "c3", "#1e88e5"),
    (50.0, "c2", "#90caf9"),
    (0.0, "c1", "#e3f2fd"),
)
COLOURS = {cls: colour for _low, cls, colour in CLASSES} | {NO_DATA: NO_DATA_COLOUR}


@lru_cache(maxsize=1)
def province_shapes() -> dict[str, list[list[tuple[float, float]]]]:
    """Each province code's rings of (longitude, latitude) points."""
    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    shapes: dict[str, list[list[tuple[float, float]]]] = {}
    for feature in data["features"]:
        code = str(feature["properties"]["kode"])
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rings = shapes.setdefault(code, [])
        for polygon in polygons:
            rings.extend([(float(x), float(y)) for x, y in ring] for ring in polygon)
    return shapes


@lru_cache(maxsize=1)
def _frame() -> tuple[float, float, float, float]:
    """(west, north, scale, height) of the projection that fits every province into MAP_WIDTH."""
    points = [p for rings in province_shapes().values() for ring in rings for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    scale = MAP_WIDTH / (east - west)
    return west, north, scale, (north - south) * scale


@lru_cache(maxsize=64)
def province_path(code: str) -> str:
    """The SVG path data of one province (empty when the boundaries do not know the code)."""
    west, north, scale, _height = _frame()
    parts = []
    for ring in province_shapes().get(code, []):
        # Whole units of a 900-wide view: finer than a screen shows; repeated points dropped.
        pts = [(round((x - west) * scale), round((north - y) * scale)) for x, y in ring]
        kept = [p for i, p in enumerate(pts) if i == 0 or p != pts[i - 1]]
        if len(kept) >= 3:
            parts.append("M" + " ".join(f"{x},{y}" for x, y in kept) + "Z")
    return "".join(parts)


def shape_id(code: str) -> str:
    """The element id of a province's shape in :func:`map_defs`."""
    return f"pokja-prov-{code}"


def map_defs(codes: Sequence[str]) -> str:
    """The provinces' shapes, once per page: every map of the page draws them with ``<use>``."""
    paths = "".join(f'<path id="{shape_id(c)}" d="{province_path(c)}"/>' for c in codes)
    # In a <div>: Markdown passes a block-level raw HTML element through untouched.
    return (
        '<div class="pokja-map-shapes"><svg xmlns="http://www.w3.org/2000/svg" class="pokja-map-defs" width="0" '
        f'height="0" aria-hidden="true" focusable="false"><defs>{paths}</defs></svg></div>'
    )


def achievement_class(pct: float | None) -> str:
    """The colour class of an achievement (or completeness) percentage; ``none`` when not reported."""
    if pct is None:
        return NO_DATA
    return next(cls for low, cls, _colour in CLASSES if pct >= low)


def province_map(
    map_id: str,
    title: str,
    desc: str,
    names: Mapping[str, str],
    values: Mapping[str, float | None],
    label: Callable[[str], str],
) -> str:
    """The map: every province of ``names`` filled by the class of its value, with a legend of ``label``.

    The page must hold :func:`map_defs` once (the shapes the map's ``<use>`` elements draw).
    """
    _west, _north, _scale, height = _frame()
    # The legend stands one entry a line in large type: the map shrinks to a phone's width (900 units to
    # about 330 px), and its text must still read at 12 px or more there.
    entries = [c for _low, c, _colour in reversed(CLASSES)] + [NO_DATA]
    legend_top = int(height) + LEGEND_LINE
    legend_bottom = legend_top + LEGEND_LINE * (len(entries) - 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pokja-chart-svg pokja-map" id="{esc(map_id)}" '
        f'viewBox="0 0 {MAP_WIDTH} {legend_bottom + 16}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'role="img" aria-labelledby="{esc(map_id)}-title {esc(map_id)}-desc" font-size="{LEGEND_FONT}">'
        f'<title id="{esc(map_id)}-title">{esc(title)}</title><desc id="{esc(map_id)}-desc">{esc(desc)}</desc>'
    ]
    for code, name in names.items():
        cls = achievement_class(values.get(code))
        parts.append(
            f'<use href="#{shape_id(code)}" data-kode="{esc(code)}" data-kelas="{cls}" fill="{COLOURS[cls]}" '
            f'stroke="#546e7a" stroke-width="0.6"><title>{esc(name)}: {esc(label(cls))}</title></use>'
        )
    for i, cls in enumerate(entries):
        y = legend_top + i * LEGEND_LINE
        box = LEGEND_FONT - 6
        parts.append(
            f'<rect x="0" y="{y - box + 2}" width="{box}" height="{box}" fill="{COLOURS[cls]}" stroke="#546e7a"/>'
        )
        parts.append(f'<text x="{box + 14}" y="{y}" fill="currentColor">{esc(label(cls))}</text>')
    parts.append("</svg>")
    return "".join(parts)

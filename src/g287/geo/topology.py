"""County boundaries: the us-atlas TopoJSON (Census cartographic boundaries, ISC licence) and its decoding.

g287 keeps a derived copy of ``us-atlas/counties-10m.json`` (counties and states only, arcs unchanged) as a
bundled asset for maps, and decodes it to GeoJSON for exports. The decoder follows the TopoJSON specification
(quantized, delta-encoded arcs; negative arc indexes are reversed arcs); Python has no maintained TopoJSON
*decoder* (the ``topojson`` package encodes), and the algorithm is a few lines.
"""

from __future__ import annotations

from typing import Any

US_ATLAS_VERSION = "3.0.1"
KEPT_OBJECTS = ("counties", "states")


def build_map_asset(topology: dict[str, Any]) -> dict[str, Any]:
    """The bundled map asset: ``topology`` with only the counties and states objects and a source note."""
    if topology.get("type") != "Topology" or not all(k in topology.get("objects", {}) for k in KEPT_OBJECTS):
        raise ValueError("not the us-atlas counties topology (needs objects 'counties' and 'states')")
    return {"type": "Topology", "bbox": topology["bbox"], "transform": topology["transform"],
            "objects": {k: topology["objects"][k] for k in KEPT_OBJECTS}, "arcs": topology["arcs"],
            "source": f"us-atlas {US_ATLAS_VERSION} counties-10m.json (Census cartographic boundaries; ISC licence)"}


def _decoded_arcs(topology: dict[str, Any]) -> list[list[list[float]]]:
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x, y = x + dx, y + dy
                points.append([round(x * sx + tx, 6), round(y * sy + ty, 6)])
        else:
            points = [list(p) for p in arc]
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[list[float]]]) -> list[list[float]]:
    ring: list[list[float]] = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])  # consecutive arcs share their joining point
    return ring


def decode_features(topology: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """GeoJSON features of object ``name`` (Polygon and MultiPolygon geometries), with ``id`` and properties.

    >>> topo = {"type": "Topology", "arcs": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
    ...         "objects": {"a": {"type": "GeometryCollection",
    ...                           "geometries": [{"type": "Polygon", "id": "1", "arcs": [[0]]}]}}}
    >>> decode_features(topo, "a")[0]["geometry"]["coordinates"]
    [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]
    """
    arcs = _decoded_arcs(topology)
    features = []
    for geometry in topology["objects"][name]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            coordinates: Any = [_ring(ring, arcs) for ring in geometry["arcs"]]
        elif kind == "MultiPolygon":
            coordinates = [[_ring(ring, arcs) for ring in polygon] for polygon in geometry["arcs"]]
        else:
            continue  # null geometries carry no shape
        features.append({"type": "Feature", "id": geometry.get("id"), "properties": dict(geometry.get("properties") or {}),
                         "geometry": {"type": kind, "coordinates": coordinates}})
    return features


# Decoded counties by the id of their topology, which each entry keeps alive (so the id is not reused): a process
# that draws or exports maps again and again (a publish each list, county briefs) decodes the arcs once.
_COUNTY_FEATURES: dict[int, tuple[dict[str, Any], dict[str, dict[str, Any]]]] = {}


def county_features(topology: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The county features of ``topology`` by FIPS code, decoded once per topology object (read-only: copy a
    feature before changing it)."""
    key = id(topology)
    if key not in _COUNTY_FEATURES:
        if len(_COUNTY_FEATURES) >= 4:
            _COUNTY_FEATURES.clear()
        _COUNTY_FEATURES[key] = (topology, {f["id"]: f for f in decode_features(topology, "counties")})
    return _COUNTY_FEATURES[key][1]


def county_neighbours(topology: dict[str, Any], name: str = "counties") -> dict[str, set[str]]:
    """For each county id, the counties that share a stretch of boundary with it (a TopoJSON arc).

    >>> topo = {"objects": {"counties": {"geometries": [
    ...     {"type": "Polygon", "id": "01001", "arcs": [[0, 1]]}, {"type": "Polygon", "id": "01003", "arcs": [[~1, 2]]},
    ...     {"type": "MultiPolygon", "id": "01005", "arcs": [[[3]]]}]}}}
    >>> sorted(county_neighbours(topo)["01001"]), sorted(county_neighbours(topo)["01005"])
    (['01003'], [])
    """
    owners: dict[int, set[str]] = {}
    for geometry in topology["objects"][name]["geometries"]:
        kind, county = geometry.get("type"), geometry.get("id")
        rings = geometry.get("arcs", []) if kind == "Polygon" else \
            [ring for polygon in geometry.get("arcs", []) for ring in polygon] if kind == "MultiPolygon" else []
        for ring in rings:
            for index in ring:
                owners.setdefault(index if index >= 0 else ~index, set()).add(county)
    neighbours: dict[str, set[str]] = {g.get("id"): set() for g in topology["objects"][name]["geometries"]}
    for counties in owners.values():
        for county in counties:
            neighbours[county] |= counties - {county}
    return neighbours

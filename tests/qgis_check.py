"""Open every layer of a GeoPackage in a real QGIS and report what QGIS sees, as JSON.

Run under the system Python that has QGIS (Debian ``python3-qgis``), headless::

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_check.py FILE.gpkg [LAYER ...]

This script does not import spatialregion (it runs outside the project's
virtual environment).  For each layer (default: every feature layer) it prints
whether QGIS finds it valid, its feature count, the geometry type, the renderer
QGIS applied on opening (loaded from the ``layer_styles`` default style), the
classified attribute and each category/range with label, colour and symbol
width/size.  Exit status 0 when QGIS ran, 2 when qgis cannot be imported.
"""

from __future__ import annotations

import json
import os
import sys


def _color(sym) -> str:
    return sym.color().name()  # "#rrggbb"


def _size(sym):
    if sym is None:
        return None
    t = sym.type()
    try:
        from qgis.core import QgsSymbol

        if t == QgsSymbol.Line:
            return round(float(sym.width()), 4)
        if t == QgsSymbol.Marker:
            return round(float(sym.size()), 4)
        lay = sym.symbolLayer(0)
        return round(float(lay.strokeWidth()), 4) if hasattr(lay, "strokeWidth") else None
    except Exception:  # pragma: no cover - reporting only
        return None


def _describe(layer) -> dict:
    from qgis.core import QgsWkbTypes

    out = {
        "valid": bool(layer.isValid()),
        "features": int(layer.featureCount()) if layer.isValid() else None,
        "geometry": QgsWkbTypes.geometryDisplayString(layer.geometryType()) if layer.isValid() else None,
        "fields": [f.name() for f in layer.fields()] if layer.isValid() else [],
    }
    if not layer.isValid():
        return out
    # feature count by iteration as well (featureCount may come from metadata)
    out["features_iterated"] = sum(1 for _ in layer.getFeatures())
    r = layer.renderer()
    out["renderer"] = r.type() if r is not None else None
    if out["renderer"] == "categorizedSymbol":
        out["attr"] = r.classAttribute()
        out["classes"] = [
            {"value": str(c.value()), "label": c.label(), "color": _color(c.symbol()), "size": _size(c.symbol())}
            for c in r.categories()
        ]
    elif out["renderer"] == "graduatedSymbol":
        out["attr"] = r.classAttribute()
        out["classes"] = [
            {
                "lower": r_.lowerValue(),
                "upper": r_.upperValue(),
                "label": r_.label(),
                "color": _color(r_.symbol()),
                "size": _size(r_.symbol()),
            }
            for r_ in r.ranges()
        ]
    if out["renderer"] in ("categorizedSymbol", "graduatedSymbol"):
        # which class QGIS draws each feature with (legend keys of the matched symbol)
        from qgis.core import QgsRenderContext

        ctx = QgsRenderContext()
        r.startRender(ctx, layer.fields())
        labels = []
        for f in layer.getFeatures():
            keys = list(r.legendKeysForFeature(f, ctx))
            labels.append(keys[0] if keys else None)
        r.stopRender(ctx)
        keys = [item.ruleKey() for item in r.legendSymbolItems()]
        out["class_counts"] = [labels.count(k) for k in keys]
        out["unclassified"] = labels.count(None)
    return out


def main(argv: list[str]) -> int:
    try:
        from qgis.core import Qgis, QgsApplication, QgsVectorLayer
    except ImportError as exc:
        print(json.dumps({"error": f"cannot import qgis: {exc}"}))
        return 2
    if len(argv) < 2:
        print(__doc__)
        return 1
    path = argv[1]
    wanted = argv[2:]
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QgsApplication([], False)
    app.initQgis()
    try:
        probe = QgsVectorLayer(path, "probe", "ogr")
        names = [s.split("!!::!!")[1] for s in probe.dataProvider().subLayers()] if probe.isValid() else []
        report = {"qgis_version": Qgis.QGIS_VERSION, "path": path, "sublayers": names, "layers": {}}
        layers = wanted or [n for n in names if n != "layer_styles"]
        for name in layers:
            layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
            info = _describe(layer)
            if layer.isValid():
                n, ids, style_names, descr, err = layer.listStylesInDatabase()
                info["stored_styles"] = list(style_names)[: max(n, 0)]
            report["layers"][name] = info
        print(json.dumps(report, ensure_ascii=False))
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    # QgsApplication.exitQgis() / interpreter teardown with live layers can segfault
    # in headless PyQGIS 3.22; the report is out, so leave without teardown.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv))

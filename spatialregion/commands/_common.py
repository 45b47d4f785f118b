"""Helpers shared by the CLI sub-commands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["DemoContext", "read_units", "ensure_out"]


@dataclass
class DemoContext:
    """What each demo step gets: output folder, mainland provinces with the
    AI index joined (columns ai2011 … ai2022, region), their weights, and echo."""

    out: Path
    provinces: Any  # GeoDataFrame
    weights: Any  # libpysal Graph
    echo: Callable[[str], None] = print
    written: list[Path] = field(default_factory=list)

    def wrote(self, path: Path) -> Path:
        self.written.append(Path(path))
        return Path(path)


def ensure_out(out: Path) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return out


def read_units(spec: str, layer: str | None = None):
    """A GeoDataFrame from an embedded layer name (``provinces``, ``prefectures``)
    or from any vector file GDAL reads (GeoPackage, shapefile, GeoJSON, ...)."""
    from ..regions import LAYERS, load

    if spec in LAYERS:
        return load(spec)
    import geopandas as gpd

    path = Path(spec)
    if not path.exists():
        from ..errors import InputError

        raise InputError(f"{spec!r} is neither an embedded layer ({', '.join(LAYERS)}) nor an existing file")
    return gpd.read_file(path, layer=layer)

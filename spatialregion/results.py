"""The common result base every analysis returns.

A result is a frozen dataclass holding arrays and metadata.  Everything a user
does with it goes through the same four names:

``to_frame()``
    per-unit (or per-row) results as a DataFrame, a GeoDataFrame when the
    geometry of the units is known; index aligned to the input.
``summary()``
    a :class:`Summary` — the table(s) a paper would print — rendered as text
    (``str()``), HTML, LaTeX or CSV.
``plot(ax=None, **kw)``
    the standard figure for the result (a map when geometry is known).
``to_gpkg(path, layer=None)``
    a GeoPackage layer with an embedded QGIS style (``layer_styles``) and a
    ``.qml`` sidecar.

Subclasses implement ``to_frame`` and ``summary`` and, for maps, ``_style``
(a :class:`spatialregion.export.Style` describing the class column, colours
and labels); ``plot`` and ``to_gpkg`` then work from those.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

    from .export import Style

__all__ = ["Result", "Summary", "SummaryTable"]


@dataclass(frozen=True)
class SummaryTable:
    """One titled table of a :class:`Summary`."""

    title: str
    frame: pd.DataFrame
    float_format: str = "{:.4f}"

    def _formatted(self) -> pd.DataFrame:
        fmt = self.float_format

        def cell(v: Any) -> Any:
            if isinstance(v, float):
                return "" if pd.isna(v) else fmt.format(v)
            return v

        return self.frame.map(cell)


@dataclass(frozen=True)
class Summary:
    """Tables and notes a paper would print, rendered in several formats.

    ``str(summary)`` gives plain text; :meth:`to_html`, :meth:`to_latex` and
    :meth:`to_csv` give the other renderings; :meth:`tables` returns the raw
    DataFrames (numbers unformatted) for further processing.
    """

    title: str
    tables: tuple[SummaryTable, ...] = ()
    notes: tuple[str, ...] = ()

    # -- renderings -------------------------------------------------------
    def as_text(self) -> str:
        out = [self.title, "=" * max(len(self.title), 8)]
        for t in self.tables:
            out += ["", t.title, "-" * max(len(t.title), 4), t._formatted().to_string()]
        if self.notes:
            out += [""] + [f"Note: {n}" for n in self.notes]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text()

    def to_html(self) -> str:
        parts = [f"<h3>{_esc(self.title)}</h3>"]
        for t in self.tables:
            parts.append(f"<h4>{_esc(t.title)}</h4>")
            parts.append(t._formatted().to_html())
        parts += [f"<p><em>Note:</em> {_esc(n)}</p>" for n in self.notes]
        return "\n".join(parts)

    _repr_html_ = to_html

    def to_latex(self) -> str:
        parts = [f"% {self.title}"]
        for t in self.tables:
            parts.append(f"% {t.title}")
            parts.append(t._formatted().to_latex())
        parts += [f"% Note: {n}" for n in self.notes]
        return "\n".join(parts)

    def to_csv(self, path: str | Path | None = None) -> str:
        """All tables one after another, each preceded by a ``# title`` line."""
        buf = io.StringIO()
        for t in self.tables:
            buf.write(f"# {t.title}\n")
            t.frame.to_csv(buf)
            buf.write("\n")
        text = buf.getvalue()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def frames(self) -> dict[str, pd.DataFrame]:
        """The tables as ``{title: DataFrame}`` with unformatted numbers."""
        return {t.title: t.frame for t in self.tables}


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class Result:
    """Base class of all analysis results (see the module docstring).

    Subclasses are frozen dataclasses.  Store settings that change the
    statistic (transform, star, breaks, island policy, ...) as fields so that
    they are part of the result and appear in :meth:`summary`.
    """

    #: the units' geometry (GeoSeries aligned to the per-unit arrays) when known
    geometry: Any = field(default=None, repr=False, kw_only=True, compare=False)

    # -- to be provided by subclasses ------------------------------------
    def to_frame(self) -> pd.DataFrame:
        raise NotImplementedError(f"{type(self).__name__} does not define to_frame()")

    def summary(self) -> Summary:
        raise NotImplementedError(f"{type(self).__name__} does not define summary()")

    def _style(self) -> Style:
        """The map/QGIS style of :meth:`to_frame` (class column, colours, labels)."""
        raise NotImplementedError(f"{type(self).__name__} has no map style")

    # -- shared behaviour -------------------------------------------------
    def _with_geometry(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` as a GeoDataFrame on the units' geometry when it is known (else unchanged)."""
        if self.geometry is None:
            return frame
        import geopandas as gpd

        return gpd.GeoDataFrame(frame, geometry=self.geometry, crs=getattr(self.geometry, "crs", None))

    def _geo_frame(self) -> gpd.GeoDataFrame:
        import geopandas as gpd

        frame = self.to_frame()
        if not isinstance(frame, gpd.GeoDataFrame):
            raise InputError(
                f"{type(self).__name__} has no geometry: pass a GeoDataFrame to the analysis "
                "(or set geometry=...) to map it or write it to a GeoPackage"
            )
        return frame

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Map the result with its standard style (see :func:`spatialregion.maps.plot_style`)."""
        from . import maps

        return maps.plot_style(self._geo_frame(), self._style(), ax=ax, **kwargs)

    def to_gpkg(self, path: str | Path, layer: str | None = None, **kwargs: Any) -> Path:
        """Write :meth:`to_frame` as a styled GeoPackage layer (QGIS ``layer_styles``)."""
        from . import export

        layer = layer or type(self).__name__.removesuffix("Result").lower()
        return export.to_gpkg(self._geo_frame(), path, layer=layer, style=self._style(), **kwargs)

    def _repr_html_(self) -> str:
        return self.summary().to_html()

    def settings(self) -> dict[str, Any]:
        """Scalar settings stored in the result (for notes and metadata)."""
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, (str, int, float, bool)) or v is None:
                out[f.name] = v
        return out

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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from .errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

    from .export import Style

__all__ = ["Result", "Summary", "SummaryTable", "TableResult", "UnitResult", "unit_columns"]

#: columns that identify a unit, carried into every per-unit output when the input has them
ID_COLUMNS = ("adcode", "name", "name_short")


@dataclass(frozen=True)
class SummaryTable:
    """One titled table of a :class:`Summary`.

    Parameters
    ----------
    title : str
        Caption of the table (e.g. ``"Global Moran's I"``); also the sheet name
        in :meth:`Summary.to_excel` and the ``# title`` line in
        :meth:`Summary.to_csv`.
    frame : pandas.DataFrame
        The table with unformatted numbers; its index is printed as the first
        column.
    float_format : str, default "{:.4f}"
        :meth:`str.format` pattern applied to float cells in the text, HTML and
        LaTeX renderings (NaN is shown empty).  CSV and Excel keep full
        precision.
    """

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

    ``str(summary)`` gives plain text; :meth:`to_html`, :meth:`to_latex`,
    :meth:`to_csv` and :meth:`to_excel` give the other renderings;
    :meth:`frames` returns the raw DataFrames (numbers unformatted) for
    further processing.  Modelled on statsmodels' ``Summary``.

    Parameters
    ----------
    title : str
        Heading of the summary (e.g. ``"Getis-Ord Gi* hot spots (queen, R)"``).
    tables : tuple of SummaryTable, default ()
        The tables, in printing order.
    notes : tuple of str, default ()
        Footnotes (settings that change the statistic, warnings, references),
        printed after the tables as ``Note: ...``.
    """

    title: str
    tables: tuple[SummaryTable, ...] = ()
    notes: tuple[str, ...] = ()

    # -- renderings -------------------------------------------------------
    def as_text(self) -> str:
        """Plain-text rendering (what ``str(summary)`` and ``print`` show).

        Returns
        -------
        str
            The title, each table under its underlined title, then the notes.
        """
        out = [self.title, "=" * max(len(self.title), 8)]
        for t in self.tables:
            out += ["", t.title, "-" * max(len(t.title), 4), _text_table(t._formatted(), t.frame)]
        if self.notes:
            out += [""] + [f"Note: {n}" for n in self.notes]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text()

    def to_html(self) -> str:
        """HTML rendering (used by Jupyter's rich display).

        Returns
        -------
        str
            ``<h3>`` title, an ``<h4>`` and a ``<table>`` per table, a ``<p>``
            per note; text is HTML-escaped.
        """
        parts = [f"<h3>{_esc(self.title)}</h3>"]
        for t in self.tables:
            parts.append(f"<h4>{_esc(t.title)}</h4>")
            parts.append(t._formatted().to_html())
        parts += [f"<p><em>Note:</em> {_esc(n)}</p>" for n in self.notes]
        return "\n".join(parts)

    _repr_html_ = to_html

    def to_latex(self) -> str:
        """LaTeX ``tabular`` per table; ``%``, ``_``, ``&``, ``#``, ``$``, ``{``, ``}`` escaped in text.

        Spans between a pair of ``$`` are treated as math and left unescaped.

        Returns
        -------
        str
            The tables (``DataFrame.to_latex`` output), with the title, table
            titles and notes as ``%`` comment lines.
        """
        parts = [f"% {self.title}"]
        for t in self.tables:
            parts.append(f"% {t.title}")
            frame = t._formatted()
            frame = frame.map(lambda v: latex_escape(v) if isinstance(v, str) else v)
            frame.index = [latex_escape(str(i)) for i in frame.index]
            frame.columns = [latex_escape(str(c)) for c in frame.columns]
            parts.append(frame.to_latex(escape=False))
        parts += [f"% Note: {n}" for n in self.notes]
        return "\n".join(parts)

    def to_csv(self, path: str | Path | None = None) -> str:
        """All tables one after another, each preceded by a ``# title`` line.

        The file is written as UTF-8 with a byte-order mark (``utf-8-sig``) so
        that Excel on Chinese Windows shows the Chinese labels; the returned
        string has no BOM.

        Parameters
        ----------
        path : str or Path, optional
            File to write; nothing is written when ``None``.

        Returns
        -------
        str
            The CSV text (full-precision numbers, index included).
        """
        buf = io.StringIO()
        for t in self.tables:
            buf.write(f"# {t.title}\n")
            t.frame.to_csv(buf)
            buf.write("\n")
        text = buf.getvalue()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8-sig")
        return text

    def to_excel(self, path: str | Path) -> Path:
        """One sheet per table (needs ``openpyxl``, extra ``[excel]``); notes on a last sheet.

        Parameters
        ----------
        path : str or Path
            The ``.xlsx`` file to write.  Sheet names are the table titles,
            cleaned of ``[]:*?/\\`` and shortened to fit Excel's 31 characters.

        Returns
        -------
        Path
            ``path``.

        Raises
        ------
        InputError
            If openpyxl is not installed.
        """
        from .export._tables import require_openpyxl

        require_openpyxl()
        path = Path(path)
        with pd.ExcelWriter(path) as xl:
            used: set[str] = set()
            for i, t in enumerate(self.tables):
                name = _sheet_name(t.title or f"table{i + 1}", used)
                t.frame.to_excel(xl, sheet_name=name)
            if self.notes:
                pd.DataFrame({"note": list(self.notes)}).to_excel(xl, sheet_name=_sheet_name("notes", used), index=False)
        return path

    def frames(self) -> dict[str, pd.DataFrame]:
        """The tables as ``{title: DataFrame}`` with unformatted numbers.

        Returns
        -------
        dict of str to pandas.DataFrame
            One entry per table, in printing order.
        """
        return {t.title: t.frame for t in self.tables}


def _text_table(frame: pd.DataFrame, raw: pd.DataFrame) -> str:
    """``frame.to_string()`` with the text columns of ``raw`` (the unformatted table) left-aligned:
    a long text cell then pads only its own line on the right instead of pushing every row of the
    column to the right.  Numeric columns stay right-aligned."""
    formatters = {}
    if not (frame.columns.is_unique and raw.columns.is_unique):
        return frame.to_string()
    for col in frame.columns:
        values = frame[col]
        if col in raw.columns and not pd.api.types.is_numeric_dtype(raw[col]) and raw[col].map(lambda v: isinstance(v, str)).any():
            width = int(values.map(lambda v: len(str(v))).max()) if len(values) else 0
            formatters[col] = lambda v, w=width: f"{v!s:<{w}}"
    if not formatters:
        return frame.to_string()
    return frame.to_string(formatters=formatters)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_LATEX_SPECIALS = {"\\": r"\textbackslash{}", "%": r"\%", "_": r"\_", "&": r"\&", "#": r"\#", "$": r"\$", "{": r"\{", "}": r"\}"}


def latex_escape(text: str) -> str:
    """Escape LaTeX specials in plain text; spans between ``$...$`` (math) are left as they are."""
    pieces = text.split("$")
    if len(pieces) % 2 == 0:  # unbalanced $: treat all as text
        return "".join(_LATEX_SPECIALS.get(ch, ch) for ch in text)
    return "$".join(p if k % 2 else "".join(_LATEX_SPECIALS.get(ch, ch) for ch in p) for k, p in enumerate(pieces))


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in '[]:*?/\\')[:28] or "table"
    name, k = base, 2
    while name in used:
        name, k = f"{base[:25]}_{k}", k + 1
    used.add(name)
    return name


@dataclass(frozen=True, eq=False)
class Result:
    """Base class of all analysis results (see the module docstring).

    Subclasses are frozen dataclasses.  Store settings that change the
    statistic (transform, star, breaks, island policy, ...) as fields so that
    they are part of the result and appear in :meth:`summary`.
    """

    #: the units' geometry (GeoSeries aligned to the per-unit arrays) when known
    geometry: Any = field(default=None, repr=False, kw_only=True, compare=False)

    #: default GeoPackage layer name of :meth:`to_gpkg` (empty: the class name without ``Result``, lower case)
    _layer: ClassVar[str] = ""

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
        """Map the result with its standard style (see :func:`spatialregion.maps.plot_style`).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure is made when ``None``.
        **kwargs
            Passed on to :func:`spatialregion.maps.plot_style` (e.g.
            ``labels="name_short"``, ``title``).

        Returns
        -------
        matplotlib.axes.Axes
            The axes with the map.

        Raises
        ------
        InputError
            If the result has no geometry (the analysis got a plain DataFrame).
        """
        from . import maps

        return maps.plot_style(self._geo_frame(), self._style(), ax=ax, **kwargs)

    def to_gpkg(self, path: str | Path, layer: str | None = None, **kwargs: Any) -> Path:
        """Write :meth:`to_frame` as a styled GeoPackage layer (QGIS ``layer_styles``).

        Parameters
        ----------
        path : str or Path
            The ``.gpkg`` file (created, or a layer added to it).
        layer : str, optional
            Layer name; default the result's own layer name (``"lisa"``,
            ``"emerging_hotspots"``, ...) where it sets one, else the class name
            without ``Result``, lower case (``TapioResult`` → ``"tapio"``).
        **kwargs
            Passed on to :func:`spatialregion.export.to_gpkg` (``qml_sidecar``,
            ``append``).

        Returns
        -------
        Path
            ``path``.

        Raises
        ------
        InputError
            If the result has no geometry.
        """
        from . import export

        layer = layer or self._layer or type(self).__name__.removesuffix("Result").lower()
        return export.to_gpkg(self._geo_frame(), path, layer=layer, style=self._style(), **kwargs)

    def _repr_html_(self) -> str:
        return self.summary().to_html()

    def __eq__(self, other: object) -> bool:
        """Same type and equal fields (arrays compared element-wise, NaN equal to NaN)."""
        if other is self:
            return True
        if type(other) is not type(self):
            return NotImplemented
        return all(_equal(getattr(self, f.name), getattr(other, f.name)) for f in fields(self) if f.compare)

    __hash__ = object.__hash__

    def settings(self) -> dict[str, Any]:
        """Scalar settings stored in the result (for notes and metadata).

        Returns
        -------
        dict of str to scalar
            Every field whose value is a str, int, float, bool or None.
        """
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, (str, int, float, bool)) or v is None:
                out[f.name] = v
        return out


def _equal(a: Any, b: Any) -> bool:
    import numpy as np

    if a is b:
        return True
    if isinstance(a, (pd.DataFrame, pd.Series, pd.Index)):
        return type(a) is type(b) and a.equals(b)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=np.asarray(a).dtype.kind in "fc")
        except TypeError:
            return np.array_equal(np.asarray(a), np.asarray(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    try:
        out = a == b
        return bool(out) if not isinstance(out, (np.ndarray, pd.Series, pd.DataFrame)) else _equal(np.asarray(a), np.asarray(b))
    except (TypeError, ValueError):
        return False


def unit_columns(
    data: Any,
    index: pd.Index | None = None,
    *,
    id_column: str | None = None,
    values: Sequence[str] | str | None = None,
) -> pd.DataFrame | None:
    """The columns that say which unit a row is, plus the analysed value(s).

    Used by every per-unit result (the ``units`` field of
    :class:`UnitResult`) so that ``to_frame()``, CSV and GeoPackage outputs
    identify each unit.

    Parameters
    ----------
    data : DataFrame or Any
        The analysis input.  Anything that is not a DataFrame (arrays) carries
        no ids besides position and gives ``None``.
    index : pandas.Index, optional
        Index of the result rows; the unit columns are aligned to it (by
        ``id_column`` when given and the indexes differ, else by index label).
        Default: the data's own index.
    id_column : str, optional
        Column with the unit ids; included first when given and present.
    values : str or sequence of str, optional
        The analysed column(s), appended after the id columns (those present).

    Returns
    -------
    pandas.DataFrame or None
        Indexed like the result rows, with, in order: ``id_column``,
        ``adcode``, ``name``, ``name_short`` (those present) and the
        ``values`` columns; no geometry.  ``None`` when ``data`` is not a
        DataFrame.
    """
    if not isinstance(data, pd.DataFrame):
        return None
    vals = [values] if isinstance(values, str) else list(values or [])
    cols = [c for c in (id_column, *ID_COLUMNS) if c is not None and c in data.columns]
    cols = list(dict.fromkeys(cols + [v for v in vals if v in data.columns]))
    if data.columns.is_unique:  # positions: no list indexing of the columns (~2x faster)
        frame = pd.DataFrame(data.iloc[:, [data.columns.get_loc(c) for c in cols]]).copy()
    else:
        frame = pd.DataFrame(data[cols]).copy()
    if hasattr(frame, "geometry") and "geometry" in frame.columns:  # pragma: no cover - defensive
        frame = pd.DataFrame(frame.drop(columns="geometry"))
    if index is not None:
        index = pd.Index(index)
        if id_column is not None and not frame.index.equals(index) and id_column in frame.columns:
            frame = frame.set_index(frame[id_column], drop=False)
            frame.index.name = data.index.name
        frame = frame.reindex(index)
    return pd.DataFrame(frame)


@dataclass(frozen=True, eq=False)
class UnitResult(Result):
    """A result with one row per unit (hot spots, LISA, Markov classes, indices, ...).

    ``to_frame()`` starts with the columns that identify each unit — the
    index, ``id_column``, ``adcode``/``name``/``name_short`` when the input
    has them — and the analysed value(s), then the result columns, aligned
    to the input rows; a GeoDataFrame when the geometry is known.  The same
    columns go into :meth:`to_gpkg` and the CLI's CSV files, so a QGIS user can
    tell which polygon is which unit.  ``plot(labels="name_short")`` labels
    the units.

    Subclasses build their result columns and return
    ``self._unit_frame(results)`` from ``to_frame``.
    """

    #: id / name / analysed-value columns aligned to the result rows (see :func:`unit_columns`)
    units: Any = field(default=None, repr=False, kw_only=True, compare=False)

    def _unit_frame(self, results: pd.DataFrame) -> pd.DataFrame:
        """``units`` columns (not repeated in ``results``) then ``results``, with geometry."""
        frame = results
        if self.units is not None:
            units = self.units
            if not units.index.equals(results.index):
                units = units.reindex(results.index)
            keep = [c for c in units.columns if c not in results.columns]
            frame = pd.concat([units[keep], results], axis=1)
        return self._with_geometry(frame)


@dataclass(frozen=True, eq=False)
class TableResult(Result):
    """A result that is a table, not a map of units (global Moran, Dagum, Theil,
    kernel density, Markov matrices, detector, regression tables).

    ``to_frame()`` returns a tidy table, ``summary()`` the paper's table and
    ``plot()`` a chart; there is no GeoPackage layer.
    """

    def to_gpkg(self, path: str | Path, layer: str | None = None, **kwargs: Any) -> Path:
        raise InputError(
            f"{type(self).__name__} is a table, not a layer of units, so it has no GeoPackage; "
            "use .to_frame().to_csv(...), .summary().to_csv(...) or .summary().to_excel(...) instead"
        )

    def _style(self) -> Style:
        raise InputError(f"{type(self).__name__} is a table; it has no map style")

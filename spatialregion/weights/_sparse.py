"""The one weights path: Graph / W / sparse / method name to an aligned sparse matrix (:func:`as_sparse`)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from libpysal.graph import Graph
from numba import njit

from .._validation import check_choice, check_unique_ids
from ..errors import AlignmentError, WeightsError
from ._build import build, METHODS
from ._points import _ids
from ._report import _REPORT_ATTR, report


def islands(graph: Graph | Any) -> list[Hashable]:
    """Ids of units without neighbours (zero-weight self-loops in a Graph).

    Parameters
    ----------
    graph : libpysal.graph.Graph or libpysal.weights.W
        The weights.

    Returns
    -------
    list
        The isolates' ids.
    """
    g = as_graph(graph)
    return list(g.isolates)


def as_graph(weights: Graph | Any, ids: Sequence[Hashable] | pd.Index | None = None) -> Graph:
    """Return ``weights`` as a :class:`libpysal.graph.Graph` ordered like ``ids``.

    Parameters
    ----------
    weights : libpysal.graph.Graph or libpysal.weights.W
    ids : sequence, optional
        The data's unit ids (usually the DataFrame index).  The result's
        ``unique_ids`` follow this order; ``sparse`` matrices then line up
        with the data rows.

    Returns
    -------
    libpysal.graph.Graph
        The weights, with ``unique_ids`` in the order of ``ids`` when given.

    Raises
    ------
    WeightsError
        ``weights`` is neither a Graph nor a W.
    AlignmentError
        The ids of the weights and of the data differ (names the ids missing
        on either side) or the data has duplicated ids.
    """
    if isinstance(weights, Graph):
        g = weights
    else:
        try:
            from libpysal.weights import W
        except ImportError:  # pragma: no cover
            W = ()  # type: ignore[assignment]
        if not isinstance(weights, W):
            raise WeightsError(
                f"weights must be a libpysal.graph.Graph or libpysal.weights.W, got {type(weights).__name__}; "
                "build them with spatialregion.weights.build(gdf, method=...)"
            )
        g = Graph.from_W(weights)
    if ids is None:
        return g
    ids = pd.Index(ids)
    if not ids.is_unique:
        dups = ids[ids.duplicated()].unique().tolist()
        raise AlignmentError(f"data ids are duplicated: {dups[:10]}")
    gids = pd.Index(g.unique_ids)
    if len(gids) == len(ids) and gids.equals(ids):
        return g
    missing = ids.difference(gids)
    extra = gids.difference(ids)
    if len(missing) or len(extra):
        raise AlignmentError(
            f"weights and data describe different units: {len(missing)} data ids not in the weights "
            f"{missing[:10].tolist()}, {len(extra)} weight ids not in the data {extra[:10].tolist()}; "
            "build the weights from the same GeoDataFrame (same index) as the data"
        )
    # same units, different order: reorder the adjacency to the data's order
    adj = g.adjacency
    pos = pd.Series(np.arange(len(ids)), index=ids)
    f = pos.reindex(adj.index.get_level_values("focal")).to_numpy()
    nb = pos.reindex(adj.index.get_level_values("neighbor")).to_numpy()
    order = np.lexsort((nb, f))
    adj = adj.iloc[order]
    out = Graph(adj, transformation=g.transformation, is_sorted=False)
    rep = report(g)
    if rep is not None:
        object.__setattr__(out, _REPORT_ATTR, rep)
    return out


# --------------------------------------------------------------------------- the one weights path
TRANSFORMS = ("O", "B", "R")


def check_transform(transform: Any, allowed: Sequence[str] = TRANSFORMS) -> str:
    """``transform`` upper-cased and checked: ``"O"`` (as given), ``"B"`` (binary), ``"R"`` (row-standardised)."""
    t = str(transform).upper() if isinstance(transform, str) else transform
    check_choice("transform", t, tuple(allowed))
    return t


def transform_matrix(A: Any, transform: str) -> Any:
    """The one implementation of the weight transforms, on an off-diagonal CSR matrix.

    ``"O"``: as given; ``"B"``: w_ij = 1 for every stored (non-zero) weight;
    ``"R"``: w_ij / Σ_j w_ij (rows without neighbours stay zero).  Returns a
    new ``scipy.sparse.csr_matrix``; ``A`` is not modified.

    Parameters
    ----------
    A : scipy sparse matrix or array
        Off-diagonal weights.
    transform : {"O", "B", "R"}
        The transform (any case).

    Returns
    -------
    scipy.sparse.csr_matrix
        The transformed weights.
    """
    from scipy import sparse

    transform = check_transform(transform)
    A = sparse.csr_matrix(A)
    if transform == "O":
        return A.copy()
    if transform == "B":
        return sparse.csr_matrix((np.ones_like(A.data, dtype=float), A.indices.copy(), A.indptr.copy()), shape=A.shape)
    rs = np.asarray(A.sum(axis=1)).ravel()
    inv = np.divide(1.0, rs, out=np.zeros_like(rs, dtype=float), where=rs != 0)
    return sparse.csr_matrix((A.data * np.repeat(inv, np.diff(A.indptr)), A.indices.copy(), A.indptr.copy()), shape=A.shape)


@dataclass(frozen=True, eq=False)
class SpatialMatrix:
    """Spatial weights as a sparse matrix in the data's row order (see :func:`as_sparse`).

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix
        (n, n) off-diagonal weights after ``transform``; row i, column j is w_ij.
    ids : pandas.Index
        Unit ids in row order (the data's ids).
    transform : str
        ``"O"``, ``"B"`` or ``"R"``.
    islands : tuple
        Ids of units without neighbours (empty rows).
    info : str
        One line saying where the weights came from (method, islands, reordering).
    """

    matrix: Any
    ids: pd.Index
    transform: str
    islands: tuple[Hashable, ...]
    info: str

    @property
    def n(self) -> int:
        return self.matrix.shape[0]


def _w_class() -> Any:
    try:
        from libpysal.weights import W
    except ImportError:  # pragma: no cover
        return ()
    return W


def as_sparse(
    weights: Any = None,
    ids: Sequence[Hashable] | pd.Index | None = None,
    *,
    transform: str = "O",
    data: Any = None,
    id_column: str | None = None,
) -> SpatialMatrix:
    """Turn user weights into the sparse matrix an analysis needs — the one weights path.

    Every analysis in spatialregion that takes ``weights=`` goes through this
    function, so the accepted inputs, the alignment rule, the self-loop policy
    and the transforms are the same everywhere.

    Parameters
    ----------
    weights : Graph, W, scipy sparse matrix, ndarray, str or None
        * a :class:`libpysal.graph.Graph` or :class:`libpysal.weights.W`:
          aligned to ``ids`` **by id** (reordered when the same ids come in
          another order; :class:`~spatialregion.errors.AlignmentError` naming
          the ids when they differ);
        * a scipy sparse matrix or a square array: **by position** (row i is
          the i-th row of the data);
        * a method name (``"queen"``, ``"rook"``, ``"knn"``, ...) or ``None``
          (= ``"queen"``): built from ``data`` (a GeoDataFrame) with
          :func:`build` and its default island policy (``islands="nearest"``).
    ids : sequence, optional
        The data's unit ids in row order (default: the ids of the weights, or
        of ``data``).
    transform : {"O", "B", "R"} (any case)
        ``"O"`` as given, ``"B"`` binary, ``"R"`` row-standardised, applied by
        :func:`transform_matrix` after the self-loops are removed.
    data : GeoDataFrame, optional
        Needed when ``weights`` is a method name or None.
    id_column : str, optional
        Column of ``data`` holding the unit ids used for alignment (default:
        its index).

    Returns
    -------
    SpatialMatrix
        ``.matrix`` is an (n, n) CSR matrix in the order of ``ids``.  From a
        Graph in its own order with ``transform="O"``, its arrays are shared
        with a per-Graph cache and read-only (in-place changes raise; use
        ``.matrix.copy()`` to modify it).

    Notes
    -----
    Self-loop policy: a unit is never its own neighbour here.  Diagonal
    entries (libpysal stores isolates as zero self-loops; some users add
    w_ii) and explicit zeros are removed before the transform, so
    row-standardisation never counts w_ii.  Statistics that include the unit
    itself (Getis-Ord Gi*) add it explicitly and say so.  Negative weights
    raise :class:`~spatialregion.errors.WeightsError`.
    """
    from scipy import sparse

    transform = check_transform(transform)
    if data is not None and ids is None:
        ids = _ids(data, id_column) if hasattr(data, "columns") else None
    if weights is None or isinstance(weights, str):
        method = "queen" if weights is None else weights
        if data is None or not hasattr(data, "geometry"):
            raise WeightsError(
                f"weights={weights!r} builds {method} weights from the units' geometry, but the data is not a "
                "GeoDataFrame; pass a GeoDataFrame or weights (a libpysal Graph/W or a sparse matrix)"
            )
        check_choice("weights", method, METHODS)
        weights = build(data, method, id_column=id_column)
    W = _w_class()
    clean = False  # True: A is already off-diagonal, non-negative, canonical CSR of floats
    if isinstance(weights, Graph):
        A, order_ids, clean = _graph_sparse_cached(weights)
        rep = report(weights)
        info = str(rep) if rep is not None else f"libpysal Graph ({len(order_ids)} units, transformation {weights.transformation})"
        A, order_ids, moved = _align(A, order_ids, ids)
        clean = clean and not moved
    elif W and isinstance(weights, W):
        A, order_ids, info = _from_w(weights, ids)
    elif sparse.issparse(weights) or isinstance(weights, np.ndarray):
        A = sparse.csr_matrix(weights, dtype=float)
        if A.ndim != 2 or A.shape[0] != A.shape[1]:
            raise WeightsError(f"a weights matrix must be square, got shape {A.shape}")
        order_ids = pd.RangeIndex(A.shape[0]) if ids is None else pd.Index(ids)
        info = f"{type(weights).__name__} {A.shape[0]} x {A.shape[1]} (rows by position)"
    else:
        raise WeightsError(
            f"weights must be a libpysal Graph or W, a scipy sparse matrix, a square array, a method name "
            f"({', '.join(METHODS)}) or None, got {type(weights).__name__}"
        )
    if len(order_ids) != A.shape[0]:
        raise AlignmentError(f"weights are {A.shape[0]} x {A.shape[1]} but the data has {len(order_ids)} units")
    if not clean:
        A = _off_diagonal(sparse.csr_matrix(A, dtype=float))
    isl = tuple(order_ids[np.diff(A.indptr) == 0])
    return SpatialMatrix(transform_matrix(A, transform) if transform != "O" else A, pd.Index(order_ids), transform, isl, info)


def _from_w(w: Any, ids: Any) -> tuple[Any, pd.Index, str]:
    """A libpysal W as CSR in the order of ``ids`` (permuted directly, no Graph round trip)."""
    order = _fast_index(w.id_order)
    A = _w_sparse(w, order)
    info = f"libpysal W ({w.n} units, transform {w.transform})"
    A, order, moved = _align(A, order, ids)
    return A, order, info + (", reordered to the data" if moved else "")


def _fast_index(ids: Sequence[Hashable]) -> pd.Index:
    """``pd.Index(ids)``; a list of Python ints goes through one numpy conversion
    (pandas infers the type element by element, ~10x slower at 100k ids)."""
    ids = list(ids)
    if ids and type(ids[0]) is int:
        arr = np.asarray(ids)
        if arr.dtype.kind == "i":
            return pd.Index(arr)
    return pd.Index(ids)


def _align(A: Any, order: pd.Index, ids: Any) -> tuple[Any, pd.Index, bool]:
    """Rows/columns of ``A`` (in ``order``) permuted to the data's ``ids``; raises
    :class:`AlignmentError` naming the ids when the two sets differ.  Returns
    ``(A, ids, reordered)``."""
    if ids is None:
        return A, order, False
    ids = pd.Index(ids)
    check_unique_ids(ids, "data ids")
    if len(order) == len(ids) and order.equals(ids):
        return A, ids, False
    missing, extra = ids.difference(order), order.difference(ids)
    if len(missing) or len(extra):
        raise AlignmentError(
            f"weights and data describe different units: {len(missing)} data ids not in the weights "
            f"{missing[:10].tolist()}, {len(extra)} weight ids not in the data {extra[:10].tolist()}; "
            "build the weights from the same GeoDataFrame (same index) as the data"
        )
    perm = order.get_indexer(ids)
    return A.tocsr()[perm][:, perm], ids, True


_CSR_ATTR = "_spatialregion_csr"


def _graph_sparse_cached(g: Graph) -> tuple[Any, pd.Index, bool]:
    """:func:`_graph_sparse`, computed once per Graph and kept on it.

    A libpysal Graph is immutable (``transform()`` returns a new Graph; libpysal
    itself caches ``Graph.sparse``), so its matrix can be kept; every call gets a
    fresh CSR over the cached arrays, made read-only (in-place changes raise
    instead of altering the Graph's cache; scipy's operations return new
    matrices).  The flag says the matrix is already off-diagonal and canonical
    (see :func:`_graph_sparse`).
    """
    cached = getattr(g, _CSR_ATTR, None)
    if cached is None:
        A, ids, clean = _graph_sparse(g)
        for arr in (A.data, A.indices, A.indptr):
            arr.flags.writeable = False
        cached = (A.data, A.indices, A.indptr, A.shape, ids, clean)
        try:
            object.__setattr__(g, _CSR_ATTR, cached)
        except (AttributeError, TypeError):  # pragma: no cover - a Graph that refuses attributes
            pass
    data, indices, indptr, shape, ids, clean = cached
    return _csr(data, indices, indptr, shape, canonical=clean), ids, clean


def _csr(data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, shape: tuple[int, int], *, canonical: bool) -> Any:
    """A CSR matrix over the given arrays (not copied); ``canonical`` records
    sorted, duplicate-free indices already checked, so scipy skips its scans."""
    from scipy import sparse

    A = sparse.csr_matrix((data, indices, indptr), shape=shape, copy=False)
    if canonical:
        A.has_sorted_indices = True
        A.has_canonical_format = True
    return A


def _graph_sparse(g: Graph) -> tuple[Any, pd.Index, bool]:
    """``(g.sparse, g.unique_ids, clean)`` read straight from the adjacency's MultiIndex codes.

    Same matrix as libpysal's ``Graph.sparse`` (rows and columns in
    ``unique_ids`` order: ids in order of first appearance as focal), without
    its pandas sparse round trip and without caching it on the Graph (~10x
    faster at 90k units).  In the usual layout (both index levels the same ids,
    focal codes 0, 0, 1, ... in order, neighbours sorted within each focal) the
    codes are the positions: self-loops and zero weights are dropped in one
    compiled pass (:func:`_usual_codes_to_csr`), negative or NaN weights raise,
    and ``clean`` is True (the matrix is what :func:`_off_diagonal` would return).  Otherwise zero weights
    (isolates' self-loops) are kept as explicit entries, ``clean`` is False
    and :func:`_off_diagonal` drops them.
    """
    from scipy import sparse

    adj = g._adjacency
    mi = adj.index
    fcode, ncode = mi.codes[0], mi.codes[1]
    vals = adj.to_numpy(dtype=float)
    n = len(mi.levels[0])
    if fcode.size and fcode.size < 2**31 - 1 and mi.levels[0].equals(mi.levels[1]):
        status, indptr, indices, data = _usual_codes_to_csr(_int32(fcode), _int32(ncode), np.ascontiguousarray(vals), n)
        if status == _NEGATIVE:
            raise WeightsError("weights contain negative or missing (NaN) values; spatial weights must be w_ij >= 0")
        if status != _UNUSUAL:
            # focal codes run 0..n-1 in order: unique_ids is levels[0] and codes are positions
            if status == _CANONICAL:
                return _csr(data, indices, indptr, (n, n), canonical=True), pd.Index(mi.levels[0]), True
            # indices/data may be the Graph's own (read-only) codes and values: sort copies
            A = _csr(data.copy(), indices.copy(), indptr, (n, n), canonical=False)
            A.sum_duplicates()
            return A, pd.Index(mi.levels[0]), False
    fcode = np.asarray(fcode, dtype=np.int64)
    ncode = np.asarray(ncode, dtype=np.int64)
    if fcode.size and (fcode[1:] >= fcode[:-1]).all():
        first = np.flatnonzero(np.r_[True, fcode[1:] != fcode[:-1]])
        seen = fcode[first]
    else:
        seen = pd.unique(fcode)
    ids = mi.levels[0][seen]
    pos0 = np.full(len(mi.levels[0]), -1, dtype=np.int64)
    pos0[seen] = np.arange(seen.size)
    pos1 = ids.get_indexer(mi.levels[1])
    row, col = pos0[fcode], pos1[ncode]
    if (col < 0).any():
        raise WeightsError("the Graph lists neighbours that are not focal units; every unit must appear as focal")
    n = ids.size
    if row.size and (row[1:] >= row[:-1]).all():  # canonical Graph: rows already grouped, no COO pass
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(row, minlength=n), out=indptr[1:])
        A = sparse.csr_matrix((vals, col, indptr), shape=(n, n))
        if not A.has_sorted_indices:
            A.sort_indices()
    else:
        A = sparse.csr_matrix((vals, (row, col)), shape=(n, n))
    A.sum_duplicates()
    return A, pd.Index(ids), False


def _int32(codes: np.ndarray) -> np.ndarray:
    """Index codes as int32 (one compiled specialisation; pandas uses int8/16/32 by size)."""
    return codes if codes.dtype == np.int32 else codes.astype(np.int32)


_CANONICAL, _UNSORTED, _UNUSUAL, _NEGATIVE = 0, 1, 2, 3


@njit(cache=True, nogil=True)
def _usual_codes_to_csr(fcode, ncode, vals, n):  # pragma: no cover - compiled
    """CSR arrays of a Graph adjacency in the usual layout.

    The usual layout: focal codes 0, 0, 1, ... n - 1 (every unit focal, in
    order, steps of 0 or 1), so codes are positions.  One read-only pass
    checks the layout and the weights and builds ``indptr``; self-loops and
    zero weights are then dropped in a second pass only when there are any
    (otherwise ``ncode`` and ``vals`` themselves are the indices and data).
    Returns ``(status, indptr, indices, data)``: status ``_CANONICAL``
    (neighbour codes strictly increasing in every row), ``_UNSORTED`` (valid,
    needs ``sum_duplicates``), ``_UNUSUAL`` (another layout: the caller takes
    the general path) or ``_NEGATIVE`` (a weight < 0 or NaN).
    """
    m = fcode.shape[0]
    indptr = np.zeros(n + 1, np.int32)
    row = -1
    last = -1
    nnz = 0
    canonical = True
    for e in range(np.uint64(m)):  # unsigned: no wraparound checks
        f = fcode[e]
        if f != row:
            if f != row + 1:
                return _UNUSUAL, indptr, ncode, vals
            row = f
            indptr[np.uint64(row)] = nnz
            last = -1
        c = ncode[e]
        v = vals[e]
        if not v >= 0.0:
            return _NEGATIVE, indptr, ncode, vals
        if c <= last:
            canonical = False
        last = c
        if v != 0.0 and c != f:
            nnz += 1
    if row != n - 1:
        return _UNUSUAL, indptr, ncode, vals
    indptr[n] = nnz
    status = _CANONICAL if canonical else _UNSORTED
    if nnz == m:
        return status, indptr, ncode, vals
    indices = np.empty(nnz, np.int32)
    data = np.empty(nnz, np.float64)
    k = 0
    for e in range(np.uint64(m)):
        c = ncode[e]
        v = vals[e]
        if v != 0.0 and c != fcode[e]:
            indices[k] = c
            data[k] = v
            k += 1
    return status, indptr, indices, data


def _w_sparse(w: Any, order: pd.Index) -> Any:
    """``w.sparse`` (rows and columns in ``w.id_order``) without libpysal's per-unit Python
    loop when it is not cached yet: the neighbour and weight lists are flattened once and the
    neighbour ids mapped to positions in one vectorised lookup (~10x faster at 100k units)."""
    from itertools import chain

    from scipy import sparse

    cache = getattr(w, "_cache", {})
    if "sparse" in cache:
        return w.sparse
    ids = list(w.id_order)
    if list(w.neighbors) == ids and list(w.weights) == ids:  # dicts in id order (the usual case): no lookups
        nbl, wl = list(w.neighbors.values()), list(w.weights.values())
    else:
        nbl, wl = [w.neighbors[i] for i in ids], [w.weights[i] for i in ids]
    card = np.fromiter(map(len, nbl), dtype=np.int64, count=len(ids))
    flat = list(chain.from_iterable(nbl))
    if order.dtype.kind in "iu" and order.is_monotonic_increasing and order.size and order[0] == 0 and order[-1] == order.size - 1:
        nb = np.asarray(flat, dtype=np.int64)  # ids 0..n-1 in order: the id is the position
        nb = np.where((nb >= 0) & (nb < order.size), nb, -1)
    else:
        nb = order.get_indexer(pd.Index(flat))
    vals = np.fromiter(chain.from_iterable(wl), dtype=float, count=int(card.sum()))
    if (nb < 0).any():
        raise WeightsError("the W lists neighbours that are not in its id_order")
    indptr = np.concatenate([[0], np.cumsum(card)])
    A = sparse.csr_matrix((vals, nb, indptr), shape=(len(ids), len(ids)))
    A.sum_duplicates()
    A.sort_indices()
    return A


def _off_diagonal(A: Any) -> Any:
    """Remove self-loops and explicit zeros; check for negative weights; sorted indices."""
    from scipy import sparse

    if A.data.size and (A.data < 0).any():
        raise WeightsError("weights contain negative values; spatial weights must be w_ij >= 0")
    if A.data.size and ((A.diagonal() != 0).any() or (A.data == 0).any()):
        coo = A.tocoo()
        keep = (coo.row != coo.col) & (coo.data != 0)
        A = sparse.csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=A.shape)
    elif not A.has_sorted_indices:
        A = A.copy()
        A.sort_indices()
    return A

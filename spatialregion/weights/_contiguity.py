"""Queen / rook contiguity by hashing exact shared vertices or edges (compiled)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely
from numba import njit


# --------------------------------------------------------------------------- contiguity
def contiguity_pairs(geoms: Any, rook: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j), i != j, of polygons sharing a vertex (queen) or an edge (rook).

    Vertices are matched exactly: every vertex (or every edge, as an unordered
    pair of vertices within one ring) is a key in a hash table, and polygons
    meeting at the same key are neighbours.  This is the
    vertex-set-intersection rule of libpysal's
    ``Graph.build_contiguity(strict=False)`` — identical neighbour sets — done
    in one compiled O(V) pass over the V vertices instead of a Python loop.

    Parameters
    ----------
    geoms : array of shapely (Multi)Polygons
        The units, in row order.
    rook : bool
        Shared edges (rook) instead of shared vertices (queen).

    Returns
    -------
    tuple of two int64 arrays
        Both directions of every pair, sorted by (i, j).
    """
    geoms = np.asarray(geoms)
    if len(geoms) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    parts, part_owner = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    owner = part_owner[ring_part[ring_of]].astype(np.int64)
    bits = np.ascontiguousarray(coords + 0.0).view(np.int64).reshape(-1, 2)  # + 0.0 folds -0.0 into 0.0
    slot, first, second, multi = _hash_owners(bits[:, 0].copy(), bits[:, 1].copy(), owner)
    if rook:
        same_ring = ring_of[1:] == ring_of[:-1]
        a, b = slot[:-1][same_ring], slot[1:][same_ring]
        owner = owner[:-1][same_ring]
        slot, first, second, multi = _hash_owners(np.minimum(a, b), np.maximum(a, b), owner)
    shared = second >= 0
    i, j = [first[shared]], [second[shared]]
    if multi.any():  # keys with three or more owners (tri-points): pair all their owners
        rows = multi[slot]
        ko = np.unique(np.column_stack([slot[rows], owner[rows]]), axis=0)
        k, o = ko[:, 0], ko[:, 1]
        d = 1
        while d < len(k) and (same := k[d:] == k[:-d]).any():
            i.append(o[:-d][same])
            j.append(o[d:][same])
            d += 1
    i, j = np.concatenate(i), np.concatenate(j)
    n = len(geoms)
    code = pd.unique(np.concatenate([i * n + j, j * n + i]))
    code.sort()
    return code // n, code % n


@njit(cache=True, inline="always")
def _mix(x: np.int64) -> np.int64:  # pragma: no cover - compiled
    """splitmix64 finaliser (Steele et al. 2014): every input bit affects every output bit."""
    x = np.uint64(x)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return np.int64(x)


@njit(cache=True)
def _hash_owners(a: np.ndarray, b: np.ndarray, owner: np.ndarray):  # pragma: no cover - compiled
    """Open-addressing hash table over the (a, b) int64 key pairs.

    Returns, per row, the slot of its key, and per slot the first owner
    (-1 for unused slots), a second distinct owner (-1 if none) and whether a
    third distinct owner exists.  Each slot is one 32-byte record
    (key a, key b, first, second) so that a lookup touches one cache line.
    """
    n = a.shape[0]
    size = 1
    while size < n + n // 2 + 2:
        size *= 2
    mask = size - 1
    table = np.empty((size, 4), dtype=np.int64)
    table[:, 2] = -1
    table[:, 3] = -1
    multi = np.zeros(size, dtype=np.bool_)
    slot = np.empty(n, dtype=np.int64)
    for r in range(n):
        ar = a[r]
        br = b[r]
        h = _mix(_mix(ar) ^ br) & mask
        while table[h, 2] != -1 and (table[h, 0] != ar or table[h, 1] != br):
            h = (h + 1) & mask
        o = owner[r]
        if table[h, 2] == -1:
            table[h, 0] = ar
            table[h, 1] = br
            table[h, 2] = o
        elif o != table[h, 2]:
            if table[h, 3] == -1:
                table[h, 3] = o
            elif o != table[h, 3]:
                multi[h] = True
        slot[r] = h
    return slot, table[:, 2].copy(), table[:, 3].copy(), multi

"""Conditional-permutation kernels shared by local statistics (Gi, Gi*, local Moran).

Conditional randomisation (Anselin 1995; Getis & Ord 1992) keeps the value of
unit *i* fixed and draws its ``k_i`` neighbours' values at random, without
replacement, from the other ``n - 1`` units.  Every local statistic handled
here is an affine function of the *off-diagonal spatial lag*
``L_i = sum_{j != i} w_ij x_j`` once ``x_i`` is fixed, so the kernel only
simulates ``L_i`` and counts how many simulated lags are ``>=`` / ``<=`` the
observed one; the callers turn those counts into pseudo p-values.

Design
------
* Compiled with numba (``cache=True``, ``nogil=True``); chunks of units run
  in a thread pool (one thread per available CPU), permutations sequentially
  inside a unit.
* Reproducible and thread-count independent: every unit has its own random
  stream, a SplitMix64 generator (Steele, Lea & Flood 2014) seeded from
  ``(seed, unit position)``.  The same ``seed`` therefore gives the same
  p-values whatever the number of threads or the chunking.
* Memory bounded: per unit only its ``k_i`` draws are held; the ``n x
  permutations`` matrix of simulated lags is written only when the caller asks
  for it (``keep=True``).
* Sampling ``k_i`` distinct positions out of ``n - 1`` (exactly uniform over
  k-subsets): draw all ``k_i`` and redraw on a duplicate when duplicates are
  rare (``k_i(k_i-1) <= 0.2 (n-1)``, ``k_i <= 32``; branch-free checks), an
  open-addressing hash set for larger ``k_i``, and a partial Fisher–Yates
  shuffle when duplicates would be frequent (small ``n``).
* Prefetching path for ``k_i <= 32`` with rare duplicates (contiguity,
  lattices, kNN): the draws of the generic loop, but positions drawn and
  their values prefetched 8 permutations ahead of the sum (the gathers are
  random over all ``n`` values and would otherwise wait on cache misses one
  by one).  ``fast=False`` runs the plain loop; a test checks both give the
  same counts, also across processes sharing one numba cache.
* Compile once, small: every compiled function is module-level (no
  closures behind ``cache=True``, numba issue #10486) and the kernel has
  one specialisation (the caller fixes all argument types), so the first
  call after installation compiles in a few seconds and later processes
  load it from numba's on-disk cache.  Units with K <= 8 neighbours run in
  a kernel compiled for that K (the K rides in the type of a tuple argument,
  so loops unroll; binary weights skip the weight loads) when at least 5,000
  units have that K: only those K are compiled (a 300 x 300 lattice: K = 4
  only; the 2,800 counties or any smaller layer: none).  The other units run
  the same prefetching loop with their own count, or the plain loop (which
  alone is compiled when it is needed anyway); all make the same draws and sums.

Counting convention
-------------------
Simulated lags within ``tol_i`` of the observed lag (floating-point ties, e.g.
integer data) count as *both* ``>=`` and ``<=`` — the conservative choice; esda
counts ``sim >= observed`` only.

References
----------
Anselin, L. (1995). Local indicators of spatial association — LISA.
*Geographical Analysis* 27(2), 93–115.
Steele, G., Lea, D., Flood, C. (2014). Fast splittable pseudorandom number
generators. *OOPSLA '14*.
"""

from __future__ import annotations

import numpy as np
import llvmlite.ir as ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["conditional_lag_counts", "seed_base", "pseudo_p"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S32 = np.uint64(32)
_LO32 = np.uint64(0xFFFFFFFF)


@njit(inline="always", cache=True)
def _mix(z):
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(inline="always", cache=True)
def _below(state, m):
    """Advance SplitMix64 ``state``; return (state, uniform integer in [0, m)).

    Lemire's multiply-shift on the high 32 bits (m < 2**32); the bias is below
    m / 2**32 (< 3e-4 relative at a million units), negligible for p-values.
    """
    state = state + _GOLDEN
    r = np.int64(((_mix(state) >> _S32) * np.uint64(m)) >> _S32)
    return state, r


_RING_K = 32  # largest neighbour count of the prefetching path (mode 0's limit)
_AHEAD = 8  # permutations drawn (and their values prefetched) ahead of the sum


@intrinsic
def _prefetch(typingctx, arr, idx):
    """Prefetch ``arr[idx]`` into the cache (``llvm.prefetch``, read, high
    locality); the draws are random over all ``n`` values, so the gathers
    would otherwise wait on L2/L3 misses one after another."""
    sig = types.void(arr, idx)

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [args[1]], wraparound=False)
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0i8")
        builder.call(fn, [builder.bitcast(ptr, i8p), ir.Constant(i32, 0), ir.Constant(i32, 3), ir.Constant(i32, 1)])
        return context.get_dummy_value()

    return sig, codegen


@njit(inline="always", cache=True)
def _draw_distinct(state, um, k, buf, base):
    """Draw ``k`` positions in [0, um) into ``buf[base:base + k]``, all redrawn
    when two coincide (exactly uniform over k-subsets).  Two 32-bit Lemire
    reductions per SplitMix64 output (its low, then high half), so
    ``(k + 1) // 2`` outputs per attempt; ``buf`` must hold ``base + k + 1``."""
    while True:
        for t in range(0, k, 2):
            state = state + _GOLDEN
            z = _mix(state)
            buf[base + t] = ((z & _LO32) * um) >> _S32
            buf[base + t + 1] = ((z >> _S32) * um) >> _S32
        dup = False
        for t in range(1, k):
            d = buf[base + t]
            for q in range(t):
                dup |= buf[base + q] == d
        if not dup:
            return state


_SMALL_K = 8  # neighbour counts with a kernel compiled for that count (loops unrolled)
# fewest units with one count K for its own kernel: each compiles in ~0.5 s once per install, and
# below this the loop with each unit's own count (same draws, same sums) takes milliseconds at 999 permutations
_SPECIALISE_MIN_UNITS = 5_000


@njit(inline="always", cache=True)
def _ring_unit(x, i, state, um, k, lo, hi, data, a, permutations, ring, keep, sims, binary=False):
    """Permutation loop of one unit with ``k <= _RING_K`` neighbours and rare
    duplicates: the draws of the generic mode 0 (:func:`_draw_distinct`), but
    the positions of permutation ``p`` are drawn and their values prefetched
    ``_AHEAD`` permutations before its lag is summed (a ring of draws), which
    keeps several cache misses in flight.  Inlined into its callers, so a
    compile-time ``k`` unrolls every loop.  Returns (#>=, #<=, sum, sum of squares)."""
    cge = 0
    cle = 0
    acc1 = 0.0
    acc2 = 0.0
    ui = np.uint64(i)
    for p in range(permutations + _AHEAD):
        slot = (p % _AHEAD) * (_RING_K + 1)
        if p >= _AHEAD:  # sum permutation p - _AHEAD
            acc = 0.0
            if binary:  # all weights 1 (a compile-time flag): no loads of the weights
                for t in range(k):
                    acc += x[ring[slot + t]]
            else:
                for t in range(k):
                    acc += data[a + t] * x[ring[slot + t]]
            cge += acc >= lo
            cle += acc <= hi
            acc1 += acc
            acc2 += acc * acc
            if keep:
                sims[i, p - _AHEAD] = acc
        if p < permutations:  # draw permutation p
            state = _draw_distinct(state, um, k, ring, slot)
            for t in range(k):
                r = ring[slot + t]
                r = r + np.uint64(r >= ui)  # skip position i itself
                ring[slot + t] = r
                _prefetch(x, r)
    return cge, cle, acc1, acc2


@njit(inline="always", cache=True)
def _stream(seed, i):
    """Start of unit i's SplitMix64 stream."""
    return _mix(seed ^ (np.uint64(i + 1) * _GOLDEN))


@njit(nogil=True, cache=True)
def _small_kernel(indptr, data, x, obs, tol, seed, permutations, units, keep, sims, ge, le, s1, s2, ktup, btup):
    """The prefetching loop for ``units`` that all have exactly K = ``len(ktup)``
    neighbours (``ktup`` a tuple of K zeros: its type carries K, so numba
    compiles — and caches — one unrolled kernel per K, only for the K that
    occur); ``btup`` non-empty: all their weights are 1 (binary: the sum needs no
    weights; 1·x is exact, so the sums equal the weighted loop's).  ``ktup = ()``:
    each unit's own count (``<= _RING_K``, rare duplicates), not unrolled — the
    prefetching loop of every unit without a kernel of its own, so the generic
    :func:`_counts_kernel` is compiled only when other units need it.  Same draws
    as :func:`_counts_kernel`."""
    K = len(ktup)
    binary = len(btup) > 0
    um = np.uint64(x.shape[0] - 1)
    ring = np.empty(_AHEAD * (_RING_K + 1), dtype=np.uint64)  # unsigned: no wraparound checks on x[r]
    for u in range(units.shape[0]):
        i = units[u]
        a = indptr[i]
        k = K if K > 0 else indptr[i + 1] - a
        res = _ring_unit(x, i, _stream(seed, i), um, k, obs[i] - tol[i], obs[i] + tol[i], data, a, permutations, ring, keep, sims, binary)
        ge[i] = res[0]
        le[i] = res[1]
        s1[i] = res[2]
        s2[i] = res[3]


@njit(nogil=True, cache=True)
def _counts_kernel(indptr, data, x, obs, tol, seed, permutations, units, keep, sims, ge, le, s1, s2):
    """Tail counts and moments of the simulated lags of ``units`` (positions),
    written at those positions of ``ge``, ``le``, ``s1``, ``s2`` (and rows of
    ``sims`` when ``keep``), by the plain loop (units for the prefetching one go
    to :func:`_small_kernel`; both make the same draws).  Module-level
    functions only, so the on-disk cache holds no closures (numba #10486);
    callers pass every argument with fixed types (int64 ``indptr`` and
    ``units``, float64 arrays, bool flags) so there is one specialisation."""
    n = x.shape[0]
    pool_n = n - 1
    um = np.uint64(max(pool_n, 0))
    kmax = 1
    for u in range(units.shape[0]):
        kmax = max(kmax, indptr[units[u] + 1] - indptr[units[u]])
    drawn = np.empty(kmax + 1, dtype=np.int64)
    for u in range(units.shape[0]):
        i = units[u]
        a = indptr[i]
        k = indptr[i + 1] - a
        if k == 0 or k > pool_n:
            continue
        state = _stream(seed, i)
        o = obs[i]
        t_i = tol[i]
        # 0: draw all k, redraw on a duplicate (P(dup) < ~10 %, k small)
        # 1: hash-set rejection (large k, large n); 2: partial Fisher-Yates
        if k * (k - 1) > 0.2 * pool_n:
            mode = 2
        elif k <= _RING_K:
            mode = 0
        else:
            mode = 1
        tsize = 1
        if mode == 1:
            while tsize < 4 * k:
                tsize *= 2
        table = np.full(tsize, -1, dtype=np.int64)
        pool = np.arange(pool_n if mode == 2 else 1, dtype=np.int64)
        cge = 0
        cle = 0
        acc1 = 0.0
        acc2 = 0.0
        for p in range(permutations):
            if mode == 0:
                state = _draw_distinct(state, um, k, drawn, 0)
            elif mode == 2:
                for t in range(k):
                    state, r = _below(state, pool_n - t)
                    r += t
                    tmp = pool[t]
                    pool[t] = pool[r]
                    pool[r] = tmp
                    drawn[t] = pool[t]
            else:
                mask = tsize - 1
                t = 0
                while t < k:
                    state, r = _below(state, pool_n)
                    h = r & mask
                    dup = False
                    while table[h] != -1:
                        if table[h] == r:
                            dup = True
                            break
                        h = (h + 1) & mask
                    if not dup:
                        table[h] = r
                        drawn[t] = r
                        t += 1
                for t in range(tsize):
                    table[t] = -1
            acc = 0.0
            for t in range(k):
                r = drawn[t]
                acc += data[a + t] * x[r + (r >= i)]  # skip position i itself
            cge += acc >= o - t_i
            cle += acc <= o + t_i
            acc1 += acc
            acc2 += acc * acc
            if keep:
                sims[i, p] = acc
        ge[i] = cge
        le[i] = cle
        s1[i] = acc1
        s2[i] = acc2


def _tasks(
    indptr: np.ndarray, data: np.ndarray, n: int, chunk: int, fast: bool, min_units: int = 0
) -> list[tuple[int, bool, np.ndarray]]:
    """Work items ``(K, binary, units)``.  With ``fast``: units with K <= 8 neighbours (and rare
    duplicates) go to the kernel compiled for K (``binary`` when all their weights are 1) when
    at least ``min_units`` units share that (K, binary); the other units with at most
    ``_RING_K`` neighbours and rare duplicates to the prefetching loop with each unit's own
    count (K = -1), unless the plain loop of :func:`_counts_kernel` (K = 0) runs anyway and
    they are fewer than ``min_units``; the rest (and everything without ``fast``) to the
    plain loop.  All make the same draws and sums; each kind compiles once (~0.5–1.5 s)."""
    card = np.diff(indptr)
    has = card > 0
    ring = has & (card <= _RING_K) & (card * (card - 1) <= 0.2 * (n - 1)) & (card <= n - 1)
    ring = ring if fast else np.zeros(n, dtype=bool)
    small = ring & (card <= _SMALL_K)
    not_one = np.bincount(np.repeat(np.arange(n), card), weights=(data != 1.0), minlength=n) > 0
    groups = []
    for K in np.unique(card[small]):
        for b in (True, False):
            units = np.nonzero(small & (card == K) & (not_one != b))[0]
            if units.size < min_units:
                small[units] = False  # too few to repay a compile: the runtime-count loop
            elif units.size:
                groups.append((int(K), b, units))
    rest = has & ~ring
    loose = ring & ~small
    if rest.any() and np.count_nonzero(loose) < min_units:
        rest |= loose  # the plain loop is compiled anyway: few units do not repay a second compile
        loose[:] = False
    groups.append((-1, False, np.nonzero(loose)[0]))
    groups.append((0, False, np.nonzero(rest)[0]))
    step = max(chunk, 1)
    return [(K, b, units[s : s + step].astype(np.int64)) for K, b, units in groups for s in range(0, len(units), step)]


def _run(indptr, data, x, obs, tol, seed, permutations, task, keep, sims, out) -> int:
    """Run one work item of :func:`_tasks` into ``out`` = (ge, le, s1, s2)."""
    K, binary, units = task
    if K:
        ktup, btup = ((0,) * K if K > 0 else ()), ((0,) if binary else ())
        _small_kernel(indptr, data, x, obs, tol, seed, permutations, units, keep, sims, *out, ktup, btup)
    else:
        _counts_kernel(indptr, data, x, obs, tol, seed, permutations, units, keep, sims, *out)
    return len(units)


def _counts(indptr, data, x, obs, tol, seed, permutations, keep=False, fast=True):
    """Single-threaded tail counts ``(ge, le, s1, s2[, sims])`` of all units (tests compare
    ``fast=True`` with the plain loop ``fast=False``)."""
    n = x.shape[0]
    out = (np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64), np.zeros(n), np.zeros(n))
    sims = np.zeros((n, permutations)) if keep else np.empty((1, 1))
    for task in _tasks(indptr, data, n, n, fast):
        _run(indptr, data, x, obs, tol, seed, int(permutations), task, bool(keep), sims, out)
    return (*out, sims) if keep else out


def _n_threads() -> int:
    """Worker threads for the kernel (the kernel releases the GIL): the CPUs
    this process may use, capped by ``NUMBA_NUM_THREADS`` when set."""
    import os

    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - non-Linux
        cpus = os.cpu_count() or 1
    env = os.environ.get("NUMBA_NUM_THREADS")
    return max(1, min(cpus, int(env))) if env and env.isdigit() else max(1, cpus)


def seed_base(rng: np.random.Generator) -> np.uint64:
    """Draw the 64-bit base seed of the per-unit streams from ``rng``."""
    return np.uint64(rng.integers(0, 2**63 - 1, dtype=np.int64))


def conditional_lag_counts(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    x: np.ndarray,
    observed_lag: np.ndarray,
    permutations: int,
    rng: np.random.Generator,
    *,
    keep: bool = False,
    progress: bool | None = None,
    desc: str = "permutations",
) -> dict[str, np.ndarray]:
    """Simulate off-diagonal spatial lags under conditional permutation.

    Parameters
    ----------
    indptr, indices, data : arrays
        CSR structure of the weights **without** the diagonal (the focal
        unit's own value is held fixed and never drawn).  ``indices`` is only
        used for its length; the draws replace the neighbours.
    x : (n,) float array
        The values that are permuted.
    observed_lag : (n,) float array
        ``sum_j w_ij x_j`` over the off-diagonal weights.
    permutations : int
        Number of conditional permutations per unit.
    rng : numpy Generator
        Source of the base seed (see :func:`spatialregion._validation.rng_from_seed`).
    keep : bool
        Also return the ``(n, permutations)`` simulated lags (memory!).
    progress : bool or None
        Show a tqdm bar; ``None`` shows it when the run is long
        (``n * permutations * mean k > 2e8`` draws).

    Returns
    -------
    dict with ``ge``, ``le`` (counts of simulated lags ``>=`` / ``<=`` the
    observed one, ties within a relative 1e-12 counted in both), ``mean`` and
    ``std`` of the simulated lags (population s.d.), and ``sims`` when
    ``keep``.  Units without neighbours get zero counts and NaN moments.
    """
    n = x.shape[0]
    x = np.ascontiguousarray(x, dtype=np.float64)
    data = np.ascontiguousarray(data, dtype=np.float64)
    indptr = np.ascontiguousarray(indptr, dtype=np.int64)
    obs = np.ascontiguousarray(observed_lag, dtype=np.float64)
    # tolerance for floating-point ties: 1e-12 of the largest possible |lag|
    row_abs = np.bincount(np.repeat(np.arange(n), np.diff(indptr)), weights=np.abs(data), minlength=n)
    tol = 1e-12 * row_abs * float(np.max(np.abs(x))) if n else np.zeros(0)
    seed = seed_base(rng)
    sims = np.empty((n, permutations), dtype=np.float64) if keep else np.empty((1, 1), dtype=np.float64)
    work = float(n) * permutations * max(1.0, data.size / max(n, 1))
    # chunks of ~2e7 draws: small enough for a smooth progress bar and load balance
    chunk = int(min(n, max(1024, 2e7 // max(1.0, permutations * max(1.0, data.size / max(n, 1))))))
    show = (work > 2e8) if progress is None else bool(progress)
    out = (np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64), np.zeros(n), np.zeros(n))
    ge, le, s1, s2 = out
    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=n, desc=desc, unit="unit", leave=False)
    tasks = _tasks(indptr, data, n, chunk, True, _SPECIALISE_MIN_UNITS)
    threads = _n_threads() if len(tasks) > 1 else 1

    def run(task: tuple[int, bool, np.ndarray]) -> int:
        return _run(indptr, data, x, obs, tol, seed, int(permutations), task, bool(keep), sims, out)

    try:
        if threads == 1:
            for task in tasks:
                done = run(task)
                if bar is not None:
                    bar.update(done)
        else:
            from concurrent.futures import ThreadPoolExecutor, as_completed

            with ThreadPoolExecutor(max_workers=threads) as pool:
                futures = [pool.submit(run, t) for t in tasks]
                for f in as_completed(futures):
                    done = f.result()
                    if bar is not None:
                        bar.update(done)
    finally:
        if bar is not None:
            bar.close()
    card = np.diff(indptr)
    mean = s1 / permutations
    var = np.maximum(s2 / permutations - mean**2, 0.0)
    mean[card == 0] = np.nan
    var[card == 0] = np.nan
    out = {"ge": ge, "le": le, "mean": mean, "std": np.sqrt(var)}
    if keep:
        out["sims"] = sims
    return out


def pseudo_p(ge: np.ndarray, le: np.ndarray, permutations: int, alternative: str) -> np.ndarray:
    """Pseudo p-values ``(1 + #extreme) / (1 + permutations)`` from tail counts.

    ``alternative``:

    * ``"greater"``: #extreme = #{sim >= observed};
    * ``"less"``: #extreme = #{sim <= observed};
    * ``"directed"``: #extreme = min(#{sim >= obs}, #{sim <= obs}) — the tail
      the observation lies in; this is esda's ``p_sim`` for ``G_Local`` and
      ``Moran_Local`` and GeoDa's pseudo p (a one-sided p in a data-chosen
      direction);
    * ``"two-sided"``: ``min(1, 2 * p_directed)``.
    """
    ge = np.asarray(ge, dtype=float)
    le = np.asarray(le, dtype=float)
    if alternative == "greater":
        return (1.0 + ge) / (1.0 + permutations)
    if alternative == "less":
        return (1.0 + le) / (1.0 + permutations)
    directed = (1.0 + np.minimum(ge, le)) / (1.0 + permutations)
    if alternative == "directed":
        return directed
    return np.minimum(1.0, 2.0 * directed)

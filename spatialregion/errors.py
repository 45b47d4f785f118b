"""Exceptions raised by spatialregion.

Every error a user can trigger with bad input is a :class:`SpatialRegionError`
subclass whose message names the offending column, row, id or parameter and
says how to fix it.  Subclasses also inherit from the matching built-in
exception (``ValueError``, ``KeyError``, ``TypeError``) so that generic
``except ValueError`` code keeps working.
"""

from __future__ import annotations

__all__ = [
    "SpatialRegionError",
    "InputError",
    "MissingValueError",
    "DuplicateIdError",
    "AlignmentError",
    "ConstantError",
    "GeometryError",
    "CRSError",
    "UnknownRegionError",
    "RegionMatchError",
    "WeightsError",
    "IslandError",
    "ConvergenceWarning",
    "SpatialRegionWarning",
]


class SpatialRegionError(Exception):
    """Base class of every error raised on purpose by spatialregion."""


class InputError(SpatialRegionError, ValueError):
    """An argument has the wrong type, shape, range or value."""


class MissingValueError(InputError):
    """The analysed data holds NaN / None / inf values."""


class DuplicateIdError(InputError):
    """An id column or index holds the same id more than once."""


class AlignmentError(InputError):
    """Data and weights (or two inputs) do not describe the same units."""


class ConstantError(InputError):
    """A column is constant, so the statistic is undefined (division by zero)."""


class GeometryError(InputError):
    """Geometry is missing, empty, invalid or of the wrong type."""


class CRSError(InputError):
    """A GeoDataFrame has no CRS, or inputs have different CRSs."""


class UnknownRegionError(SpatialRegionError, KeyError):
    """A region name or adcode is not known; the message lists close matches."""

    def __str__(self) -> str:  # KeyError would otherwise print repr() of the message
        return str(self.args[0]) if self.args else ""


class RegionMatchError(UnknownRegionError):
    """Keys of a user table could not all be matched to embedded units.

    ``matches`` holds the full match table of :func:`spatialregion.regions.match` (one row per
    distinct key: ``key, adcode, name, status, candidates, note``), so a script can print or fix
    the failing keys; the message lists them with suggestions.

    Parameters
    ----------
    message : str
        The error text: the unmatched keys and close matches.
    matches : pandas.DataFrame, optional
        The match table of :func:`spatialregion.regions.match`, stored as the
        ``matches`` attribute (``None`` when not available).
    """

    def __init__(self, message: str, matches=None) -> None:
        super().__init__(message)
        self.matches = matches


class WeightsError(InputError):
    """Spatial weights are malformed or incompatible with the request."""


class IslandError(WeightsError):
    """Units without neighbours were found and the island policy is ``"raise"``."""


class SpatialRegionWarning(UserWarning):
    """A condition that does not make results wrong but that the user should know."""


class ConvergenceWarning(SpatialRegionWarning):
    """An iterative computation stopped before reaching its tolerance."""

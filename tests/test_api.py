"""The public API as one library (issue 12): docstrings and the result contract.

Covers:
- numpydoc's validator over every public function and result class of every
  public module: a docstring (GL08), a one-line summary (SS01), every
  parameter documented and none invented (PR01, PR02), a Returns section on
  functions (RT01);
- the calling convention: the first parameter of every public analysis
  function is ``data``, and everything after the variable argument is
  keyword-only;
- the result contract: every public result class is a ``UnitResult`` (maps,
  GeoPackage) or a ``TableResult`` (tables, no GeoPackage), has ``to_frame``,
  ``summary`` and ``plot``, and compares with ``==`` without raising.
"""

from __future__ import annotations

import importlib
import inspect
import re

import pytest
from numpydoc.docscrape import ClassDoc
from numpydoc.validate import validate

import spatialregion as sr
from spatialregion.results import Result, TableResult, UnitResult

MODULES = [m for m in sr._SUBMODULES if m not in ("errors", "labels")]

CHECKS = ("GL08", "SS01", "PR01", "PR02", "RT01")


def _public(module_name: str):
    mod = importlib.import_module(f"spatialregion.{module_name}")
    names = getattr(mod, "__all__", [n for n in dir(mod) if not n.startswith("_")])
    for name in names:
        obj = getattr(mod, name, None)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and getattr(obj, "__module__", "").startswith("spatialregion"):
            yield f"spatialregion.{module_name}.{name}", obj


PUBLIC = sorted({path: obj for m in MODULES for path, obj in _public(m)}.items())
FUNCTIONS = [(p, o) for p, o in PUBLIC if inspect.isfunction(o)]
RESULTS = sorted({o for _, o in PUBLIC if inspect.isclass(o) and issubclass(o, Result) and o not in (Result, UnitResult, TableResult)}, key=lambda c: c.__name__)


#: fields every result inherits (documented once on Result / UnitResult)
INHERITED = {"geometry", "units"}


def _class_fields_documented(obj) -> set[str]:
    """Names documented under Parameters or Attributes of a class docstring."""
    doc = ClassDoc(obj)
    return {n.strip("* ") for item in (*doc["Parameters"], *doc["Attributes"]) for n in item.name.split(",")}


@pytest.mark.parametrize("path", [p for p, _ in PUBLIC])
def test_numpydoc(path):
    """Docstring, summary line, every parameter documented (classes: as Parameters or
    Attributes, inherited result fields excepted), Returns on functions."""
    obj = dict(PUBLIC)[path]
    errors = []
    for code, msg in validate(path)["errors"]:
        if code not in CHECKS or (code == "RT01" and inspect.isclass(obj)):
            continue
        if code == "PR01" and inspect.isclass(obj):
            params = set(inspect.signature(obj).parameters) - INHERITED - _class_fields_documented(obj)
            if not params:
                continue
            msg = f"Parameters {sorted(params)} not documented"
        errors.append((code, msg))
    assert not errors, f"{path}: {errors}"


def _is_analysis(func) -> bool:
    """A public function that returns a result object (or takes spatial weights) is an analysis."""
    sig = inspect.signature(func)
    ret = sig.return_annotation
    names = {c.__name__ for c in RESULTS} | {"Result"}
    if isinstance(ret, str):
        returns_result = any(re.search(rf"\b{n}\b", ret) for n in names)
    else:
        returns_result = inspect.isclass(ret) and issubclass(ret, Result)
    return returns_result or "weights" in sig.parameters


#: converters whose first argument is the weights themselves
CONVERTERS = {"spatialregion.weights.as_graph", "spatialregion.weights.as_sparse"}
ANALYSES = [(p, o) for p, o in FUNCTIONS if _is_analysis(o) and p not in CONVERTERS]


def test_analyses_found():
    assert len(ANALYSES) >= 20, [p for p, _ in ANALYSES]


@pytest.mark.parametrize("path", [p for p, _ in ANALYSES])
def test_analysis_calling_convention(path):
    """Analyses take ``data`` first; options after the variable argument are keyword-only."""
    sig = inspect.signature(dict(ANALYSES)[path])
    params = list(sig.parameters.values())
    assert params and params[0].name == "data", f"{path}: first parameter is {params[0].name if params else None!r}, not 'data'"
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    assert len(positional) <= 2, f"{path}: {positional} are positional; options after the variable argument must be keyword-only"
    if "weights" in sig.parameters:
        assert sig.parameters["weights"].kind is inspect.Parameter.KEYWORD_ONLY, f"{path}: weights must be keyword-only"
    for name in ("alpha", "k"):
        if name in sig.parameters:
            doc = inspect.getdoc(dict(ANALYSES)[path]) or ""
            assert re.search(rf"^{name} :", doc, re.M), f"{path}: {name} undocumented"


@pytest.mark.parametrize("cls", RESULTS, ids=lambda c: c.__name__)
def test_result_contract(cls):
    assert issubclass(cls, (UnitResult, TableResult)), f"{cls.__name__} is neither a UnitResult nor a TableResult"
    for name in ("to_frame", "summary", "plot"):
        assert getattr(cls, name) is not getattr(Result, name) or name == "plot", f"{cls.__name__} does not define {name}()"
    if issubclass(cls, TableResult):
        assert cls.plot is not Result.plot, f"{cls.__name__} is a table: it needs its own plot() chart"
    assert cls.__eq__ is Result.__eq__, f"{cls.__name__} redefines __eq__ (use @dataclass(frozen=True, eq=False))"

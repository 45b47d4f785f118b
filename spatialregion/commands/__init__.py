"""Sub-commands of the ``spatialregion`` CLI, one module per analysis.

Each module defines ``register(app)`` adding its command(s) to the Typer app
and, optionally, ``demo(ctx)`` adding its part to ``spatialregion demo``.
"""

#: modules in the order their demo steps run
MODULES = (
    "hotspots",
    "emerging",
    "markov",
    "inequality",
    "centrography",
    "indices",
    "detector",
    "network",
    "zoning",
    "regression",
)

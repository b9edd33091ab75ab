"""powerctl: keep a unit's power catalogue (权力清单) honest — validate, render, bundle."""

__version__ = "0.1.0"

"""Where the package's own data lives: the JSON Schemas and the templates ship inside the package (and so
inside the wheel); the repository's top-level `schemas/` and `templates/` are links to these folders."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SCHEMAS = PACKAGE / "schemas"  # catalogue, config and laws schemas (Draft 2020-12)
TEMPLATES = PACKAGE / "templates"  # Jinja2 templates of the documents and the site; init/ is the scaffold

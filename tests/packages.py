"""hrsuite's own top-level packages, as the import contract in pyproject.toml lists them: the tests
that scan the code (strings to translate, templates, serializers) read them here, so a new app is
scanned without anyone remembering to add it."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUR_PACKAGES = tuple(
    tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
)

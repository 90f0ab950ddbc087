"""The version of servqual (one place, imported by the package, the report writers and the CLI)."""

__version__ = "0.1.0"

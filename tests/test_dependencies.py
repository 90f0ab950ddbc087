"""The dependency pins hold on the machine the tests run on.

factor-analyzer 0.5.1 (the latest release) calls scikit-learn's ``check_array(force_all_finite=...)``,
which scikit-learn 1.8 removed; pyproject.toml therefore pins ``scikit-learn<1.8``. This test fails
(not skips) if that pin is lost and factor_analyzer stops working.
"""

from __future__ import annotations

import numpy as np
import pytest

import servqual as sq


def test_factor_analyzer_fits_with_the_pinned_scikit_learn():
    import sklearn
    from factor_analyzer import FactorAnalyzer

    major, minor = (int(p) for p in sklearn.__version__.split(".")[:2])
    assert (major, minor) < (1, 8), sklearn.__version__
    x = sq.read_dataset("holzinger").data[[f"x{i}" for i in range(1, 10)]]
    fa = FactorAnalyzer(n_factors=3, rotation="varimax", method="minres").fit(x)
    ours = sq.efa(x, n_factors=3, method="minres", rotation="varimax").loadings.to_numpy()
    # same varimax loadings up to column order and sign
    theirs = fa.loadings_
    for j in range(3):
        best = np.max([abs(np.corrcoef(ours[:, j], theirs[:, i])[0, 1]) for i in range(3)])
        assert best > 0.999


def test_cjk_font_is_installed():
    from servqual.reporting.plots import cjk_font_path

    assert cjk_font_path() is not None


def test_runtime_dependencies_are_what_src_imports():
    """The runtime set of pyproject.toml is exactly the third-party packages that ``src/`` imports.

    Test oracles (statsmodels, pingouin, factor-analyzer, scikit-learn, semopy) belong to the ``test``
    extra; jinja2 is the one runtime dependency that is not imported by name (pandas' Styler needs it
    for ``EFAResult.get_loadings_frame``).
    """
    import ast
    import re
    import sys
    from pathlib import Path

    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    root = Path(__file__).resolve().parents[1]
    spec = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    import_name = {"pyyaml": "yaml", "python-docx": "docx", "charset-normalizer": "charset_normalizer",
                   "pylopdf-fonts-zh-cn": "pylopdf_fonts_zh_cn"}
    declared = set()
    for req in spec["project"]["dependencies"]:
        name = re.split(r"[<>=!~ \[;]", req, maxsplit=1)[0].strip().lower()
        declared.add(import_name.get(name, name.replace("-", "_")))
    imported = set()
    for f in (root / "src" / "servqual").rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {m for m in imported if m not in sys.stdlib_module_names and m != "servqual"}
    assert third_party == declared - {"jinja2"}
    for oracle in ("statsmodels", "pingouin", "factor_analyzer", "sklearn", "semopy"):
        assert oracle not in declared

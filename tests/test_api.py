"""The flat API: every listed name resolves to what its floor module defines, lazily."""

import importlib
import subprocess
import sys

import pytest

import servqual as sq


@pytest.mark.parametrize("name", sorted(sq._WHERE))
def test_every_flat_name_is_its_floor_modules_object(name):
    module = importlib.import_module(f"servqual.{sq._WHERE[name]}")
    assert getattr(sq, name) is getattr(module, name)


@pytest.mark.parametrize("alias", sorted(sq._MODULE_ALIASES))
def test_module_aliases_are_the_floor_modules(alias):
    assert getattr(sq, alias) is importlib.import_module(f"servqual.{sq._MODULE_ALIASES[alias]}")


def test_no_flat_function_hides_a_module_of_the_same_name():
    # sq.cfa, sq.efa, sq.omega, sq.ipa, sq.kano are functions; the modules live in the floors
    for name in ("cfa", "efa", "omega", "ipa", "kano"):
        assert callable(getattr(sq, name))
        assert not hasattr(getattr(sq, name), "__path__")
    assert importlib.import_module("servqual.psychometrics.cfa").__name__ == "servqual.psychometrics.cfa"


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        sq.nope  # noqa: B018


def test_import_and_version_load_no_analysis_stack():
    code = ("import sys, servqual, servqual.cli; "
            "print(sorted(m for m in ('pandas', 'numpy', 'scipy', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    ver = subprocess.run([sys.executable, "-m", "servqual", "--version"], capture_output=True, text=True)
    assert ver.returncode == 0 and ver.stdout.strip() == f"servqual {sq.__version__}"

"""DuckDB's compiled core is imported alone where it has what parcalc uses; the package otherwise."""

from __future__ import annotations

import sys
import types

import duckdb
import pytest

from parcalc.analysis import duck


def test_the_chosen_module_connects_and_raises_its_error() -> None:
    core = duck.module()
    assert core.__name__ in ("_duckdb", "duckdb")
    with duck.connect(threads=1) as con:
        assert con.execute("SELECT 40 + 2").fetchall() == [(42,)]
        with pytest.raises(core.Error):
            con.execute("SELECT no_such_column")


def test_the_package_serves_without_the_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "_duckdb", None)  # import _duckdb raises ImportError
    assert duck.module() is duckdb


def test_the_package_serves_when_the_core_lacks_what_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "_duckdb", types.ModuleType("_duckdb"))
    assert duck.module() is duckdb


def test_a_table_name_never_reads_a_python_variable() -> None:
    secret = [1, 2, 3]  # noqa: F841 - what a replacement scan would look at
    with duck.connect() as con, pytest.raises(duck.module().CatalogException, match="secret does not exist"):
        con.execute("SELECT * FROM secret")

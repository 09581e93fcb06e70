"""Every notebook of notebooks/ runs top to bottom in quick mode (DUALNET_QUICK=1: a few hundred samples,
one epoch), on small stand-ins for every dataset that the tests write, so no real data is needed; and
the .ipynb a student opens is the one its percent-format source (.py, Jupytext) makes."""

from pathlib import Path

import jupytext
import nbformat
import pytest
from conftest import REPO, make_fashion
from nbclient import NotebookClient
from test_imdb import write_archive
from test_text_data import write_nsmc

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.py"))
KOREAN = ("윤직원 영감은 춘심이를 데리고 명창대회에 갑니다. 거리는 사람들로 붐볐다.\n"
          "\"이 녀석아, 어서 오너라!\" 영감은 웃었다. 돈이 좋고, 세상이 태평하다고 했다.\n")


@pytest.fixture(scope="module")
def stand_in_data(tmp_path_factory) -> Path:
    """A data directory with small files in every dataset's format (not the official bytes: the
    notebooks' quick mode turns the checksums off)."""
    folder = tmp_path_factory.mktemp("notebook-data")
    make_fashion(folder, n_train=400, n_test=100)
    write_archive(folder, text=lambda i: "The movie is good.<br />I don't know!" if i % 2 else "This bad movie")
    rows = [("정말 재미있고 감동적인 영화!", 1), ("지루하고 실망했다", 0)] * 200
    write_nsmc(folder, rows)
    write_nsmc(folder, rows[:100], name="ratings_test.txt")
    (folder / "korean").mkdir()
    (folder / "korean" / "taepyeongcheonha.txt").write_text(KOREAN * 400, encoding="utf-8")
    return folder


def test_every_notebook_has_its_generated_ipynb():
    for source in NOTEBOOKS:
        generated = source.with_suffix(".ipynb")
        assert generated.is_file(), f"{generated.name} is missing: run 'jupytext --to ipynb {source}'"
        expected = [(c.cell_type, c.source) for c in jupytext.read(source).cells]
        committed = [(c.cell_type, c.source) for c in nbformat.read(generated, as_version=4).cells]
        assert committed == expected, f"{generated.name} differs from {source.name}: run 'jupytext --sync {source}'"


@pytest.mark.slow
@pytest.mark.parametrize("source", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_in_quick_mode(source, stand_in_data, tmp_path, monkeypatch):
    monkeypatch.setenv("DUALNET_QUICK", "1")
    monkeypatch.setenv("DUALNET_DATA", str(stand_in_data))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))  # no real cache, no download
    notebook = jupytext.read(source)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [output for cell in notebook.cells for output in cell.get("outputs", []) if output.output_type == "error"]
    assert not errors
    assert any((tmp_path / "runs").iterdir())

"""Every error a user can walk into ends in a message that names the problem and the fix: no traceback,
nothing half-written."""

import pytest
from conftest import cli_env
from test_cli import dualnet


def assert_clean_error(result, *phrases):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr


@pytest.fixture(scope="module")
def finished_run(fashion_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("runs")
    dualnet("run", "fashion-dense", "--engine", "scratch", "--limit", "64", "--epochs", "1", "--data-dir",
            str(fashion_dir), "--no-verify", "--out", str(out), "--seed", "4")
    (run_dir,) = (out / "fashion-dense").iterdir()
    return run_dir


def test_resume_and_record_of_a_missing_folder(tmp_path):
    missing = tmp_path / "no-such-run"
    assert_clean_error(dualnet("run", "fashion-dense", "--resume", str(missing), check=False),
                       f"{missing}: no such folder", "give a run folder")
    assert_clean_error(dualnet("record", str(missing), "--results", str(tmp_path / "results"), check=False),
                       f"{missing}: no such folder")
    tmp_path.joinpath("empty").mkdir()
    assert_clean_error(dualnet("run", "fashion-dense", "--resume", str(tmp_path / "empty"), check=False),
                       "not a run folder (it has no config.json)")


@pytest.mark.parametrize("option, value, kept", [("--engine", "keras", "scratch"), ("--batch-size", "64", "32"),
                                                 ("--seed", "5", "4"),
                                                 ("--backend", "jax", "no Keras backend")])
def test_resume_refuses_options_that_would_change_the_run(finished_run, option, value, kept):
    result = dualnet("run", "fashion-dense", "--resume", str(finished_run), option, value, check=False)
    assert_clean_error(result, f"{option} {value} (the run has {kept})", "start a new run without --resume")


def test_resume_of_a_run_of_another_experiment(finished_run):
    assert_clean_error(dualnet("run", "fashion-cnn", "--resume", str(finished_run), check=False),
                       "is a run of fashion-dense, not of fashion-cnn", "dualnet run fashion-dense --resume")


def test_a_run_whose_data_fails_leaves_no_folder(tmp_path):
    out = tmp_path / "runs"
    empty = tmp_path / "no-data"
    empty.mkdir()
    env = cli_env(KERAS_HOME=str(tmp_path / "keras-home"))
    result = dualnet("run", "sentiment-lstm", "--engine", "scratch", "--data-dir", str(empty), "--out", str(out),
                     env=env, check=False)
    assert_clean_error(result, "ratings_train.txt was not found")
    assert not out.exists() or not any(out.rglob("*")), list(out.rglob("*"))


def test_a_corpus_too_short_for_the_window(tmp_path):
    corpus = tmp_path / "short.txt"
    corpus.write_text("to be or not", encoding="utf-8")
    result = dualnet("run", "textgen-char", "--engine", "scratch", "--corpus", str(corpus), "--out",
                     str(tmp_path / "runs"), check=False)
    assert_clean_error(result, "12 char tokens, too few for textgen-char", "pieces of 81 tokens",
                       "give a longer text with --corpus FILE")
    assert not (tmp_path / "runs").exists()


def test_list_says_which_data_is_generated():
    result = dualnet("list")
    line = next(row for row in result.stdout.splitlines() if "mult-lstm" in row)
    assert "generated (seeded)" in line
    assert "?" not in result.stdout

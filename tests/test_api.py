"""The Python API a notebook uses: a run, its history and metrics, a finished run loaded back (model
included), both engines; and the registry as a table."""

import numpy as np
import pytest

import dualnet


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["scratch", "keras"])
def test_run_and_load_back(engine, fashion_dir, tmp_path, capsys):
    run = dualnet.run("fashion-dense", engine=engine, epochs=2, limit=64, seed=1, data_dir=str(fashion_dir),
                      verify=False, out=str(tmp_path))
    assert run.experiment == "fashion-dense" and run.engine == engine
    assert len(run.history["loss"]) == 2 and len(run.history["val_accuracy"]) == 2  # as History.history
    assert run.metrics["notes"]["notes"] == 0.885 and 0 <= run.metrics["test_accuracy"] <= 1
    assert run.model.count_params() == 101_770
    assert run.plot().path == run.run_dir / "curves.png"
    assert run.plot()._repr_png_()[:4] == b"\x89PNG"
    assert "epoch 2/2" in capsys.readouterr().out  # plain lines outside a notebook

    loaded = dualnet.load(run.run_dir)
    assert set(loaded.history) == set(run.history)
    for key, values in run.history.items():  # history.csv keeps 6 significant digits
        assert loaded.history[key] == pytest.approx(values, rel=1e-5)
    assert loaded.metrics == run.metrics
    x = run.splits.x_test[:5]
    np.testing.assert_array_equal(loaded.predict(x), run.predict(x))
    assert "fashion-dense on " + engine in repr(loaded) and "notes 88.50%" in repr(loaded)
    table = dualnet.beside_notes(run, loaded)
    assert list(table["notes"]) == [88.5, 88.5]


def test_resume_through_the_api_refuses_a_changed_run(tmp_path):
    with pytest.raises(ValueError, match="no such folder"):
        dualnet.run("fashion-dense", resume=tmp_path / "missing")


def test_list_experiments():
    table = dualnet.list_experiments()
    assert "fashion-vgg" in table.index and table.loc["mult-gru", "data"] == "generated (seeded)"
    assert table.loc["fashion-vgg", "listing"] == "6.12, 6.13"


@pytest.mark.slow
def test_compare_two_runs_in_one_figure(fashion_dir, tmp_path):
    common = dict(engine="scratch", epochs=2, limit=64, data_dir=str(fashion_dir), verify=False, out=str(tmp_path))
    first, second = (dualnet.run("fashion-dense", seed=s, **common).run_dir for s in (0, 1))
    picture, differences = dualnet.api.compare("fashion-dense", runs=[first, second], out=str(tmp_path))
    assert picture.path.is_file() and picture._repr_png_()[:4] == b"\x89PNG"
    assert set(differences) >= {"final_loss", "final_val_accuracy", "test_accuracy"}
    values = list(differences.values())
    assert values == sorted(values, reverse=True) and values[0] > 0  # two seeds differ; largest first
    with pytest.raises(ValueError, match="two run folders of fashion-cnn"):
        dualnet.api.compare("fashion-cnn", runs=[first, second])


def test_a_run_ends_by_saying_what_its_history_shows(fashion_dir, tmp_path, capsys, monkeypatch):
    """The runner prints the report's observations of the finished run (dualnet.observations, tested on
    histories of their own), read from the run's written history."""
    def seen(run_dir, config):
        assert (run_dir / "history.csv").is_file()
        return f"something in {config['experiment']['id']}'s history"

    monkeypatch.setattr("dualnet.runner.seen", seen)
    dualnet.run("fashion-dense", engine="scratch", epochs=1, limit=64, data_dir=str(fashion_dir), verify=False,
                out=str(tmp_path), inside=False)
    assert "seen in the run: something in fashion-dense's history" in capsys.readouterr().out
    monkeypatch.setattr("dualnet.runner.seen", lambda run_dir, config: "")
    dualnet.run("fashion-dense", engine="scratch", epochs=1, limit=64, data_dir=str(fashion_dir), verify=False,
                out=str(tmp_path), inside=False)
    assert "seen in the run" not in capsys.readouterr().out

"""The report page: one static HTML file, grouped by chapter in the notes' order, with each run's
pictures, viewable offline; rendered in headless Chromium as a person would see it."""

import json
import re
import shutil
import subprocess

import pytest

from dualnet import plots
from dualnet.report import in_course_order, summarize
from dualnet.report_page import write_page


def fake_run(folder, experiment, engine, seed, ours, notes):
    folder.mkdir(parents=True)
    config = {"experiment": {"id": experiment}, "options": {"seed": seed, "engine": engine},
              "engine": {"engine": engine, **({"backend": "tensorflow"} if engine == "keras" else {})},
              "started": "2026-11-30T01:00:00+0000"}
    metrics = {"epochs": 2, "train_seconds": 60.0, "wall_seconds": 75.0, "limited": False}
    if notes is None:  # text generation: no figure in the notes, a held-out loss
        metrics.update(test_loss=ours, notes=None)
    else:
        metrics.update(test_accuracy=ours, notes={"metric": "test_accuracy", "ours": ours, "notes": notes,
                                                  "difference_points": round(100 * (ours - notes), 2)})
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "metrics.json").write_text(json.dumps(metrics))
    plots.learning_curves({"loss": [1.0, 0.5], "accuracy": [0.8, 0.9]}, folder / "curves.png")
    return folder


@pytest.fixture
def page(tmp_path):
    runs = tmp_path / "results" / "runs"
    folders = [fake_run(runs / "mult-gru" / "a", "mult-gru", "keras", 0, 0.985, 0.9886),
               fake_run(runs / "fashion-vgg" / "a", "fashion-vgg", "scratch", 0, 0.925, 0.9276),
               fake_run(runs / "fashion-vgg" / "b", "fashion-vgg", "scratch", 1, 0.931, 0.9276),
               fake_run(runs / "textgen-word" / "a", "textgen-word", "keras", 0, 10.552, None)]
    rows = in_course_order([summarize(f) for f in folders])
    return write_page(rows, tmp_path / "results" / "report.html")


def test_the_page_groups_by_chapter_and_links_every_picture(page):
    text = page.read_text(encoding="utf-8")
    assert text.index("합성곱 신경망") < text.index("fashion-vgg") < text.index("순환 신경망") < text.index("mult-gru")
    assert "92.80% ± 0.30% over 2 seeds" in text  # mean ± half the spread of 92.5 and 93.1
    sources = re.findall(r'<img src="([^"]+)"', text)
    assert "test_loss, mean ± half the spread: keras (tensorflow): 10.55 ± 0 over 1 seed" in text
    assert len(sources) == 4 and all((page.parent / s).is_file() for s in sources)
    assert "http://" not in text and "https://" not in text  # nothing from the network


@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="Chromium is not installed (Debian: apt-get install chromium; ./install.sh does as root)")
def test_the_page_renders_with_its_pictures_in_a_browser(page, tmp_path):
    browser = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--window-size=1366,900", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(browser + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert 'data-images-loaded="4/4"' in dom, dom[-500:]
    shot = tmp_path / "page.png"
    subprocess.run(browser + [f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120)
    assert shot.read_bytes()[:4] == b"\x89PNG" and shot.stat().st_size > 10_000

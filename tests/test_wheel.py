"""Sitat installed from its wheel, away from the checkout: the wheel is built (offline, with the
.venv's setuptools), installed into a fresh virtual environment whose only way to the
dependencies is a .pth line to the .venv's site-packages, and used from a folder outside the
checkout - `sitat demo` builds the sample from the packaged sources, `sitat codebook import`
reads a bundled codebook, and `sitat-gui` opens the window offscreen and saves a picture."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _run(args, cwd, env=None, timeout=240):
    r = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                       text=True, timeout=timeout)
    assert r.returncode == 0, f"{args}\nstdout: {r.stdout}\nstderr: {r.stderr}"
    return r


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv folder, its python, env for commands, a folder outside the checkout)."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"  # a copy, so the build leaves nothing in the checkout
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "app", src / "app", ignore=shutil.ignore_patterns("__pycache__"))
    dist = work / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "--no-index", "-q", str(src), "-w", str(dist)], cwd=work)
    wheel = next(dist.glob("sitat-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "app/data/codebooks/ti-kjennetegn.qdc" in names
    assert "app/data/sample/bsb_demo/attributes.csv" in names
    assert "app/data/surveys/ks-psykisk-helse-rus.toml" in names
    assert any(n.startswith("app/data/sample/bsb_demo/transcripts/") for n in names)
    assert any(n.endswith("entry_points.txt") for n in names)
    entry_points = next(zipfile.Path(wheel, n) for n in names if n.endswith("entry_points.txt"))
    assert "sitat-gui = app.gui:main" in entry_points.read_text()

    venv = work / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=work)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=work).stdout.strip())
    # the dependencies (PySide6, SQLAlchemy ...) from the .venv, behind the installed Sitat
    (site / "zz-sitat-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
          "-q", wheel], cwd=work)
    outside = work / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(SITAT_LANG="nb", XDG_CONFIG_HOME=str(work / "config"),
               XDG_CACHE_HOME=str(work / "cache"), SITAT_INDEX_DIR=str(work / "index"))
    return venv, python, env, outside


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def test_installed_sitat_is_the_wheel_not_the_checkout(installed):
    venv, python, env, outside = installed
    r = _run([python, "-c", "import app, app.core.bundled as b; print(app.__file__); "
              "print(b.codebook_path('ti-kjennetegn')); print(b.sample_dir())"], outside, env)
    module, codebook, sample = (Path(line) for line in r.stdout.splitlines())
    for path in (module, codebook, sample):
        assert path.is_relative_to(venv) and not path.is_relative_to(ROOT), path
    assert codebook.is_file() and (sample / "attributes.csv").is_file()


def test_demo_and_a_bundled_codebook_from_the_installed_wheel(installed):
    venv, python, env, outside = installed
    r = _run([_bin(venv, "sitat"), "demo", "--out", "demo"], outside, env)
    assert (outside / "demo" / "bsb-demo.sitat").is_file()
    assert (outside / "demo" / "demo-sitater.docx").stat().st_size > 10_000
    assert "Hanne" in r.stdout and "Tor" in r.stdout
    codebook = _run([python, "-c", "from app.core.bundled import codebook_path; "
                     "print(codebook_path('ti-kjennetegn'))"], outside, env).stdout.strip()
    _run([_bin(venv, "sitat"), "new", "ny.sitat"], outside, env)
    r = _run([_bin(venv, "sitat"), "codebook", "import", "ny.sitat", codebook], outside, env)
    assert "12" in r.stdout  # two group codes and the ten characteristics
    codes = _run([_bin(venv, "sitat"), "codes", "ny.sitat"], outside, env).stdout
    assert "Grunnleggende kjennetegn/Respekt" in codes and "Andre kjennetegn/Ansvarsfrihet" in codes


def test_the_window_of_the_installed_wheel_opens(installed):
    from PySide6.QtGui import QImage

    venv, python, env, outside = installed
    _run([_bin(venv, "sitat"), "demo", "--out", "demo"], outside, env)
    shot = outside / "vindu.png"
    _run([_bin(venv, "sitat-gui"), "demo/bsb-demo.sitat", "--screenshot", shot], outside,
         {**env, "QT_QPA_PLATFORM": "offscreen"})
    image = QImage(str(shot))
    assert image.width() >= 600 and image.height() >= 400
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 50  # text, code colours and highlights, not an empty frame

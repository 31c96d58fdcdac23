"""The real window on a real X server: Xvfb (installed here with apt-get when missing and
allowed, as on CI's fresh machine) and Qt's xcb platform plugin, whose libraries
scripts/bootstrap.sh installs. The window is opened on the sample project and the X server's
own pixels of it are saved and looked at: a missing library would stop it with "Could not
load the Qt platform plugin xcb", a broken paint would leave it blank."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _plugins() -> Path:
    import PySide6

    return Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms"


def _install_xvfb() -> str | None:
    """Xvfb's path, installed with apt-get if missing and we are root; None if that cannot be."""
    found = shutil.which("Xvfb")
    if found or not sys.platform.startswith("linux"):
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "xvfb"]
    if subprocess.run(install, env=env, capture_output=True, timeout=600).returncode != 0:
        # a fresh machine may have no package lists yet
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
        subprocess.run(install, env=env, capture_output=True, timeout=600)
    return shutil.which("Xvfb")


@pytest.fixture(scope="module")
def x_display():
    """The display name of a private Xvfb server (1600 x 1000, 24 bit), stopped afterwards."""
    xvfb = _install_xvfb()
    if xvfb is None:
        pytest.skip("Xvfb is missing and cannot be installed here (needs Linux, root and "
                    "apt-get): apt-get install xvfb")
    server = subprocess.Popen([xvfb, "-displayfd", "1", "-screen", "0", "1600x1000x24",
                               "-nolisten", "tcp"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        number = server.stdout.readline().strip()  # written once the server accepts clients
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("ldd") is None,
                    reason="Qt's platform plugins are checked with ldd on Linux")
@pytest.mark.parametrize("plugin", ["libqxcb.so", "libqwayland.so"])
def test_the_platform_plugins_find_their_libraries(plugin):
    r = subprocess.run(["ldd", str(_plugins() / plugin)], capture_output=True, text=True)
    missing = [line.split()[0] for line in r.stdout.splitlines() if "not found" in line]
    assert r.returncode == 0 and not missing, (
        f"{plugin} lacks {missing}: scripts/bootstrap.sh installs the Debian packages")


def test_the_window_opens_on_an_x_server_and_is_drawn(x_display, built, tmp_path):
    from PySide6.QtGui import QImage

    project = tmp_path / "demo.sitat"
    shutil.copyfile(built, project)
    shot = tmp_path / "vindu.png"
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(DISPLAY=x_display, QT_QPA_PLATFORM="xcb", SITAT_LANG="nb",
               XDG_CONFIG_HOME=str(tmp_path / "config"), SITAT_INDEX_DIR=str(tmp_path / "idx"))
    r = subprocess.run([sys.executable, "-m", "app.gui", str(project), "--screenshot", str(shot)],
                       env=env, capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr
    assert "Could not load the Qt platform plugin" not in r.stderr
    image = QImage(str(shot))
    assert image.width() >= 1200 and image.height() >= 800  # the window, not a thumbnail
    colours = {}
    for x in range(0, image.width(), 5):
        for y in range(0, image.height(), 5):
            colours[image.pixel(x, y)] = colours.get(image.pixel(x, y), 0) + 1
    assert len(colours) > 100, "the window is blank"
    # no colour covers almost everything (an unpainted window is one flat colour)
    assert max(colours.values()) < 0.9 * sum(colours.values())

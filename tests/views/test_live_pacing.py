"""How the window follows others on a large shared project (app.views.live_sync): after a
refresh that took long, the next poll waits three times as long (following others takes at most
about a quarter of the window's time); while the user holds a mouse button (dragging a
selection) the refresh waits for the next poll instead of pulling the text from under them."""

from __future__ import annotations

import time

import pytest


@pytest.fixture
def following(sample_window, monkeypatch):
    """The sample window following its project as if it were shared; refreshes counted."""
    from app.views import live_refresh

    w = sample_window
    monkeypatch.setattr(w.session.project, "shared", True)
    w.live.follow(w.session)
    w.live.timer.stop()  # the test drives the polls
    done: list[float] = []

    def slow_refresh(window):
        time.sleep(0.4)
        done.append(time.perf_counter())

    monkeypatch.setattr(live_refresh, "refresh_window", slow_refresh)
    yield w
    w.live.stop()


def _someone_else_wrote(w) -> int:
    return (w.live.seen or 0) + 1  # a revision this window did not write


def test_a_costly_refresh_spaces_the_next_polls(following):
    live = following.live
    assert live.interval() == 1000
    live._arrived(following.session.project, _someone_else_wrote(following), None)
    assert live.last_cost >= 0.4
    assert live.interval() >= 1200 and live.timer.interval() == live.interval()


def test_no_refresh_while_a_mouse_button_is_down_then_at_the_next_poll(following, monkeypatch):
    live = following.live
    calls: list[int] = []
    monkeypatch.setattr(type(live), "refresh", lambda self, _orig=type(live).refresh:
                        (calls.append(1), _orig(self)))
    monkeypatch.setattr(type(live), "user_busy", staticmethod(lambda: True))
    revision = _someone_else_wrote(following)
    live._arrived(following.session.project, revision, None)
    assert live.pending and live.last_cost == 0.0  # nothing read again yet
    monkeypatch.setattr(type(live), "user_busy", staticmethod(lambda: False))
    live._arrived(following.session.project, revision, None)  # the same revision: still due
    assert not live.pending and live.last_cost >= 0.4 and len(calls) == 2

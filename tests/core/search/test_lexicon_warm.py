"""The window loads the Norwegian lexicon in the background at start
(lexicon.warm_in_background), so its first search on a new machine does not wait ~5 s for
the one-time derivation; a search at the same moment waits on the same lock rather than
deriving it twice."""

from __future__ import annotations

import threading
import time

from app.core.search import lexicon


def test_the_lexicon_is_loaded_once_in_the_background(monkeypatch):
    loads: list[str] = []
    started = threading.Event()

    def slow_load(lang):
        started.set()
        time.sleep(0.3)
        loads.append(lang)
        return f"lexicon {lang}"

    monkeypatch.setattr(lexicon, "_loaded", {})
    monkeypatch.setattr(lexicon, "_load", slow_load)
    monkeypatch.setattr(lexicon, "available", lambda: True)
    thread = lexicon.warm_in_background(("nb",))
    assert thread.daemon and started.wait(5)
    assert lexicon.get("nb") == "lexicon nb"  # waited for the background load
    thread.join(5)
    assert loads == ["nb"]  # derived once


def test_a_failing_load_in_the_background_is_left_to_the_search(monkeypatch):
    def broken(lang):
        raise RuntimeError("damaged cache")

    monkeypatch.setattr(lexicon, "_loaded", {})
    monkeypatch.setattr(lexicon, "_load", broken)
    monkeypatch.setattr(lexicon, "available", lambda: True)
    thread = lexicon.warm_in_background(("nb",))
    thread.join(5)
    assert not thread.is_alive() and "nb" not in lexicon._loaded

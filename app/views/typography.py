"""Reading typography for transcripts: fonts, sizes, speaker colours, spacing (one place to tune)."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont

BODY_FAMILIES = ["Source Serif 4", "Noto Serif", "Charter", "Georgia", "DejaVu Serif",
                 "Liberation Serif", "Times New Roman", "serif"]
UI_FAMILIES = ["Noto Sans", "Segoe UI", "DejaVu Sans", "Liberation Sans", "sans-serif"]
BODY_POINT_SIZE = 11.5
LINE_HEIGHT_PERCENT = 145
TURN_GAP_PX = 10
DOCUMENT_MARGIN_PX = 22

INTERVIEWER = re.compile(r"^(intervjuer|moderator|i|int|mod|intervjuar|interviewer)\b",
                         re.IGNORECASE)
INTERVIEWER_COLOUR = "#4a5d73"
INTERVIEWER_BAND = "#f3f5f8"
SPEAKER_COLOURS = ["#8a3b12", "#1d6b4f", "#6a3d9a", "#9c2f55", "#2f5f9c", "#7a6a12",
                   "#8c4a2f", "#2f7a7a"]


def body_font() -> QFont:
    f = QFont()
    f.setFamilies(BODY_FAMILIES)
    f.setPointSizeF(BODY_POINT_SIZE)
    f.setHintingPreference(QFont.PreferNoHinting)
    f.setKerning(True)
    return f


def ui_font(point_size: float = 8.0) -> QFont:
    f = QFont()
    f.setFamilies(UI_FAMILIES)
    f.setPointSizeF(point_size)
    return f


def is_interviewer(speaker: str) -> bool:
    return bool(INTERVIEWER.match(speaker.strip()))


def speaker_colours(speakers: list[str]) -> dict[str, QColor]:
    """A stable colour per speaker label: interviewers muted slate, others distinct dark hues."""
    out: dict[str, QColor] = {}
    i = 0
    for sp in speakers:
        if sp in out:
            continue
        if is_interviewer(sp):
            out[sp] = QColor(INTERVIEWER_COLOUR)
        else:
            out[sp] = QColor(SPEAKER_COLOURS[i % len(SPEAKER_COLOURS)])
            i += 1
    return out

"""Survey charts: PNG at the asked resolution and width, the same bytes for the same table,
the four scale colours and the don't-know grey drawn, no bar for a suppressed group."""

from __future__ import annotations

import io
from fractions import Fraction

import pytest
from PIL import Image

from app.core.survey.charts import (DONT_KNOW_COLOUR, SCALE_COLOURS, bars_of,
                                    stacked_bar_png)
from app.core.survey.stats import Figures, Row, Scale, SurveyTable
from app.errors import InvalidInput

SCALE = Scale(1, 4, ("Helt uenig", "Litt uenig", "Litt enig", "Helt enig"))


def fig(counts=(2, 8, 20, 10), dk=3, suppressed=False):
    n = sum(counts)
    return Figures(SCALE, n, n, counts, dk, 0, Fraction(sum(v * c for v, c in
                                                             zip((1, 2, 3, 4), counts)), n),
                   suppressed=suppressed)


def table(by=None):
    t = SurveyTable("KS", "themes", SCALE, 5, 60, by=by)
    t.rows = [Row("Tilgjengelighet", "Tilgjengelighet", "Tilgjengelighet", total=fig()),
              Row("Brukermedvirkning", "Brukermedvirkning – blir jeg hørt?", "Brukermedvirkning",
                  total=fig((10, 10, 10, 10), 0))]
    if by:
        t.groups = ["Bydel Grünerløkka", "Bydel Søndre Nordstrand", None]
        for r in t.rows:
            r.groups = {"Bydel Grünerløkka": fig((1, 2, 3, 4)), None: fig(suppressed=True),
                        "Bydel Søndre Nordstrand": fig((5, 0, 0, 5), 1)}
    return t


def rgb(hex_colour):
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


@pytest.mark.parametrize("dpi", [96, 144, 300])
def test_png_size_and_resolution(dpi):
    png = stacked_bar_png(table(), dpi=dpi, width_cm=16.0)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert abs(image.width - 16.0 / 2.54 * dpi) < 1
    assert [round(x) for x in image.info["dpi"]] == [dpi, dpi]
    assert 0.15 < image.height / image.width < 0.6  # two bars and a legend, not a poster


def test_same_table_same_bytes_and_no_date():
    a, b = stacked_bar_png(table(), dpi=96), stacked_bar_png(table(), dpi=96)
    assert a == b
    assert b"Software" not in a and b"Creation" not in a and b"2026" not in a
    assert stacked_bar_png(table(by="bydel"), dpi=96) != a


def test_scale_colours_and_dont_know_grey_are_drawn():
    image = Image.open(io.BytesIO(stacked_bar_png(table(), dpi=96))).convert("RGB")
    colours = {c for _n, c in image.getcolors(maxcolors=1 << 20)}
    for hex_colour in SCALE_COLOURS[4] + [DONT_KNOW_COLOUR]:
        assert rgb(hex_colour) in colours, hex_colour


def test_by_group_panels_and_suppressed_bar():
    panels = bars_of(table(by="bydel"))
    assert [title for title, _b in panels] == ["Tilgjengelighet",
                                                "Brukermedvirkning – blir jeg hørt?"]
    labels = [b.label.replace("\n", " ") for b in panels[0][1]]
    # groups in the table's order, everyone last; the suppressed group has no n
    assert labels == ["Bydel Grünerløkka (n\u00a0=\u00a010)",
                      "Bydel Søndre Nordstrand (n\u00a0=\u00a010)", "(no value)",
                      "Everyone (n\u00a0=\u00a040)"]
    one = bars_of(table(by="bydel"), row="Brukermedvirkning")
    assert len(one) == 1 and len(one[0][1]) == 4
    with pytest.raises(InvalidInput):
        bars_of(table(by="bydel"), row="Informasjon")


def test_suppressed_group_draws_no_bar():
    t = table(by="bydel")
    for r in t.rows:
        for g in r.groups.values():
            g.suppressed = True
        r.total.suppressed = True
    image = Image.open(io.BytesIO(stacked_bar_png(t, dpi=96))).convert("RGB")
    pixels = {c: n for n, c in image.getcolors(maxcolors=1 << 20)}
    # the legend's small swatches only (a bar is thousands of pixels): "too few answers"
    assert all(pixels.get(rgb(c), 0) < 200 for c in SCALE_COLOURS[4])
    drawn = Image.open(io.BytesIO(stacked_bar_png(table(by="bydel"), dpi=96))).convert("RGB")
    pixels = {c: n for n, c in drawn.getcolors(maxcolors=1 << 20)}
    assert all(pixels.get(rgb(c), 0) > 1000 for c in SCALE_COLOURS[4])


def test_nothing_to_chart():
    t = SurveyTable("KS", "themes", SCALE, 5, 0)
    with pytest.raises(InvalidInput):
        stacked_bar_png(t)

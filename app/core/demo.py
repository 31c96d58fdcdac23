"""The demo: build the sample project (once) and write what can be shown without a screen.

Its Word files count and print passages (the default analysis scope): the sample's two coders
coded many spans alike, and each such passage is printed once, with both coders and a source
line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.project import Project
from app.core.report import project_report
from app.core.sample import build_sample
from app.i18n import _

DEFAULT_DIR = Path("sitat-demo")
PROJECT_NAME = "bsb-demo.sitat"


@dataclass
class DemoResult:
    project: Path
    outputs: list[Path]
    message: str


def ensure_sample(folder: Path, force: bool = False) -> Path:
    """The sample project in `folder`, built from app/data/sample/ when missing (or forced)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PROJECT_NAME
    if force:
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
    if not path.exists():
        tmp = folder / (PROJECT_NAME + ".building")
        for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            p.unlink(missing_ok=True)
        build_sample(tmp).close()
        tmp.replace(path)  # only a complete project gets the real name
    return path


def run_demo(folder: Path | None = None, force: bool = False) -> DemoResult:
    folder = folder or DEFAULT_DIR
    path = ensure_sample(folder, force)
    from app.core.displays.matrix import build_matrix
    from app.core.export.matrix_docx import write_matrix_docx
    from app.core.export.quotes import write_quotes_docx

    if Project.needs_upgrade(path):
        Project.open(path).close()
    quotes = folder / "demo-sitater.docx"
    matrix = folder / "demo-display.docx"
    with Project.open(path, read_only=True) as p:
        report = project_report(p)
        with p.read() as s:
            write_quotes_docx(s, quotes, group_by="bydel", title=_("Quotes by district"))
            m = build_matrix(s, "codes", "bydel", "count")
            write_matrix_docx(m.as_json(), matrix, _("Codes by district"))
    summary = folder / "demo-sammendrag.txt"
    summary.write_text(report.as_text() + "\n", encoding="utf-8")
    message = "\n".join([
        report.as_text(),
        "",
        _("Sample project: {path}").format(path=path),
        _("Word export of the quotes, by code and district: {path}").format(path=quotes),
        _("Word export of the display codes x district: {path}").format(path=matrix),
        _("Summary written to {path}").format(path=summary),
        _("Scope of the Word files: {description}").format(
            description=report.scope.get("description", "")),
    ])
    return DemoResult(path, [quotes, matrix, summary], message)

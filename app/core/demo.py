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


def run_demo(folder: Path | None = None, force: bool = False,
             language: str | None = None) -> DemoResult:
    """Build the sample (once) and write its Word files and summary in `language` (default:
    the project's, bokmål); the message around them speaks the user's language."""
    folder = folder or DEFAULT_DIR
    path = ensure_sample(folder, force)
    from app.core.displays.matrix import build_matrix
    from app.core.export.matrix_docx import write_matrix_docx
    from app.core.export.quotes import write_quotes_docx
    from app.core.export.report_docx import write_report_docx
    from app.core.files import save_atomic
    from app.core.language import project_language
    from app.i18n import using_language

    if Project.needs_upgrade(path):
        Project.open(path).close()
    quotes = folder / "demo-sitater.docx"
    matrix = folder / "demo-display.docx"
    stc_report = folder / "demo-rapport.docx"
    joint = folder / "demo-brukerundersokelse.docx"
    with Project.open(path, read_only=True) as p:
        with p.read() as s:
            language = language or project_language(s)
        with using_language(language), p.read() as s:
            report = project_report(p)
            text = report.as_text()
            write_quotes_docx(s, quotes, group_by="bydel", title=_("Quotes by district"))
            m = build_matrix(s, "codes", "bydel", "count")
            write_matrix_docx(m.as_json(), matrix, _("Codes by district"))
            write_report_docx(s, stc_report)
            has_survey = _write_joint(s, joint)
    summary = folder / "demo-sammendrag.txt"
    save_atomic(summary, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
    message = "\n".join([
        text,
        "",
        _("Sample project: {path}").format(path=path),
        _("Word export of the quotes, by code and district: {path}").format(path=quotes),
        _("Word export of the display codes x district: {path}").format(path=matrix),
        _("Word file of the STC work (condensates, illustrative quotes, syntheses): "
          "{path}").format(path=stc_report),
        *([_("Word file of the joint display, survey themes by service beside the interview "
             "codes: {path}").format(path=joint)] if has_survey else []),
        _("Summary written to {path}").format(path=summary),
        _("Scope of the Word files: {description}").format(
            description=report.scope.get("description", "")),
    ])
    outputs = [quotes, matrix, stc_report] + ([joint] if has_survey else []) + [summary]
    return DemoResult(path, outputs, message)


def _write_joint(s, out: Path) -> bool:
    """The joint display of the sample's survey by service, if the project has a survey."""
    from app.core.export.joint_docx import write_joint_docx
    from app.core.survey.joint import joint_display
    from app.models.survey import Survey

    if s.query(Survey.id).first() is None:
        return False
    write_joint_docx(joint_display(s, by="tjeneste", quotes=2), out)
    return True

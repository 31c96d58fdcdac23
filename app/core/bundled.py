"""The files shipped inside Sitat (app/data/, package data of the wheel): the bundled codebooks
in REFI-QDA .qdc and the reviewable sources of the sample project. Found with
importlib.resources, so a checkout and an installed Sitat (pip, pipx: installed as files)
read the same single copy."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from app.errors import NotFound
from app.i18n import _


def data_dir() -> Path:
    """app/data of the running Sitat."""
    return Path(str(resources.files("app").joinpath("data")))


def codebooks() -> dict[str, Path]:
    """The bundled codebooks by name (the file name without .qdc), sorted."""
    folder = data_dir() / "codebooks"
    return {p.stem: p for p in sorted(folder.glob("*.qdc"))}


def codebook_path(name: str) -> Path:
    """A bundled codebook by name ('ti-kjennetegn', with or without .qdc)."""
    found = codebooks().get(name.removesuffix(".qdc"))
    if found is None:
        raise NotFound(_("There is no bundled codebook named {name}; there are: {names}.")
                       .format(name=name, names=", ".join(codebooks())))
    return found


def sample_dir() -> Path:
    """The sources of the sample project: transcripts, attributes.csv and codings."""
    return data_dir() / "sample" / "bsb_demo"

"""A project's language is known from its material: Norwegian transcripts make Norwegian
reports, English ones English, and too little text leaves it to the user's language."""

from __future__ import annotations

from app.core.language import guess_language, project_language

BOKMAL = ("Intervjuer: Hvordan var det å komme dit?\nKari: Jeg syntes det var greit, men de "
          "hørte ikke på meg. Det var ikke så lett, og jeg har ikke fått noe hjelp siden. "
          "Hun sa at vi kunne komme igjen når jeg ville, og det var bra.") * 2
NYNORSK = ("Eg trur ikkje at dei visste kva eg trong. Det var berre ein samtale, og eg fekk "
           "ikkje noko meir. Korleis skulle eg vite det? Dei sa at eg kunne ringje.") * 3
ENGLISH = ("Interviewer: How was it when you came there?\nKari: I think they were kind, but "
           "they did not listen. It was not easy, and I have not had any help since then. "
           "She said that we could come back when we wanted, and that was good.") * 2


def test_the_material_says_the_language():
    assert guess_language([BOKMAL]) == "nb"
    assert guess_language([NYNORSK]) == "nb"  # reports in bokmål, the written form shipped
    assert guess_language([ENGLISH]) == "en"
    assert guess_language(["Respekt Informasjon"]) is None  # too little to tell
    assert guess_language([]) is None


def test_a_project_without_text_leaves_it_to_the_user(project):
    from app.models import Document

    with project.read() as s:
        assert project_language(s) is None
    with project.write() as s:
        s.add(Document(name="d1", text=BOKMAL, length=len(BOKMAL), sha256="x"))
    with project.read() as s:
        assert project_language(s) == "nb"

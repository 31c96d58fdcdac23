"""Code sets: named groups of codes across the tree - create, rename, describe, add and remove
codes, delete; a deleted code leaves its sets; exact checkpoints; .qdc Sets in and out."""

from __future__ import annotations

import pytest

from app.core import codesets as cs
from app.core.codebook import create_code, delete_code, resolve_code
from app.errors import InvalidInput, NotFound


@pytest.fixture
def tree(project):
    with project.write() as s:
        top = create_code(s, "Møter")
        create_code(s, "Respekt", top)
        create_code(s, "Tid", top)
        create_code(s, "Sted")
    return project


def test_create_add_remove_rename_describe_delete(tree):
    with tree.write() as s:
        cs.create_code_set(s, "Relasjoner", "Om å bli sett", ["Møter/Respekt", "Sted"])
        assert cs.add_codes(s, "Relasjoner", ["Møter/Tid", "Sted"]) == 1  # Sted was there
    with tree.read() as s:
        (found,) = cs.list_code_sets(s)
    assert (found.name, found.description) == ("Relasjoner", "Om å bli sett")
    assert found.codes == ["Møter/Respekt", "Møter/Tid", "Sted"]  # tree order
    with tree.write() as s:
        assert cs.remove_codes(s, "Relasjoner", ["Sted", "Møter"]) == 1
        cs.rename_code_set(s, "Relasjoner", "Møtet")
        cs.describe_code_set(s, "Møtet", "  Ny beskrivelse ")
    with tree.read() as s:
        (found,) = cs.list_code_sets(s)
        assert (found.name, found.description, found.codes) == (
            "Møtet", "Ny beskrivelse", ["Møter/Respekt", "Møter/Tid"])
        assert resolve_code(s, "Sted") is not None  # taking a code out keeps it
    with tree.write() as s:
        cs.delete_code_set(s, "Møtet")
    with tree.read() as s:
        assert cs.list_code_sets(s) == [] and len(list(s.execute(
            cs.select(cs.code_set_member)))) == 0
        assert resolve_code(s, "Møter/Tid") is not None


def test_a_deleted_code_leaves_its_sets(tree):
    with tree.write() as s:
        cs.create_code_set(s, "A", codes=["Møter/Respekt", "Sted"])
        cs.create_code_set(s, "B", codes=["Sted"])
    with tree.write() as s:
        delete_code(s, resolve_code(s, "Sted"))
    with tree.read() as s:
        assert {x.name: x.codes for x in cs.list_code_sets(s)} == {
            "A": ["Møter/Respekt"], "B": []}


@pytest.mark.parametrize("name, says", [("", "needs a name"), ("x" * 301, "at most 300"),
                                        ("a\x1bb", "control character"),
                                        ("Relasjoner", "already a code set")])
def test_bad_names_are_refused(tree, name, says):
    with tree.write() as s:
        cs.create_code_set(s, "Relasjoner")
    with pytest.raises(InvalidInput, match=says), tree.write() as s:
        cs.create_code_set(s, name)


def test_unknown_sets_and_codes_are_named(tree):
    with tree.write() as s:
        cs.create_code_set(s, "Relasjoner")
    with pytest.raises(NotFound, match="no code set Relasjonr. Did you mean: Relasjoner"), \
            tree.write() as s:
        cs.add_codes(s, "Relasjonr", ["Sted"])
    with pytest.raises(NotFound, match="no code Stedet"), tree.write() as s:
        cs.add_codes(s, "Relasjoner", ["Stedet"])
    with tree.read() as s:
        assert cs.list_code_sets(s)[0].codes == []  # nothing half done


def test_checkpoint_and_restore_are_exact(tree):
    with tree.write() as s:
        cs.create_code_set(s, "A", "a", ["Sted"])
        before = cs.checkpoint(s)
        cs.create_code_set(s, "B", codes=["Møter"])
        cs.rename_code_set(s, "A", "A2")
        cs.remove_codes(s, "A2", ["Sted"])
        cs.restore(s, before)
        assert cs.checkpoint(s) == before
    with tree.read() as s:
        assert [(x.name, x.description, x.codes) for x in cs.list_code_sets(s)] == [
            ("A", "a", ["Sted"])]


def test_apply_sets_checks_names(tree):
    with tree.write() as s:
        guid = resolve_code(s, "Sted").guid
    with pytest.raises(InvalidInput, match="already a code set"), tree.write() as s:
        cs.apply_sets(s, [("", "X", "", (guid,)), ("", " X ", "", ())])
    with tree.write() as s:
        cs.apply_sets(s, [("", "X", "om x", (guid,))])
    with tree.read() as s:
        assert [(x.name, x.codes) for x in cs.list_code_sets(s)] == [("X", ["Sted"])]


def test_codebook_file_sets_in_and_out(tree, tmp_path, new_project):
    from app.core.codebook_io import codebook_specs, import_codebook
    from app.core.refi.qdc import parse_codebook, write_qdc

    with tree.write() as s:
        cs.create_code_set(s, "Relasjoner", "Om å bli sett", ["Møter/Respekt", "Sted"])
    with tree.read() as s:
        data = write_qdc(codebook_specs(s), sets=cs.code_groups(s))
        guids = {resolve_code(s, p).guid for p in ("Møter/Respekt", "Sted")}
    roots, sets = parse_codebook(data)
    (group,) = sets
    assert (group.name, group.description, set(group.codes)) == (
        "Relasjoner", "Om å bli sett", guids)
    # Into another project whose codes have the same paths but other guids: matched by path.
    other = new_project("Annen", "other")
    try:
        with other.write() as s:
            top = create_code(s, "Møter")
            create_code(s, "Respekt", top)
            create_code(s, "Sted")
            import_codebook(s, roots)
            assert cs.import_code_groups(s, sets, roots=roots) == 1
        with other.read() as s:
            assert [(x.name, x.codes) for x in cs.list_code_sets(s)] == [
                ("Relasjoner", ["Møter/Respekt", "Sted"])]
    finally:
        other.close()


def test_atlas_ti_9_code_groups_with_guid_attributes():
    from app.core.refi.qdc import parse_codebook

    data = b"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:0:4" origin="ATLAS.ti Win 9.0.19"><Codes>
 <Code guid="2CE89C66-C28D-473B-B5C4-6CF87D20EF04" name="code2" isCodable="true" /></Codes>
 <Sets><Set name="group" guid="D79FC877-F071-4117-8D25-235AA1062A44" description="d">
  <MemberCode guid="2CE89C66-C28D-473B-B5C4-6CF87D20EF04" /></Set></Sets></CodeBook>"""
    _roots, (group,) = parse_codebook(data)
    assert (group.name, group.description, group.codes) == (
        "group", "d", ["2ce89c66-c28d-473b-b5c4-6cf87d20ef04"])


def test_a_merged_code_hands_its_sets_to_the_code_it_joins(tree):
    from app.core.codebook import merge_codes

    with tree.write() as s:
        cs.create_code_set(s, "A", codes=["Møter/Respekt"])
        cs.create_code_set(s, "B", codes=["Sted", "Møter/Tid"])
    with tree.write() as s:
        merge_codes(s, resolve_code(s, "Møter/Respekt"), resolve_code(s, "Møter/Tid"))
    with tree.read() as s:
        assert {x.name: x.codes for x in cs.list_code_sets(s)} == {
            "A": ["Møter/Tid"], "B": ["Møter/Tid", "Sted"]}

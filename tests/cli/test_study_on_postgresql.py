"""The four-analyst study of test_study_four_coders.py on a shared project at a PostgreSQL URL
(tests/pg.py): the same CLI steps - blind round copies written from the URL project and merged
back into it, disagreements, consensus, closed rounds, exports - pass the same assertions, and
the codings, agreement and round record equal those of the same study in a .sitat file."""

from __future__ import annotations

import pytest

from tests.cli.test_study_four_coders import (  # noqa: F401 - collected here, on PostgreSQL
    build_study,
    sitat,
    test_a_closed_rounds_figures_never_move,
    test_codebook_history_names_the_changes,
    test_codings_carry_their_round_version_and_time,
    test_every_step_worked_and_the_file_is_sound,
    test_exports_print_every_passage_once_and_trace_it,
    test_round_two_copies_had_the_revised_codebook,
    test_the_consensus_is_complete,
    test_the_stc_report_traces_its_quotes_and_lists_the_rounds,
)
from tests.pg import pg_cluster  # noqa: F401


@pytest.fixture(scope="module")
def study(pg_cluster, tmp_path_factory):
    url = pg_cluster.url(pg_cluster.create_database())
    return build_study(url, tmp_path_factory.mktemp("studie-pg"))


def _comparable(rows: list[dict]) -> list[tuple]:
    """A coding as a user reads it (not its guid, creation time or row id)."""
    return sorted((r["document"], r["code"], r["coder"], r["start"], r["end"], r["text"],
                   r["memo"], r.get("valence"), r["round"], r["codebook_version"])
                  for r in rows)


def _unstamped(value):
    """`value` without what differs between two runs of the same steps: guids (a parent's
    too), ids, times."""
    if isinstance(value, dict):
        return {k: _unstamped(v) for k, v in value.items()
                if k not in ("guid", "id", "parent") and not k.endswith("_at")}
    if isinstance(value, list):
        return [_unstamped(v) for v in value]
    return value


def test_the_same_study_in_a_file_gives_the_same_results(study, tmp_path):
    file_study = build_study(tmp_path / "studie.sitat", tmp_path)
    for command, rest in ((["codings"], ["--json"]), (["codes"], ["--json"]),
                          (["summary"], ["--json"]), (["round", "list"], ["--json"]),
                          (["round", "report"], ["Runde 1", "--json"]),
                          (["agreement"], ["--coders", "Anne,Bjørn", "--round", "Runde 2",
                                           "--json"]),
                          (["matrix"], ["--rows", "codes", "--cols", "bydel", "--json"])):
        query = command + rest
        on_server = sitat(*command, study["proj"], *rest).json()
        in_file = sitat(*command, file_study["proj"], *rest).json()
        if command == ["codings"]:
            on_server, in_file = _comparable(on_server), _comparable(in_file)
            assert len(on_server) > 50
        assert _unstamped(on_server) == _unstamped(in_file), query
    assert study["consensus"] == file_study["consensus"]
    assert study["kappa1"] == file_study["kappa1"]

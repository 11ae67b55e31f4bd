"""The knowledge base's version moves whenever its data does (issue 13): a changed data file with
the same version would let two different laws carry one name in saved judgments."""

from __future__ import annotations

from kasuhara.knowledge import load_knowledge_base
from kasuhara.knowledge.loader import packaged_data_digest, recorded_versions


def test_the_current_data_is_recorded_under_the_current_version() -> None:
    version, digest = recorded_versions()[-1]
    current = packaged_data_digest()
    assert digest == current, (
        f"the data files changed (digest {current}): bump `version` in meta.yaml and add "
        f"'<version> {current}' to src/kasuhara/knowledge/versions.txt"
    )
    assert version == load_knowledge_base().version, "meta.yaml's version must be the last one in versions.txt"


def test_every_recorded_version_and_digest_is_unique() -> None:
    rows = recorded_versions()
    assert len({v for v, _ in rows}) == len(rows), "a version was reused for different data"
    assert len({d for _, d in rows}) == len(rows), "the data did not change between two versions"


def test_versions_only_move_forward() -> None:
    versions = [v for v, _ in recorded_versions()]
    assert versions == sorted(versions)

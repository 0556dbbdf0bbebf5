"""The crosswalk from LIAR's and AVeriTeC's labels to our statuses, read from its SKOS triples."""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import SKOS

from claims import crosswalk, schema_files
from claims.status import Status


def test_every_data_set_label_maps_to_a_status() -> None:
    liar = crosswalk.labels(crosswalk.LIAR_SCHEME)
    assert set(liar) == {"true", "mostly-true", "half-true", "barely-true", "false", "pants-fire"}
    averitec = crosswalk.labels(crosswalk.AVERITEC_SCHEME)
    assert set(averitec) == {"Supported", "Refuted", "Not Enough Evidence", "Conflicting Evidence/Cherrypicking"}
    assert crosswalk.status_for(crosswalk.LIAR_SCHEME, "pants-fire") == Status.RESOLVED_FALSE
    assert crosswalk.status_for(crosswalk.LIAR_SCHEME, "half-true") == Status.RESOLVED_PARTLY
    assert crosswalk.status_for(crosswalk.AVERITEC_SCHEME, "Not Enough Evidence") == Status.UNVERIFIED
    assert crosswalk.status_for(crosswalk.AVERITEC_SCHEME, "Conflicting Evidence/Cherrypicking") == Status.DISPUTED
    assert crosswalk.status_for(crosswalk.LIAR_SCHEME, "correct") is None
    assert liar["true"].exact and not liar["mostly-true"].exact


def test_mapping_follows_the_triples() -> None:
    # Each label's status is the object of its exactMatch or closeMatch triple in crosswalk.ttl.
    graph: Graph = schema_files.crosswalk()
    for scheme in (crosswalk.LIAR_SCHEME, crosswalk.AVERITEC_SCHEME):
        for label in crosswalk.labels(scheme).values():
            predicate = SKOS.exactMatch if label.exact else SKOS.closeMatch
            assert (label.iri, predicate, label.status.iri) in graph


def test_claimreview_labels_and_numbers() -> None:
    assert crosswalk.status_for_rating_label("Resolved: partly true") == Status.RESOLVED_PARTLY
    assert crosswalk.status_for_rating_label("Supported") == Status.SUPPORTED  # ours before AVeriTeC's
    assert crosswalk.status_for_rating_label("PANTS ON FIRE!") == Status.RESOLVED_FALSE
    assert crosswalk.status_for_rating_label("Mostly False") == Status.RESOLVED_FALSE
    assert crosswalk.status_for_rating_label("Spicy") is None
    assert crosswalk.status_for_rating_value(1) == Status.RESOLVED_FALSE
    assert crosswalk.status_for_rating_value(3) == Status.RESOLVED_PARTLY  # a number is a verdict
    assert crosswalk.status_for_rating_value(4) == Status.SUPPORTED
    assert crosswalk.status_for_rating_value(100, best=100, worst=0) == Status.RESOLVED_TRUE
    assert crosswalk.status_for_rating_value(7, best=5, worst=1) is None
    assert crosswalk.status_for_rating_value(1, best=1, worst=1) is None

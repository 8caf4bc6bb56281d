"""What members type: cleaned, normalized, validated."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import InvalidInput
from bot.domain.text import clean_block, clean_line, fold, normalize_name
from bot.domain.venues import parse_tags, parse_venue_ref, validate_proposal, validate_url


def test_clean_line_removes_invisible_and_control_characters() -> None:
    assert clean_line("  Caf\u00e9\u200b des\u202e\tDevs\x00 ") == "Café des Devs"
    assert clean_line("e\u0301") == "é"  # NFC


def test_clean_block_keeps_paragraphs() -> None:
    assert clean_block("one\r\n\r\n\r\n\r\ntwo  words\n") == "one\n\ntwo words"


@given(st.text())
def test_clean_line_is_idempotent_and_leaves_nothing_invisible(text: str) -> None:
    cleaned = clean_line(text)
    assert clean_line(cleaned) == cleaned
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in cleaned)
    assert cleaned == cleaned.strip()


@given(st.text())
def test_normalize_name_is_idempotent(text: str) -> None:
    assert normalize_name(normalize_name(text)) == normalize_name(text)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Café des Devs", "CAFE  des devs!!"), ("L'Atelier", "l atelier"), ("Ça Marche", "ca-marche")],
)
def test_names_differing_in_case_accents_punctuation_normalize_alike(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


def test_fold() -> None:
    assert fold("Œuvre Café") == "oeuvre cafe"
    assert fold("Straße") == "strasse"


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,hi", "ftp://example.org", "file:///etc/passwd"],
)
def test_only_web_links(url: str) -> None:
    with pytest.raises(InvalidInput) as error:
        validate_url(url)
    assert error.value.key == "error.url_scheme"


@pytest.mark.parametrize(
    "url", ["https://", "http://exa mple.org", "https://example.org:99999", "http://nodot"]
)
def test_malformed_links(url: str) -> None:
    with pytest.raises(InvalidInput) as error:
        validate_url(url)
    assert error.value.key == "error.url_invalid"


def test_good_link_kept_as_typed() -> None:
    assert (
        validate_url(" https://meetup.example.org/e?id=1 ") == "https://meetup.example.org/e?id=1"
    )
    assert validate_url("") is None


def test_tags_are_lower_case_deduplicated_and_bounded() -> None:
    assert parse_tags(" #AI, Rust ,ai,, machine  learning") == ("AI", "Rust", "machine learning")
    with pytest.raises(InvalidInput) as error:
        parse_tags("a,b,c,d,e,f")
    assert error.value.params == {"max": 5, "count": 6}
    with pytest.raises(InvalidInput):
        parse_tags("x" * 25)


def test_proposal_limits() -> None:
    draft = validate_proposal(name=" Café ", kind="meetup", city="Paris", description="a\n\n\nb")
    assert (draft.name, draft.description, draft.address, draft.url) == (
        "Café",
        "a\n\nb",
        None,
        None,
    )
    for fields, key in [
        ({"name": "x" * 101}, "error.field_too_long"),
        ({"name": "   "}, "error.field_required"),
        ({"name": "!!!"}, "error.name_no_letters"),
        ({"kind": "party"}, "error.kind_invalid"),
        ({"city": ""}, "error.field_required"),
        ({"address": "a" * 201}, "error.field_too_long"),
        ({"description": "d" * 1001}, "error.field_too_long"),
    ]:
        values = {"name": "Café", "kind": "meetup", "city": "Paris", **fields}
        with pytest.raises(InvalidInput) as error:
            validate_proposal(**values)
        assert error.value.key == key, fields


def test_venue_reference() -> None:
    assert parse_venue_ref(" 42 ") == 42
    assert parse_venue_ref("Café 42") == "Café 42"
    assert parse_venue_ref("9" * 30) == "9" * 30
    assert parse_venue_ref("²") == "²"  # a digit to str.isdigit, not to int() (fuzzer)


def test_routine_reference() -> None:
    from bot.domain.routine_base import parse_routine_ref

    assert parse_routine_ref(" 12 ") == 12
    for typed in ("¹", "１２", "1.5", "", "9" * 19, "Lundi code"):  # a title, looked up by name
        assert parse_routine_ref(typed) is None


def test_criteria_as_typed_in_the_rate_modal() -> None:
    from bot.domain.ratings import parse_criteria

    assert parse_criteria("4 5 3") == ("4", "5", "3")
    assert parse_criteria("4/5") == ("4", "5", None)
    assert parse_criteria("453") == ("4", "5", "3")
    assert parse_criteria("  ") == (None, None, None)
    for bad in ("4 5 3 2", "a b", "4-5", "²"):
        with pytest.raises(InvalidInput):
            parse_criteria(bad)

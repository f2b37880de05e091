"""A field test's forms (engine/schemas/rules.py): a bare value, a list, or a mapping of tests."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from synergy_compass.engine.schemas.rules import FieldTest


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("flat", FieldTest(equals="flat")),
        (3, FieldTest(equals=3)),
        (True, FieldTest(equals=True)),
        (["vendor", "unknown"], FieldTest(one_of=("vendor", "unknown"))),
        ({"at_least": 40}, FieldTest(at_least=40.0)),
    ],
)
def test_each_written_form_reads_as_its_tests(written: object, read: FieldTest) -> None:
    assert FieldTest.model_validate(written) == read


def test_a_test_naming_a_keyword_set_to_nothing_is_still_a_test() -> None:
    # `equals: null` is written, so the test is not empty (it then matches nothing)
    assert FieldTest.model_validate({"equals": None}).model_fields_set == {"equals"}


def test_an_empty_test_names_every_keyword_it_could_have() -> None:
    with pytest.raises(ValidationError) as raised:
        FieldTest.model_validate({})
    assert raised.value.errors()[0]["msg"] == (
        "Value error, a field test needs at least one of: equals, not, one_of, none_of, "
        "at_least, at_most, above, below, within, beyond, as"
    )
    with pytest.raises(ValidationError):
        FieldTest()


def test_a_key_that_is_no_test_is_refused_as_such() -> None:
    with pytest.raises(ValidationError) as raised:
        FieldTest.model_validate({"equal": 3})
    assert [error["type"] for error in raised.value.errors()] == ["extra_forbidden"]

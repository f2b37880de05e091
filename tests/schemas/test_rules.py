"""A field test's forms (engine/schemas/rules.py): a bare value, a list, or a mapping of tests."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError
from synergy_compass.engine.schemas.rules import FieldTest, Pattern, field_tests_shared


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


def test_tests_written_alike_share_one_instance_while_a_kb_loads() -> None:
    with field_tests_shared():
        first, again = FieldTest.model_validate("top"), FieldTest.model_validate("top")
        same = (
            FieldTest.model_validate({"at_least": 40}),
            FieldTest.model_validate({"at_least": 40}),
        )
        alike_but_not = [FieldTest.model_validate(value) for value in (1, 1.0, True, 0.0, -0.0)]
    assert first is again
    assert same[0] is same[1]
    assert [test.equals for test in alike_but_not] == [1, 1.0, True, 0.0, -0.0]
    assert [type(test.equals) for test in alike_but_not] == [int, float, bool, float, float]
    assert str(alike_but_not[4].equals) == "-0.0"
    assert FieldTest.model_validate("top") is not FieldTest.model_validate("top")  # outside


def test_a_test_refused_while_shared_is_refused_again() -> None:
    with field_tests_shared():
        for _ in range(2):
            with pytest.raises(ValidationError, match="needs at least one of"):
                FieldTest.model_validate({})


def test_importing_the_rule_schemas_builds_no_validator() -> None:
    """A pattern's validator is built when a rule is first read, as every model's is (a
    command that reads no rule does not pay for it), and no parametrized ``RootModel[...]``
    class is made for it: pydantic would build that one's validator at import, for nothing."""
    probe = (
        "from pydantic import RootModel\n"
        "from synergy_compass.engine.schemas.rules import Pattern\n"
        "print(Pattern.__pydantic_complete__, Pattern.__mro__[1] is RootModel)\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert finished.stdout.split() == ["False", "True"]
    assert Pattern.model_validate({"score": {"value": {"at_least": 60}}}).fact_type == "score"

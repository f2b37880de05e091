"""Issue 8 §3: property-based tests.

1. Random valid scenarios (every enum of engine/schemas/scenario.py, countries of the shipped
   KB written as alpha-2, alpha-3 or English name, plus countries it has no profile for) never
   crash, and give the same report byte for byte when run a second time with every mapping's
   keys in another order.
2. Random mutations of valid scenario files and of valid KB files (delete a key, change a type,
   insert junk, truncate the bytes, flip characters...) give either a clean error, an
   :class:`~engine.errors.InputError` whose every problem has ``path:line:col``, or a valid
   result; never any other exception.

The tests without a mark run with the profile chosen by HYPOTHESIS_PROFILE (tests/conftest.py;
"fast", 50 examples, by default). The ``_deep`` twins are marked slow and always use the "deep"
profile (10,000 examples each); run them before a release:

    HYPOTHESIS_PROFILE=deep pytest -m slow tests/test_properties.py
"""

from __future__ import annotations

import copy
import functools
import json
import random
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pycountry
import pytest
import yaml
from conftest import MINI_KB, REPOSITORY, SHIPPED_KB
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synergy_compass.engine.api import advise
from synergy_compass.engine.authoring.lint import lint_knowledge_base
from synergy_compass.engine.errors import CompassError, InputError, Problem, ScenarioError
from synergy_compass.engine.load.discovery import kb_files
from synergy_compass.engine.load.loader import inspect_knowledge_base, load_knowledge_base
from synergy_compass.engine.load.scenario import parse_scenario
from synergy_compass.engine.load.yaml_source import parse_yaml
from synergy_compass.engine.render.text import render_json, render_text
from synergy_compass.engine.run.compiler import CompiledKB, compile_knowledge_base
from synergy_compass.engine.schemas import vocabulary

DEEP = settings(
    settings.get_profile("deep"),
    max_examples=max(10_000, settings.get_profile("deep").max_examples),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DEFECT_KB = REPOSITORY / "tests" / "fixtures" / "defect_kb"
MINI_SCENARIO = (MINI_KB / "scenarios" / "basic.yaml").read_bytes()


@functools.cache
def compiled(root: Path) -> CompiledKB:
    return compile_knowledge_base(load_knowledge_base(root))


# --- 1. random valid scenarios ---------------------------------------------------------------


@functools.cache
def _kb_countries() -> tuple[str, ...]:
    return tuple(sorted(compiled(SHIPPED_KB).knowledge_base.cultures))


_OTHER_COUNTRIES = ("IS", "MT", "NP", "UY", "FJ", "MN", "LU")  # valid codes the KB may lack


@st.composite
def countries(draw: st.DrawFn) -> str:
    code = draw(st.sampled_from(_kb_countries()) | st.sampled_from(_OTHER_COUNTRIES))
    country = pycountry.countries.get(alpha_2=code)
    return draw(st.sampled_from([code, country.alpha_3, country.name]))


def enum(kind: type[Any]) -> st.SearchStrategy[str]:
    return st.sampled_from([member.value for member in kind])


def enums(kind: type[Any], size: int = 5) -> st.SearchStrategy[list[str]]:
    return st.lists(enum(kind), max_size=size)


free_text = st.text(max_size=40)
people = st.fixed_dictionaries(
    {"role": free_text, "rank": enum(vocabulary.Rank)},
    optional={"name": free_text, "culture": countries(), "contact": enum(vocabulary.Contact)},
)
valid_scenarios = st.fixed_dictionaries(
    {
        "title": st.text(min_size=1, max_size=300),
        "we": st.fixed_dictionaries(
            {"culture": countries()},
            optional={"organisation": free_text, "role": free_text, "offer": free_text},
        ),
        "they": st.fixed_dictionaries(
            {"culture": countries()},
            optional={
                "organisation": free_text,
                "organisation_type": enum(vocabulary.OrganisationType),
                "structure": enum(vocabulary.Structure),
                "corporate_culture": countries(),
                "people": st.lists(people, max_size=3),
                "preferences": enums(vocabulary.Preference),
            },
        ),
        "goal": st.fixed_dictionaries(
            {"kind": enum(vocabulary.GoalKind)}, optional={"description": free_text}
        ),
    },
    optional={
        "relationship": st.fixed_dictionaries(
            {},
            optional={
                "stage": enum(vocabulary.RelationshipStage),
                "months": st.integers(0, 1200) | st.none(),
                "they_see_us_as": enum(vocabulary.SeenAs),
                "personal_contact": enum(vocabulary.PersonalContact),
                "work_so_far": free_text,
            },
        ),
        "we_are_doing": enums(vocabulary.Action, 6),
        "we_observe": enums(vocabulary.Observation, 6),
        "notes": free_text,
        "expectations": st.fixed_dictionaries(
            {},
            optional={
                "must_advise": st.lists(free_text, max_size=2),
                "todo": st.lists(free_text, max_size=2),
            },
        ),
    },
)


def dump(data: Any) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def reorder(data: Any, shuffle: random.Random) -> Any:
    """The same data with the keys of every mapping in another order."""
    if isinstance(data, dict):
        keys = list(data)
        shuffle.shuffle(keys)
        return {key: reorder(data[key], shuffle) for key in keys}
    if isinstance(data, list):
        return [reorder(item, shuffle) for item in data]
    return data


def report_for(raw: bytes, knowledge_base: Path = SHIPPED_KB) -> str:
    loaded = parse_scenario(raw, "random.yaml")
    report = advise(loaded.scenario, compiled(knowledge_base))
    render_text(report, explain=True)
    return render_json(report)


def check_valid_scenario(data: dict[str, Any], shuffle: random.Random) -> None:
    first = report_for(dump(data))
    assert json.loads(first)["recommendations"] is not None
    # The second run also changes the key order: equal output shows both that a run is
    # repeatable and that key order does not matter.
    second = report_for(dump(reorder(data, shuffle)))
    assert second == first


@given(valid_scenarios, st.randoms(use_true_random=False))
def test_valid_scenarios_never_crash_and_are_deterministic(
    data: dict[str, Any], shuffle: random.Random
) -> None:
    check_valid_scenario(data, shuffle)


@pytest.mark.slow
@DEEP
@given(valid_scenarios, st.randoms(use_true_random=False))
def test_valid_scenarios_never_crash_and_are_deterministic_deep(
    data: dict[str, Any], shuffle: random.Random
) -> None:
    check_valid_scenario(data, shuffle)


def test_the_strategy_reaches_rules() -> None:
    """A property over scenarios that fire nothing would prove little."""
    fired = set()
    for seed in range(8):
        report = json.loads(report_for(dump(_seeded_example(seed))))
        fired |= {item["id"] for item in report["recommendations"]}
    assert len(fired) >= 3, fired


def _seeded_example(seed: int) -> dict[str, Any]:
    shuffle = random.Random(seed)
    return {
        "title": f"Case {seed}",
        "we": {"culture": shuffle.choice(_kb_countries())},
        "they": {
            "culture": shuffle.choice(_kb_countries()),
            "structure": shuffle.choice(list(vocabulary.Structure)).value,
        },
        "relationship": {"stage": shuffle.choice(list(vocabulary.RelationshipStage)).value},
        "goal": {"kind": shuffle.choice(list(vocabulary.GoalKind)).value},
        "we_are_doing": [shuffle.choice(list(vocabulary.Action)).value for _ in range(3)],
        "we_observe": [shuffle.choice(list(vocabulary.Observation)).value for _ in range(3)],
    }


# --- 2. mutations ------------------------------------------------------------------------------

JUNK = [
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\t",
    b"\r",
    b"\n",
    b": ",
    b"- ",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"? ",
    b"|\n",
    b">-\n",
    b"'",
    b'"',
    b"#",
    b"%YAML 1.2\n---\n",
    b"---\n",
    b"...\n",
    b"~",
    b"null",
    b"true",
    b"NO",
    b"0x1F",
    b"0o17",
    b"1e400",
    b"-.inf",
    b".nan",
    b"!!str ",
    b"!!int ",
    b"!!float ",
    b"!!bool ",
    b"!!null ",
    b"!!timestamp ",
    b"!!binary ",
    b"!!set ",
    b"!!omap ",
    b"!!python/object/apply:os.system [true] ",
    b"!!python/name:os.system ",
    b"!custom ",
    b"2024-13-45",
    b"2024-02-30 25:61:61",
    b"12:30:45",
    b"\xef\xbb\xbf",
    "\u2028".encode(),
    "\u0085".encode(),
    b"\\",
    b"`",
    b"@",
    b"%",
    b"9" * 5000,
]
_SPECIAL = list(b":-{}[]&*!|>'\"#%@`?,\n\t ")


@st.composite
def mutated_bytes(draw: st.DrawFn, raw: bytes) -> bytes:
    """``raw`` with one to four byte-level changes."""
    data = bytearray(raw)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data)))
        operation = draw(
            st.sampled_from(["truncate", "flip", "special", "insert", "delete", "duplicate-line"])
        )
        if operation == "truncate":
            del data[position:]
        elif operation in ("flip", "special") and data:
            index = min(position, len(data) - 1)
            data[index] = draw(
                st.integers(0, 255) if operation == "flip" else st.sampled_from(_SPECIAL)
            )
        elif operation == "insert":
            junk = draw(
                st.sampled_from(JUNK) | st.binary(max_size=8) | st.text(max_size=8).map(str.encode)
            )
            data[position:position] = junk
        elif operation == "delete":
            end = draw(st.integers(position, min(len(data), position + 40)))
            del data[position:end]
        elif operation == "duplicate-line":
            start = data.rfind(b"\n", 0, position) + 1
            end = data.find(b"\n", position)
            end = len(data) if end < 0 else end + 1
            data[end:end] = data[start:end]
    return bytes(data)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


junk_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["", "US", "JP", "now", "vendor", "../../etc/passwd", "test-source", "pdi"])
    | st.builds(list)
    | st.builds(dict),
    lambda children: (
        st.lists(children, min_size=1, max_size=3)
        | st.dictionaries(
            st.text(max_size=10) | st.integers(-3, 3), children, min_size=1, max_size=3
        )
    ),
    max_leaves=8,
)


@st.composite
def mutated_data(draw: st.DrawFn, raw: bytes) -> bytes:
    """``raw`` read as YAML, changed at one to three places of its tree, written again."""
    data = copy.deepcopy(parse_yaml(raw, "base.yaml").data)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(data))))
        operation = draw(
            st.sampled_from(["delete", "replace", "retype", "add-key", "rename-key", "wrap"])
        )
        if not path:
            data = draw(junk_values) if operation in ("replace", "retype") else [data]
            continue
        parent = data
        for segment in path[:-1]:
            parent = parent[segment]
        last = path[-1]
        value = parent[last]
        if operation == "delete":
            del parent[last]
        elif operation == "replace":
            parent[last] = draw(junk_values)
        elif operation == "retype":
            parent[last] = (
                str(value)
                if not isinstance(value, str)
                else draw(st.sampled_from([[value], {value: value}, 7, 0.5, None, True]))
            )
        elif operation == "add-key" and isinstance(value, dict):
            value[draw(st.text(min_size=1, max_size=12))] = draw(junk_values)
        elif operation == "rename-key" and isinstance(parent, dict):
            parent[draw(st.sampled_from([f"{last}x", str(last)[:-1], str(last).upper(), "id"]))] = (
                parent.pop(last)
            )
        elif operation == "wrap":
            parent[last] = [value] if not isinstance(value, list) else {"items": value}
    return dump(data)


def mutations(raw: bytes) -> st.SearchStrategy[bytes]:
    return mutated_bytes(raw) | mutated_data(raw)


def assert_located(error: InputError, allowed_paths: set[str]) -> None:
    """Every problem names a file of the input and, but for a missing manifest, a line."""
    assert error.problems
    for problem in error.problems:
        assert isinstance(problem, Problem)
        assert problem.message
        where = problem.location
        assert where.path in allowed_paths, (where, allowed_paths)
        if problem.code != "missing-manifest":
            assert where.line >= 1, problem
            assert where.column >= 1, problem
            assert str(problem).startswith(f"{where.path}:{where.line}:{where.column}: ")


# where the profile files the shipped examples name are
SCENARIO_FOLDER = SHIPPED_KB / "scenarios"
# scenario files to mutate: the shipped examples (as they are when the tests start) and the mini KB's
SCENARIO_SOURCES = sorted(
    [path.read_bytes() for path in (SHIPPED_KB / "scenarios").glob("*.yaml")]
    + [path.read_bytes() for path in (MINI_KB / "scenarios").glob("*.yaml")]
)


def check_mutated_scenario(raw: bytes) -> None:
    try:
        loaded = parse_scenario(raw, "mutated.yaml", folder=SCENARIO_FOLDER)
    except InputError as error:
        assert_located(error, {"mutated.yaml"})
        return
    try:
        report = advise(loaded.scenario, compiled(MINI_KB))
    except ScenarioError as error:
        refused = error.problems
    else:
        render_text(report, explain=True)
        render_json(report)
        return
    # A person placed on a scale the KB does not have can only be told once the KB is known
    # (the mini KB has no practical scales); any other input error belongs to the parse.
    assert all("is not a practical scale" in problem.message for problem in refused)


mutated_scenarios = st.sampled_from(SCENARIO_SOURCES).flatmap(mutations)


@given(mutated_scenarios)
def test_mutated_scenarios_give_a_clean_error_or_a_result(raw: bytes) -> None:
    check_mutated_scenario(raw)


@pytest.mark.slow
@DEEP
@given(mutated_scenarios)
def test_mutated_scenarios_give_a_clean_error_or_a_result_deep(raw: bytes) -> None:
    check_mutated_scenario(raw)


LINT_FILE = (
    b"lint:\n  disable:\n    - check: unused-finding\n      items: [stuck]\n"
    b"      reason: Kept for a test of the lint file.\n"
)


def _snapshot(root: Path, extra: dict[str, bytes]) -> dict[str, bytes]:
    files = {path.relative_to(root).as_posix(): path.read_bytes() for path in kb_files(root)}
    return {**files, **extra}


KB_BASES = {
    "mini": (MINI_KB, _snapshot(MINI_KB, {"lint.yaml": LINT_FILE})),
    "defect": (DEFECT_KB, _snapshot(DEFECT_KB, {})),
}
KB_FILE_CHOICES = [(base, name) for base, (_root, files) in KB_BASES.items() for name in files]


@functools.cache
def _kb_copy(base: str) -> Path:
    """One writable copy of each base KB for the whole session (each example restores it)."""
    root = Path(tempfile.mkdtemp(prefix=f"compass-fuzz-{base}-")) / "kb"
    shutil.copytree(KB_BASES[base][0], root)
    for name, content in KB_BASES[base][1].items():
        (root / name).write_bytes(content)
    return root


@st.composite
def mutated_kb_files(draw: st.DrawFn) -> tuple[str, str, bytes]:
    base, name = draw(st.sampled_from(KB_FILE_CHOICES))
    return base, name, draw(mutations(KB_BASES[base][1][name]))


def check_mutated_kb(base: str, name: str, content: bytes) -> None:
    root = _kb_copy(base)
    target = root / name
    original = KB_BASES[base][1][name]
    target.write_bytes(content)
    try:
        allowed = set(KB_BASES[base][1])
        _knowledge_base, problems = inspect_knowledge_base(root)
        if problems:
            assert_located(InputError(problems), allowed)
        report = lint_knowledge_base(root)
        assert all(finding.location for finding in report.findings)
        try:
            knowledge_base = load_knowledge_base(root)
        except InputError as error:
            assert_located(error, allowed)
            return
        try:
            result = advise(
                parse_scenario(MINI_SCENARIO, "basic.yaml").scenario,
                compile_knowledge_base(knowledge_base),
                step_limit=2_000,
            )
        except CompassError:
            return  # e.g. the rules ran away; a clean, documented error
        render_text(result, explain=True)
        render_json(result)
    finally:
        target.write_bytes(original)


@given(mutated_kb_files())
def test_mutated_kb_files_give_a_clean_error_or_a_result(case: tuple[str, str, bytes]) -> None:
    check_mutated_kb(*case)


@pytest.mark.slow
@DEEP
@given(mutated_kb_files())
def test_mutated_kb_files_give_a_clean_error_or_a_result_deep(case: tuple[str, str, bytes]) -> None:
    check_mutated_kb(*case)


def test_the_unmutated_bases() -> None:
    """Mutations start from valid scenarios, the valid mini KB (with a lint file) and the defect
    KB (valid YAML whose defects the checks find), so they reach deep into the loader."""
    for raw in SCENARIO_SOURCES:
        parse_scenario(raw, "source.yaml", folder=SCENARIO_FOLDER)
    load_knowledge_base(_kb_copy("mini"))
    assert not [f for f in lint_knowledge_base(_kb_copy("mini")).findings if f.severity == "error"]
    _knowledge_base, problems = inspect_knowledge_base(_kb_copy("defect"))
    assert {problem.code for problem in problems} >= {"schema", "unknown-reference", "duplicate-id"}

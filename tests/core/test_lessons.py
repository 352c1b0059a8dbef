"""Lessons: every shipped lesson's story holds through the engine; malformed files are one
line naming the file and the field; the claim vocabulary judges what it says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gdexplorer.core.lessons.check import check_lesson, check_lessons
from gdexplorer.core.lessons.claims import ClaimError, Situation, passes, validate_claim
from gdexplorer.core.lessons.judge import fill, judge
from gdexplorer.core.lessons.library import (
    find_lesson,
    lesson_files,
    load_lessons,
    load_lessons_reporting,
    read_lesson,
)
from gdexplorer.core.lessons.parse import LessonError, parse_lesson

SHIPPED_TOPICS = (
    "derivative", "downhill", "learning-rate", "start", "saddles", "scaling", "momentum-adam",
    "batches", "finite-differences", "maximize", "step-size",
)  # fmt: skip

GOOD = """# A small lesson

Intro.

## Run it

Press Run.

```step
{"preset": "parabola", "highlight": ["run"], "expect": {"reason": "converged", "iterations": 75},
 "student": {}, "wrong": {"settings": {"learning_rate": 0.01}}}
```

### Right
Right: {iterations} updates.

### Hint
Run the example.
"""


@pytest.fixture(scope="module")
def shipped():
    return load_lessons()


def test_the_lessons_of_the_issue_are_shipped_in_order(shipped) -> None:
    assert tuple(lesson.name for lesson in shipped) == SHIPPED_TOPICS
    for lesson in shipped:
        assert 3 <= len(lesson.steps) <= 6, lesson.name
        assert any(step.claim is not None for step in lesson.steps), lesson.name
        assert lesson.steps[0].applies_settings, f"{lesson.name} opens on whatever was there"


def test_every_shipped_lesson_passes_its_check(shipped) -> None:
    reports = check_lessons(shipped)
    failures = [f"{r.lesson.name}: {f}" for r in reports for f in r.failures]
    assert failures == []
    assert sum(r.checked for r in reports) >= 30


def test_every_claim_with_a_wrong_action_tells_the_wrong_student_apart(shipped) -> None:
    """A claim that also holds for the student who does something else would praise anyone:
    most checked steps give such a student, and the check runs it."""
    steps = [s for lesson in shipped for s in lesson.steps if s.claim is not None]
    with_wrong = [s for s in steps if s.wrong is not None]
    assert len(with_wrong) >= 0.6 * len(steps)


def test_a_false_number_in_a_lesson_fails_its_check() -> None:
    lying = GOOD.replace('"iterations": 75', '"iterations": 74')
    report = check_lesson(parse_lesson(lying, "lessons/99-lie.md"))
    assert not report.passed
    assert "75" in report.failures[0] and "74" in report.failures[0]


def test_a_wrong_action_that_also_satisfies_the_claim_fails_the_check() -> None:
    lax = GOOD.replace('"learning_rate": 0.01', '"learning_rate": 0.1')
    report = check_lesson(parse_lesson(lax, "lessons/98-lax.md"))
    assert report.failures == ["step 1 (Run it): the 'wrong' action does not get the hint"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("# A small lesson", "A small lesson"), "title"),
        (('"preset": "parabola"', '"preset": "parabol"'), "preset"),
        (('"highlight": ["run"]', '"highlight": ["rum"]'), "highlight"),
        (('"reason": "converged"', '"reason": "converge"'), "expect.reason"),
        (('"iterations": 75', '"iterations": ["~", 75]'), "expect.iterations"),
        (('"expect": {', '"expect": {"colour": 1, '), "expect.colour"),
        (('"student": {}', '"student": {"iterations": 3}'), "student.iterations"),
        (
            (
                '"wrong": {"settings": {"learning_rate": 0.01}}',
                '"wrong": {"settings": {"learning_rate": -1}}',
            ),
            "learning rate",
        ),
        (
            (
                '"wrong": {"settings": {"learning_rate": 0.01}}',
                '"wrong": {"settings": {"lr": 0.01}}',
            ),
            "wrong.settings.lr",
        ),
        (('"student": {},', '"student": {}'), "not valid JSON"),
        (("### Hint\nRun the example.", ""), "### Hint"),
        (("### Right", "### Correct"), "### Correct"),
        (("{iterations} updates", "{iters} updates"), "{iters}"),
        (('{"preset": "parabola", ', '{"extra": 1, '), "extra"),
    ],
)
def test_a_malformed_lesson_is_one_line_naming_file_and_field(change, field) -> None:
    broken = GOOD.replace(*change)
    assert broken != GOOD
    with pytest.raises(LessonError) as caught:
        lesson = parse_lesson(broken, "lessons/07-broken.md")
        check_lesson(lesson)  # the walk checks the settings whole
        from gdexplorer.core.lessons.walk import walk_lesson

        walk_lesson(lesson)
    message = str(caught.value)
    assert message.startswith("lessons/07-broken.md: ")
    assert field in message
    assert "\n" not in message


def test_a_check_needs_settings_before_it(tmp_path) -> None:
    no_settings = GOOD.replace('"preset": "parabola", ', "")
    with pytest.raises(LessonError, match="step 1 .* needs settings first"):
        read_lesson(_write(tmp_path, "01-x.md", no_settings))


def test_files_are_read_in_order_and_bad_ones_reported_apart(tmp_path) -> None:
    _write(tmp_path, "02-second.md", GOOD.replace("A small lesson", "Second"))
    _write(tmp_path, "01-first.md", GOOD)
    _write(tmp_path, "03-broken.md", GOOD.replace('"run"', '"rum"'))
    _write(tmp_path, "README.md", "# not a lesson")
    (tmp_path / "04-binary.md").write_bytes(b"\xff\xfe\x00")
    lessons, problems = load_lessons_reporting(tmp_path)
    assert [lesson.name for lesson in lessons] == ["first", "second"]
    assert len(problems) == 2
    assert problems[0].startswith("lessons/03-broken.md: step 1 (Run it): highlight")
    assert problems[1] == "lessons/04-binary.md: not UTF-8 text"
    assert [f.name for f in lesson_files(tmp_path)][0] == "01-first.md"
    assert find_lesson(lessons, "2").name == "second"
    with pytest.raises(LessonError, match="unknown lesson 'third': choose one of first, second"):
        find_lesson(lessons, "third")


# -- the vocabulary --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "test", "expected"),
    [
        # fmt: off
        (0.4000001, 0.4, True),
        (0.41, 0.4, False),
        (3, ["<", 4], True),
        (4, ["<", 4], False),
        (4, ["<=", 4], True),
        (5, [">", 4], True),
        (4, [">=", 4.5], False),
        (1.5, ["between", 1, 2], True),
        (2.5, ["between", 1, 2], False),
        (0.4 + 1e-12, ["approx", 0.4, 1e-9], True),
        (0.4 + 1e-8, ["approx", 0.4, 1e-9], False),
        ("adam", "adam", True),
        (None, None, True),
        (None, ["<", 1], False),
        (True, True, True),
        # fmt: on
    ],
)
def test_a_test_of_the_vocabulary(actual, test, expected) -> None:
    assert passes(actual, test) is expected


def test_claims_are_data_never_code() -> None:
    with pytest.raises(ClaimError, match=r"expect\.iterations"):
        validate_claim({"iterations": ["eval", "__import__('os')"]})
    with pytest.raises(ClaimError, match=r"expect\.final\.x"):
        validate_claim({"final": {"x": [1]}})


def test_judge_waits_for_the_student_before_hinting() -> None:
    verdict = judge({"reason": "converged", "shown": 3}, Situation())
    assert not verdict.holds and verdict.waiting == "a finished run"
    assert judge({"sweep": {"best": ["<", 1]}}, Situation()).waiting == "a learning-rate sweep"


def test_fill_puts_the_students_numbers_in_and_leaves_unknown_names(shipped) -> None:
    from gdexplorer.core.engine import run_to_end
    from gdexplorer.core.presets import get_preset

    config = get_preset("parabola").config.replace(learning_rate=0.5)
    trajectory, outcome = run_to_end(config)
    text = fill("lr {lr}: {iterations} update(s) to {point}, f = {f}; {best}", Situation(
        config, trajectory, outcome))  # fmt: skip
    assert text == "lr 0.5: 1 update(s) to (2), f = 0; {best}"
    assert re.search(r"\{\w+\}", fill("{k}", Situation(iteration=None))) is not None


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path

"""The arrow-key questionnaire, driven through a prompt_toolkit pipe as a terminal would drive it.

One key per answer (no Enter), the pointer on the current answer, the same keys as --plain, and
every questionnaire string in Chinese with --lang zh.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.utils import get_cwidth
from typer.testing import CliRunner

from kamcli.cli import assess_cmd
from kamcli.cli.main import app
from kamcli.errors import ExitCode
from kamcli.model import load_model
from kamcli.questionnaire.flow import first_sentence
from kamcli.questionnaire.menu import MenuChoice, run_menu, wrap_cells
from kamcli.questionnaire.prompts import ArrowPrompter
from kamcli.questionnaire.questions import build_questions
from kamcli.store import Store

MODEL = load_model()
ITEMS = MODEL.item_ids()
UP, DOWN, ENTER, CTRL_C, CTRL_D = "\x1b[A", "\x1b[B", "\r", "\x03", "\x04"


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[PipeInput]:
    """A terminal for `kam assess`: menus read their keys from this pipe."""
    monkeypatch.setattr(assess_cmd, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr(assess_cmd, "arrow_menus_wanted", lambda plain: not plain)
    with create_pipe_input() as pipe:
        monkeypatch.setattr(ArrowPrompter, "menu_input", pipe)
        monkeypatch.setattr(ArrowPrompter, "menu_output", DummyOutput())
        yield pipe


def drafts() -> list[dict[str, int | None]]:
    with Store.open_default() as store:
        return [d.answers for d in store.drafts()]


def assess(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "assess", "--name", "Ana", "--account", "Acme"])
    return result.exit_code, result.stdout, result.stderr


# --- the menu itself ------------------------------------------------------------------------

CHOICES = [
    *(MenuChoice(str(v), v, str(v)) for v in range(1, 6)),
    MenuChoice("skip", "s", "s"),
    MenuChoice("explain", "?", "?"),
]


def pick(typed: str, default: int = 0) -> object:
    with create_pipe_input() as pipe:
        pipe.send_text(typed)
        return run_menu("Q", CHOICES, default=default, input=pipe, output=DummyOutput())


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("3", 3), ("5", 5), ("s", "s"), ("S", "s"), ("?", "?"), ("？", "?"), ("x7q4", 4)],
)
def test_a_choice_key_acts_at_once(typed: str, expected: object) -> None:
    assert pick(typed) == expected


def test_arrows_and_enter_start_from_the_default() -> None:
    assert pick(ENTER, default=5) == "s"
    assert pick(DOWN + DOWN + ENTER, default=1) == 4
    assert pick(UP + ENTER) == "?", "up from the first choice wraps to the last"


@pytest.mark.parametrize(("typed", "error"), [(CTRL_C, KeyboardInterrupt), (CTRL_D, EOFError)])
def test_ctrl_c_and_ctrl_d_end_the_menu_like_input_does(
    typed: str, error: type[BaseException]
) -> None:
    with pytest.raises(error):
        pick(typed)


# --- kam assess with menus ------------------------------------------------------------------


def test_one_key_per_answer_and_next_steps(runner: CliRunner, keys: PipeInput) -> None:
    keys.send_text("2" + "4" * len(ITEMS))  # stage 2 = mid, then one key per item, no Enter
    code, out, err = assess(runner)
    assert code == 0, err
    with Store.open_default() as store:
        [record] = store.list()
    assert record.status == "complete" and record.stage == "mid"
    assert record.answers == dict.fromkeys(ITEMS, 4)
    assert "Competency gap report" in out
    assert "Saved as assessment #1." in err
    assert "kam report 1 --format html -o report-1.html" in err
    assert "kam history show 1" in err
    assert "(1-5 answer · s skip · b back · ? explain · q save & quit" not in out, "menus on stderr"


def test_stage_menu_describes_every_stage(runner: CliRunner, keys: PipeInput) -> None:
    keys.send_text("3q")
    shown: list[list[MenuChoice[str]]] = []
    real = ArrowPrompter._menu

    def spy(self: ArrowPrompter, message: str, choices: list[MenuChoice[str]], *a: object) -> str:
        shown.append(choices)
        return real(self, message, choices, *a)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ArrowPrompter, "_menu", spy)
        code, _, _ = assess(runner)
    assert code == 0
    stage_menu = shown[0]
    assert [c.label for c in stage_menu][:4] == [s.name["en"] for s in MODEL.stages]
    mid_summary = MODEL.stages[1].summary["en"]
    assert stage_menu[1].detail == first_sentence(mid_summary)
    assert len(stage_menu[1].detail) < len(mid_summary), "one sentence, not the whole summary"
    assert all(c.detail for c in stage_menu[:4])
    assert [c.key for c in stage_menu] == ["1", "2", "3", "4", "5"]


def test_back_to_a_skipped_item_keeps_the_skip_on_enter(runner: CliRunner, keys: PipeInput) -> None:
    # 3, skip, back (pointer on skip) + Enter, back twice to item 1 (pointer on 3) + Enter, quit
    keys.send_text("1" + "3" + "s" + "b" + ENTER + "b" + "b" + ENTER + "q")
    code, _, err = assess(runner)
    assert code == 0, err
    assert drafts() == [{ITEMS[0]: 3, ITEMS[1]: None}]
    assert f"Your answers are saved as draft #1 (2 of {len(ITEMS)} answered)" in err


def test_question_mark_explains_in_the_menu(runner: CliRunner, keys: PipeInput) -> None:
    keys.send_text("1" + "e" + "?" + "5" + "q")  # e is not a key (it explained before)
    code, _, err = assess(runner)
    assert code == 0, err
    assert err.count("Proficiency levels:") == 1
    assert MODEL.competency("integrity").levels[0]["en"] in err
    assert drafts() == [{ITEMS[0]: 5}]


def test_ctrl_c_in_a_menu_keeps_the_answers(runner: CliRunner, keys: PipeInput) -> None:
    keys.send_text("4" + "5" + "2" + CTRL_C)
    code, _, err = assess(runner)
    assert code == ExitCode.INTERRUPTED
    assert "Interrupted. Your answers are saved as draft #1" in err
    assert "kam assess --resume 1" in err and "Traceback" not in err
    assert drafts() == [{ITEMS[0]: 5, ITEMS[1]: 2}]


def test_resume_menu_lists_drafts_and_n_starts_afresh(runner: CliRunner, keys: PipeInput) -> None:
    keys.send_text("1" + "4" + "q")
    assess(runner)
    keys.send_text("2" + "2" + "5" + "5" + "q")  # "2" = the second entry: a new assessment
    code, _, err = assess(runner)
    assert code == 0, err
    assert sorted(map(len, drafts())) == [1, 2]
    keys.send_text("1" + "1" + "q")  # the newest draft, one more answer
    code, _, err = assess(runner)
    assert code == 0, err
    assert sorted(map(len, drafts())) == [1, 3]


# --- Chinese --------------------------------------------------------------------------------


def test_zh_menus_and_messages_are_chinese(runner: CliRunner, keys: PipeInput) -> None:
    keys.send_text("1" + "4" + "q")
    code, _, err = assess(runner, "--lang", "zh")
    assert code == 0, err
    assert f"你的答案已保存为草稿 #1（已答 1/{len(ITEMS)}）。继续作答：kam assess --resume 1" in err
    assert f"第 1 题 / 共 {len(ITEMS)} 题" in err
    for english in ("saved", "Question", "Section", "answer", "Resume"):
        assert english not in err, english
    keys.send_text("1" + CTRL_C)
    code, _, err = assess(runner, "--lang", "zh")
    assert code == ExitCode.INTERRUPTED
    assert "已中断。" in err and not re.search(r"Interrupted|Nothing|saved", err)


def test_zh_plain_mode_is_chinese_too(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assess_cmd, "stdin_is_terminal", lambda: True)
    answers = ["3"] * len(ITEMS)
    result = runner.invoke(
        app,
        ["--lang", "zh", "assess", "--plain", "--name", "", "--account", ""],
        input="\n".join(["9", "2", "?", *answers]) + "\n",
    )
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "请输入 1 到 5 之间的数字。" in err
    assert first_sentence(MODEL.stages[1].summary["zh"]) in err  # the stage's one-line description
    assert "已保存为评估 #1。" in err and "下一步：" in err
    assert "kam report 1 --format html -o report-1.html --lang zh" in err
    assert not re.search(r"[A-Za-z]{4,}", _without_commands(err)), _without_commands(err)


def _without_commands(text: str) -> str:
    """stderr minus command lines and the model's section names (names may be English)."""
    kept = []
    for line in text.splitlines():
        if "kam " in line:
            line = line[: line.index("kam ")]
        kept.append(line)
    return re.sub(r"\b(IT|KAM)\b", "", "\n".join(kept))


@given(st.text(alphabet="ab 客户。 ,", max_size=200), st.integers(min_value=10, max_value=60))
def test_details_wrap_within_the_width_between_words(text: str, width: int) -> None:
    lines = wrap_cells(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert get_cwidth(line) <= width or " " not in line.strip(), line
        assert line == line.rstrip() and line.strip()


def test_a_manager_rating_ends_with_the_360_step(runner: CliRunner, keys: PipeInput) -> None:
    questions = build_questions(MODEL, "en", "manager")
    keys.send_text("4" + "q")
    base = ["assess", "--rater", "manager", "--about", "Li Wei", "--name", "Me", "--account", ""]
    runner.invoke(app, [*base, "-s", "mid"])
    keys.send_text("1" + "3" * (len(questions) - 1))  # resume the draft listed first
    result = runner.invoke(app, base)
    assert result.exit_code == 0, result.stderr
    assert "kam report --subject 'Li Wei' --format html -o li-wei-360.html" in result.stderr
    assert "every rating of Li Wei in one 360° report" in result.stderr
    with Store.open_default() as store:
        [record] = store.list()
    assert record.status == "complete" and record.subject == "Li Wei"
    assert list(record.answers.values()) == [4] + [3] * (len(questions) - 1)


def test_draft_list_says_who_rates_whom(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assess_cmd, "stdin_is_terminal", lambda: True)
    rate = ["assess", "--plain", "--rater", "peer", "--about", "Bo", "--account", "Acme"]
    runner.invoke(app, [*rate, "--name", "", "-s", "early"], input="5\nq\n")
    listed = runner.invoke(app, ["--lang", "zh", *rate], input="1\nq\n")
    assert (
        "草稿 #1（" in listed.stderr and "同事评价 Bo（Acme），初期阶段，已答 1/" in listed.stderr
    )

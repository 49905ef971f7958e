"""`viva content check`: coverage and exit 0 on the real content; precise errors and 1 if broken."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from drills.cli import add_parser, run_check
from drills.content_loader import CONTENT_DIR


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="viva")
    add_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_check_passes_and_prints_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    args = parse(["content", "check"])
    assert args.handler is run_check
    assert args.handler(args, None) == 0
    out = capsys.readouterr().out
    assert "theory design  eli5  cards" in out
    assert "  9  11,12   2  deep_learning" in out
    assert "baseline       30 items" in out and "pod DL-BOOT" in out
    assert "quiz 4, 11, 18, 25" in out and "Content OK" in out


def test_check_fails_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    unit = content / "units" / "04-tokenization.yaml"
    text = unit.read_text(encoding="utf-8")
    unit.write_text(text.replace("genai_day: true", "genai_day: true\nmood: sunny", 1), encoding="utf-8")
    line = unit.read_text(encoding="utf-8").splitlines().index("mood: sunny") + 1
    special = content / "special" / "system_design.yaml"
    answer_line = special.read_text(encoding="utf-8")
    special.write_text(answer_line.replace("chunk*", "chunk-ing-xyz", 1), encoding="utf-8")
    assert run_check(parse(["content", "check", "--dir", str(content)])) == 1
    err = capsys.readouterr().err
    assert f"units/04-tokenization.yaml:{line}: unit: unknown key 'mood'" in err
    assert "special/system_design.yaml" in err and "sd-1: the model answer does not cover key point 1" in err
    assert "2 problem(s)" in err


def test_viva_command_dispatches_to_drills(capsys: pytest.CaptureFixture[str]) -> None:
    from voicebot.cli import main

    assert main(["content", "check"]) == 0
    assert "Content OK" in capsys.readouterr().out


def test_formula_sheet_to_read_or_to_hear(capsys: pytest.CaptureFixture[str]) -> None:
    args = parse(["content", "formulas"])
    assert args.handler(args, None) == 0
    written = capsys.readouterr().out
    assert "## 1. Baseline & Linear Algebra" in written and "- **Normal equation**: $\\hat{w}" in written
    args = parse(["content", "formulas", "--spoken"])
    assert args.handler(args, None) == 0
    spoken = capsys.readouterr().out
    assert "Normal equation. w hat equals the inverse of X transpose X" in spoken and "$" not in spoken


def test_one_pager_prints_the_ethics_sheet_and_refuses_other_units(capsys: pytest.CaptureFixture[str]) -> None:
    args = parse(["content", "one-pager", "22"])
    assert args.handler(args, None) == 0
    assert "# 22. Ethics & Safety: one-pager" in capsys.readouterr().out
    args = parse(["content", "one-pager", "3"])
    assert args.handler(args, None) == 1
    assert "unit 3 has no one-pager (units with one: 22)" in capsys.readouterr().err
    args = parse(["content", "one-pager", "40"])
    assert args.handler(args, None) == 1
    assert "there is no unit 40" in capsys.readouterr().err

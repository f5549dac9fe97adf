"""The command line, ``python -m engine``."""

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest
from support.engine_cli import run

from engine.__main__ import main
from engine.questionnaire import middle_answers, questionnaire

ROOT = Path(__file__).resolve().parents[2]
MODERATE = ",".join(f"{question}={option}" for question, option in middle_answers().items())
CAUTIOUS = ["--loss-reaction", "sell_some", "--max-loss", "loss_10", "--return-priority",
            "protect_capital", "--risk-self-view", "cautious", "--gamble-choice", "sure_1000",
            "--outcome-range", "narrow", "--experience", "some"]


def recommend_json(capsys, *argv) -> dict:
    code, out, err = run(capsys, "recommend", *argv)
    assert code == 0, err
    return json.loads(out)


def test_thirty_year_old_saving_for_retirement_gets_a_growth_mix(capsys):
    rec = recommend_json(capsys, "--age", "30", "--goal", "retirement", "--answers", MODERATE,
                         "--initial", "10000", "--monthly", "400", "--target", "900000")
    assert rec["horizon_years"] == 35
    # a moderate investor 25+ years from retirement: 55-80 % (Schwab's moderate growth to growth)
    assert 0.55 <= rec["groups"]["equity"] <= 0.80
    assert rec["projection"]["median"] > rec["projection"]["contributions"]
    assert 0 < rec["projection"]["probability_of_target"] < 1


def test_seventy_year_old_preserving_capital_gets_mostly_bonds_and_cash(capsys):
    rec = recommend_json(capsys, "--age", "70", "--goal", "capital_preservation", *CAUTIOUS,
                         "--initial", "400000")
    assert rec["groups"]["equity"] <= 0.25
    assert rec["groups"]["bonds"] + rec["groups"]["cash"] >= 0.70
    assert rec["bad_year"] > -0.05  # a bad year costs a few percent, not a fifth
    assert "goal" in rec["explanation"]["summary"]


def test_forty_year_old_buying_a_home_in_two_years_keeps_the_money_safe(capsys):
    rec = recommend_json(capsys, "--age", "40", "--goal", "home", "--horizon", "2", "--answers",
                         MODERATE, "--initial", "60000", "--monthly", "2000", "--target", "100000")
    assert rec["profile"]["goal"] == "major_purchase"
    assert rec["groups"]["equity"] <= 0.20
    assert rec["groups"]["cash"] + rec["weights"].get("short_term_bonds", 0) >= 0.5
    assert "horizon_cap" in rec["policy"]["binding"]
    assert rec["projection"]["probability_of_target"] > 0.9


def test_individual_answer_flags_override_the_answers_list(capsys):
    base = recommend_json(capsys, "--age", "35", "--goal", "wealth", "--answers", MODERATE)
    bolder = recommend_json(capsys, "--age", "35", "--goal", "wealth", "--answers", MODERATE,
                            "--max-loss", "loss_over_30")
    assert bolder["profile"]["risk_answers"]["max_loss"] == "loss_over_30"
    assert bolder["risk"]["willingness"] > base["risk"]["willingness"]


def test_outlook_seed_and_paths_options_are_used(capsys):
    rec = recommend_json(capsys, "--age", "45", "--goal", "retirement", "--answers", MODERATE,
                         "--outlook", "bearish", "--seed", "9", "--paths", "2000",
                         "--income-stability", "unstable", "--liquidity", "medium")
    assert rec["projection"]["seed"] == 9 and rec["projection"]["paths"] == 2000
    assert rec["policy"]["outlook_tilt"] < 0
    assert rec["profile"]["income_stability"] == "unstable"


def test_questions_are_printed_with_options_and_scores(capsys):
    code, out, _ = run(capsys, "questions")
    data = json.loads(out)
    assert code == 0
    assert data["version"] == questionnaire().version
    assert [q["id"] for q in data["questions"]] == questionnaire().ids
    assert all("score" in o for q in data["questions"] for o in q["options"])


def test_rebalance_reads_inline_json_and_files(capsys, tmp_path):
    holdings = tmp_path / "holdings.json"
    holdings.write_text(json.dumps({"us_equity": 80, "aggregate_bonds": 20}))
    code, out, err = run(capsys, "rebalance", "--holdings", str(holdings), "--targets",
                         '{"us_equity": 0.6, "aggregate_bonds": 0.4}', "--contribution", "10")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["trades"] == {"us_equity": -14.0, "aggregate_bonds": 24.0}


def test_rebalance_takes_its_targets_from_a_recommendation(capsys, tmp_path):
    rec = recommend_json(capsys, "--age", "50", "--goal", "retirement", "--answers", MODERATE)
    saved = tmp_path / "recommendation.json"
    saved.write_text(json.dumps(rec))
    code, out, err = run(capsys, "rebalance", "--holdings", '{"us_equity": 100000}', "--targets",
                         str(saved))
    assert code == 0, err
    plan = json.loads(out)
    assert plan["rebalanced"]
    assert plan["weights_after"] == pytest.approx(
        {name: rec["weights"].get(name, 0.0) for name in plan["weights_after"]}, abs=1e-6
    )


@pytest.mark.parametrize(
    ("argv", "expected"),
    [(["recommend", "--age", "150", "--goal", "retirement", "--answers", MODERATE],
      ["age", "18 to 100", "150"]),
     (["recommend", "--age", "30", "--goal", "retirement", "--horizon", "75", "--answers", MODERATE],
      ["horizon_years", "0 to 60"]),
     (["recommend", "--age", "30", "--goal", "retirement", "--initial", "-1", "--answers", MODERATE],
      ["initial_amount", "0 to 100 billion"]),
     (["recommend", "--age", "30", "--goal", "lottery", "--answers", MODERATE], ["goal", "retirement"]),
     (["recommend", "--age", "30", "--goal", "retirement", "--answers", "max_loss=loss_20"],
      ["missing answers to risk questions", "loss_reaction"]),
     (["recommend", "--age", "30", "--goal", "retirement", "--answers", MODERATE + ",max_loss=all"],
      ["'all' is not an option of question 'max_loss'", "loss_5"]),
     (["recommend", "--age", "thirty", "--goal", "retirement"], ["--age", "invalid int value"]),
     (["recommend", "--age", "30", "--goal", "retirement", "--answers", MODERATE, "--paths", "5"],
      ["paths", "at least 1000"]),
     (["recommend", "--age", "30", "--goal", "retirement", "--answers", MODERATE,
       "--assumptions", "/nonexistent.yml"], ["cannot read assumptions file"]),
     (["rebalance", "--holdings", '{"gold": 5}', "--targets", '{"us_equity": 1}'],
      ["unknown asset class 'gold'"]),
     (["rebalance", "--holdings", '{"us_equity": 5}', "--targets", '{"us_equity": 0.5}'],
      ["targets must sum to 1"]),
     (["rebalance", "--holdings", "{not json", "--targets", '{"us_equity": 1}'],
      ["--holdings", "not valid JSON"])],
)
def test_bad_input_exits_2_with_one_line_naming_the_problem(capsys, argv, expected):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    for word in expected:
        assert word in err


def test_help_documents_every_option(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["recommend", "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for option in ["--age", "--goal", "--horizon", "--retirement-age", "--initial", "--monthly",
                   "--target", "--answers", "--income-stability", "--liquidity", "--outlook",
                   "--assumptions", "--seed", "--paths", "--language"]:
        assert option in text
    for question_id in questionnaire().ids:
        assert "--" + question_id.replace("_", "-") in text


def test_lifecycle_subcommand_is_registered_from_its_module(capsys, monkeypatch):
    def register(subparsers):
        parser = subparsers.add_parser("lifecycle", help="client lifecycle")
        parser.add_argument("--stage")
        parser.set_defaults(func=lambda args: print(f"stage={args.stage}") or 0)

    module = types.ModuleType("engine.lifecycle.cli")
    module.register = register
    monkeypatch.setitem(sys.modules, "engine.lifecycle.cli", module)
    code, out, _ = run(capsys, "lifecycle", "--stage", "growth")
    assert code == 0 and out.strip() == "stage=growth"


def test_the_module_runs_as_a_program_without_tracebacks():
    ok = subprocess.run(
        [sys.executable, "-m", "engine", "recommend", "--age", "30", "--goal", "retirement",
         "--answers", MODERATE, "--paths", "1000"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["groups"]["equity"] > 0.55
    bad = subprocess.run(
        [sys.executable, "-m", "engine", "recommend", "--age", "12", "--goal", "retirement",
         "--answers", MODERATE],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and "age" in bad.stderr

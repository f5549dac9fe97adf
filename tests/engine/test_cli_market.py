"""The command line's market: ``python -m engine recommend --market cn``, the ``MARKET`` setting
when the option is not given, and the situation items of the suitability class."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.engine_cli import run

from engine.assumptions import CN_FILE
from engine.questionnaire import middle_answers

ROOT = Path(__file__).resolve().parents[2]
MODERATE = ",".join(f"{question}={option}" for question, option in middle_answers().items())
BASE = ["recommend", "--age", "50", "--goal", "wealth_building", "--answers", MODERATE,
        "--paths", "1000"]


@pytest.fixture(autouse=True)
def no_market_setting(monkeypatch):
    monkeypatch.delenv("MARKET", raising=False)


def test_market_cn_recommends_in_yuan_with_the_suitability_record(capsys):
    code, out, err = run(capsys, *BASE, "--market", "cn", "--investable-assets", "600000",
                         "--household-income", "350000", "--knowledge", "good")
    assert code == 0, err
    rec = json.loads(out)
    assert (rec["market"], rec["currency"]) == ("cn", "CNY")
    assert set(rec["weights"]) <= {"cn_a_shares", "hk_equity", "global_equity_qdii",
                                   "cn_government_bonds", "cn_credit_bonds", "cn_money_market",
                                   "gold_cny", "c_reits"}
    record = rec["suitability"]
    assert record["points"] == {"risk_score": record["points"]["risk_score"],
                                "investable_assets": 6, "household_income": 6,
                                "investment_knowledge": 7}
    assert record["investor_class"] in {"C1", "C2", "C3", "C4", "C5"}
    assert int(record["portfolio_grade"][1]) <= int(record["investor_class"][1])
    assert record["matched"] is True and record["lowest_category"] is False
    assert [r["code"] for r in record["reasons"]][0] == "class"
    assert rec["history"] is None and rec["history_unavailable"]
    assert rec["profile"]["investment_knowledge"] == "good"


def test_the_market_setting_chooses_when_the_option_is_not_given(capsys, monkeypatch):
    monkeypatch.setenv("MARKET", "cn")
    code, out, err = run(capsys, *BASE)
    assert code == 0, err
    assert json.loads(out)["suitability"]["investor_class"] == "C3"
    code, out, err = run(capsys, *BASE, "--market", "us")  # the option wins
    assert code == 0, err
    assert "suitability" not in json.loads(out)


def test_without_option_or_setting_the_default_market_is_used(capsys):
    code, out, err = run(capsys, *BASE)
    assert code == 0, err
    rec = json.loads(out)
    assert "us_equity" in rec["weights"]
    assert not {"market", "suitability", "history_unavailable"} & set(rec)
    assert not {"investable_assets", "household_income", "investment_knowledge"} & set(
        rec["profile"])


@pytest.mark.parametrize(("argv", "env", "message"), [
    (["--market", "uk"], None, "argument --market: invalid choice: 'uk'"),
    ([], "uk", "the MARKET setting is 'uk'; valid markets: us, cn"),
    (["--knowledge", "some"], None, "argument --knowledge: invalid choice: 'some'"),
    (["--investable-assets", "-5"], None,
     "investable_assets: Input should be greater than or equal to 0"),
    (["--household-income", "2e11"], None, "household_income: Input should be less than or equal"),
    (["--market", "cn", "--assumptions", str(CN_FILE.with_name("capital_market_assumptions.yml"))],
     None, "is for the market 'us', not 'cn'"),
    (["--assumptions", str(CN_FILE)], None, "is for the market 'cn', not 'us'"),
])
def test_bad_market_input_ends_with_status_2_and_names_the_problem(capsys, monkeypatch, argv, env,
                                                                   message):
    if env is not None:
        monkeypatch.setenv("MARKET", env)
    code, out, err = run(capsys, *BASE, *argv)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_python_dash_m_engine_recommends_in_the_china_market():
    result = subprocess.run(
        [sys.executable, "-m", "engine", *BASE, "--market", "cn", "--language", "zh"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    rec = json.loads(result.stdout)
    assert rec["suitability"]["reasons"][0]["text"].startswith("您的风险承受能力为C3（稳健型）")


def test_rebalance_takes_the_china_classes_and_a_china_recommendation_as_targets(capsys, tmp_path):
    code, out, err = run(capsys, *BASE, "--market", "cn")
    assert code == 0, err
    path = tmp_path / "rec.json"
    path.write_text(out, encoding="utf-8")
    holdings = json.dumps({"cn_a_shares": 60_000, "cn_money_market": 40_000})
    code, out, err = run(capsys, "rebalance", "--market", "cn", "--holdings", holdings,
                         "--targets", str(path))
    assert code == 0, err
    plan = json.loads(out)
    targets = json.loads(path.read_text(encoding="utf-8"))["weights"]
    assert plan["rebalanced"] and plan["weights_after"] == {
        name: pytest.approx(targets.get(name, 0.0)) for name in plan["weights_after"]}
    code, out, err = run(capsys, "rebalance", "--holdings", holdings, "--targets", str(path))
    assert code == 2 and "cn_a_shares" in err

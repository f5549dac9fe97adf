"""Calibration of the equity share: answers x years to the goal, as a Markdown table.

    .venv/bin/python -m bench.calibration

Rows: the most cautious answers (the first option of every risk question), the middle answers
(``engine.questionnaire.middle_answers``) and the boldest answers (the last option of every
question), and the boldest answers save a 10 % limit on a one-year fall, each for a saver retiring at 65 (years to retirement = 65 - age) and for a sum needed
all at once at the horizon (wealth building, age 30). Stable income, small cash needs, no market
view, the bundled capital market assumptions. Each cell is the equity share, the risk score in
brackets, and a mark for the limit that held the share down when one did. The README sets the table
beside Schwab's model profiles and Vanguard's target-date glide path.
"""

from __future__ import annotations

from engine import InvestorProfile, recommend
from engine.questionnaire import middle_answers, questionnaire

YEARS = (1, 3, 10, 25, 40)
RETIREMENT_AGE = 65
LUMP_SUM_AGE = 30
#: Marks for the limits that held equity down (engine.policy, engine.loss_limit).
MARKS = {"horizon_cap": "h", "goal_cap": "g", "loss_limit": "L", "loss_limit_unreachable": "L!"}


def answer_sets() -> dict[str, dict[str, str]]:
    form = questionnaire()
    return {
        "most cautious": {q.id: q.options[0].id for q in form.questions},
        "middle": middle_answers(),
        "boldest": {q.id: q.options[-1].id for q in form.questions},
        "boldest, but a 10 % fall at most": {q.id: q.options[-1].id for q in form.questions}
        | {"max_loss": "loss_10"},
    }


def profile(answers: dict[str, str], goal: str, years: int) -> InvestorProfile:
    if goal == "retirement":
        return InvestorProfile(age=RETIREMENT_AGE - years, goal=goal, risk_answers=answers)
    return InvestorProfile(age=LUMP_SUM_AGE, goal=goal, horizon_years=years, risk_answers=answers)


def cell(answers: dict[str, str], goal: str, years: int) -> str:
    rec = recommend(profile(answers, goal, years), paths=1_000)
    marks = "".join(MARKS[code] for code in rec.policy.binding)
    return f"{100 * rec.groups['equity']:.0f} % ({rec.risk.score:.1f}){' ' + marks if marks else ''}"


def table() -> str:
    """The calibration table in Markdown."""
    lines = ["| answers | goal | " + " | ".join(f"{y} y" for y in YEARS) + " |",
             "|---|---|" + "---|" * len(YEARS)]
    goals = {"retirement": "retirement at 65", "wealth_building": "lump sum (age 30)"}
    for name, answers in answer_sets().items():
        for goal, label in goals.items():
            cells = [cell(answers, goal, years) for years in YEARS]
            lines.append(f"| {name} | {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())

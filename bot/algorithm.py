"""The algorithm statement (算法说明): how the recommendations are made, for anyone to read.

The page states the model's principle, its main parameters, the capital market assumptions of the
deployment's market (``MARKET``) with their sources and dates, the model's limits, and that people
review the recommendations and can stop them. Every figure is read from where the engine reads it
(the assumptions file, the engine's constants, the suitability rules), not copied, so the page
cannot drift from what runs; the switch's position is read from the database.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from bot import i18n
from bot.auth.dependencies import CurrentSession
from bot.dependencies import DB, AppSettings
from bot.pages import Client, asset_class_names, render
from db.automation import recommendations_suspended
from engine.assumptions import load_assumptions
from engine.projection import DEFAULT_PATHS
from engine.questionnaire import questionnaire
from engine.recommendation import ENGINE_VERSION, FALLBACK_OBJECTIVE, OBJECTIVE, WEIGHT_STEP
from engine.suitability.rules import suitability_rules

router = APIRouter(tags=["website"], include_in_schema=False)


def assumption_rows(market: str, language: str) -> list[dict]:
    """One row per asset class of ``market``: its name in ``language``, group, expected return,
    volatility and source (title, publisher, date, address)."""
    cma = load_assumptions(market=market)
    names = asset_class_names(language, market)
    rows = []
    for key, row in cma.classes.iterrows():
        source = cma.sources.get(row["source"], {})
        rows.append({"key": key, "name": names.get(str(key), row["name"]), "group": row["group"],
                     "expected_return": float(row["expected_return"]),
                     "volatility": float(row["volatility"]), "source_key": row["source"],
                     "source": source})
    return rows


@router.get("/algorithm", response_class=HTMLResponse)
def algorithm_statement(request: Request, session: CurrentSession, client: Client, db: DB,
                        settings: AppSettings) -> HTMLResponse:
    market = settings.market
    cma = load_assumptions(market=market)
    used = {row["source_key"] for row in assumption_rows(market, "en")}
    return render(request, "algorithm.html", {
        "session": session, "client": client, "market": market,
        "assumptions": cma, "rows": assumption_rows(market, i18n.request_language(request)),
        "sources": {key: value for key, value in cma.sources.items() if key in used},
        "objective": OBJECTIVE, "fallback_objective": FALLBACK_OBJECTIVE,
        "paths": DEFAULT_PATHS, "weight_step": WEIGHT_STEP, "engine_version": ENGINE_VERSION,
        "questionnaire_version": questionnaire().version,
        "suitability_version": suitability_rules().version if market == "cn" else None,
        "suspended": recommendations_suspended(db)})

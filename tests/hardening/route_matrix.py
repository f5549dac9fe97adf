"""Every route of the web app, the request that probes it and who may use it.

A route added to the app without an entry in :data:`MATRIX` fails the authorization test, so
nobody can add a page or an endpoint without deciding who may use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from visitors import ROLES

from engine.questionnaire import middle_answers

SIGNIN = "redirect to /staff/signin"
PROFILE = {"age": 40, "goal": "retirement", "horizon_years": 25, "initial_amount": 10000,
           "risk_answers": middle_answers()}
REBALANCE = {"holdings": {"us_equity": 6000, "cash": 4000},
             "targets": {"us_equity": 0.5, "cash": 0.5}}


@dataclass(frozen=True)
class Probe:
    """One request to a route; ``form`` gets the visitor's CSRF token added."""

    method: str
    path: str
    json: dict | None = None
    form: dict | None = field(default=None)


def everyone(status: int | str) -> dict[str, int | str]:
    return dict.fromkeys(ROLES, status)


def staff_only(refused: int | str, allowed: int = 200) -> dict[str, int | str]:
    return {"anonymous": refused, "client": refused, "other_client": refused,
            "reviewer": allowed, "admin": allowed}


def admin_only(allowed: int = 200) -> dict[str, int | str]:
    """Staff pages for admins: sign-in first for non-staff, 403 for a reviewer."""
    return {**staff_only(SIGNIN, allowed), "reviewer": 403}


CONVERSATION = "{conversation}"  # replaced by a conversation that exists
CLIENT_ID = "{client_id}"  # replaced by the first demo client's id
PROBED_STAFF = "matrix-probe"  # a staff account the admin's probe creates, then changes

#: (method, route path) -> (the request that probes it, the status each visitor gets).
#: Rasa is down in these tests, so a chat message is answered 503 (kept for staff) for everyone.
#: The staff-account routes act on an account the admin's probe creates first (dict order is
#: probe order), so the demo accounts the other probes sign in with are left as they are.
MATRIX: dict[tuple[str, str], tuple[Probe, dict[str, int | str]]] = {
    ("GET", "/"): (Probe("GET", "/"), everyone(200)),
    ("GET", "/signin"): (Probe("GET", "/signin"), everyone(200)),
    ("GET", "/algorithm"): (Probe("GET", "/algorithm"), everyone(200)),
    ("POST", "/signin"): (
        Probe("POST", "/signin", form={"username": "client1", "password": "wrong"}), everyone(401)),
    ("POST", "/signout"): (Probe("POST", "/signout", form={}), everyone(303)),
    ("GET", "/language/{code}"): (Probe("GET", "/language/zh?next=/"), everyone(303)),
    ("GET", "/docs"): (Probe("GET", "/docs"), everyone(200)),
    ("GET", "/docs/oauth2-redirect"): (Probe("GET", "/docs/oauth2-redirect"), everyone(200)),
    ("GET", "/redoc"): (Probe("GET", "/redoc"), everyone(200)),
    ("GET", "/openapi.json"): (Probe("GET", "/openapi.json"), everyone(200)),
    ("MOUNT", "/static"): (Probe("GET", "/static/widget.js"), everyone(200)),
    ("MOUNT", "/api-docs-assets"): (Probe("GET", "/api-docs-assets/swagger-ui.css"), everyone(200)),
    ("GET", "/api/v1/questions"): (Probe("GET", "/api/v1/questions"), everyone(200)),
    ("POST", "/api/v1/allocation"): (
        Probe("POST", "/api/v1/allocation", json=PROFILE), everyone(200)),
    ("POST", "/api/v1/rebalance"): (
        Probe("POST", "/api/v1/rebalance", json=REBALANCE), everyone(200)),
    ("GET", "/api/v1/clients/{client_id}/lifecycle"): (
        Probe("GET", f"/api/v1/clients/{CLIENT_ID}/lifecycle"), staff_only(401)),
    ("POST", "/api/chat"): (Probe("POST", "/api/chat", json={"text": "hello"}), everyone(503)),
    ("POST", "/api/chat/restart"): (Probe("POST", "/api/chat/restart", json={}), everyone(200)),
    # The session's own conversation so far: every visitor has one (empty at first).
    ("GET", "/api/chat/history"): (Probe("GET", "/api/chat/history"), everyone(200)),
    ("GET", "/staff/signin"): (Probe("GET", "/staff/signin"), everyone(200)),
    ("POST", "/staff/signin"): (
        Probe("POST", "/staff/signin", form={"username": "reviewer", "password": "wrong"}),
        everyone(401)),
    # Signing out ends any session and leads to the staff sign-in page.
    ("POST", "/staff/signout"): (Probe("POST", "/staff/signout", form={}), everyone(SIGNIN)),
    ("GET", "/staff"): (Probe("GET", "/staff"), staff_only(SIGNIN)),
    ("GET", "/staff/export.{fmt}"): (Probe("GET", "/staff/export.csv"), staff_only(SIGNIN)),
    ("GET", "/staff/conversations/{conversation_id}"): (
        Probe("GET", f"/staff/conversations/{CONVERSATION}"), staff_only(SIGNIN)),
    ("POST", "/staff/conversations/{conversation_id}/review"): (
        Probe("POST", f"/staff/conversations/{CONVERSATION}/review",
              form={"action": "note", "value": "checked"}), staff_only(SIGNIN, 303)),
    ("GET", "/staff/conversations/{conversation_id}/export.{fmt}"): (
        Probe("GET", f"/staff/conversations/{CONVERSATION}/export.json"), staff_only(SIGNIN)),
    # A suitability record is shown to staff only; the probed conversation has no record 999999.
    ("GET", "/staff/conversations/{conversation_id}/recommendations/{record_id}.json"): (
        Probe("GET", f"/staff/conversations/{CONVERSATION}/recommendations/999999.json"),
        staff_only(SIGNIN, 404)),
    ("GET", "/staff/handoffs"): (Probe("GET", "/staff/handoffs"), staff_only(SIGNIN)),
    ("GET", "/staff/overview"): (Probe("GET", "/staff/overview"), staff_only(SIGNIN)),
    ("GET", "/staff/overview/{chart}.csv"): (
        Probe("GET", "/staff/overview/funnel.csv"), staff_only(SIGNIN)),
    # Each member of staff saves a filter of their own; nobody has a saved filter 999999.
    ("POST", "/staff/filters"): (
        Probe("POST", "/staff/filters", form={"name": "probe", "query": "fallback=yes"}),
        staff_only(SIGNIN, 303)),
    ("POST", "/staff/filters/{filter_id}/delete"): (
        Probe("POST", "/staff/filters/999999/delete", form={}), staff_only(SIGNIN, 404)),
    # The probed conversation holds no Rasa event (Rasa is down), so staff pass the sign-in and
    # CSRF checks and then find no message to correct.
    ("POST", "/staff/conversations/{conversation_id}/corrections"): (
        Probe("POST", f"/staff/conversations/{CONVERSATION}/corrections",
              form={"event_id": "1", "intent": "greet"}), staff_only(SIGNIN, 404)),
    ("GET", "/staff/corrections"): (Probe("GET", "/staff/corrections"), staff_only(SIGNIN)),
    ("GET", "/staff/corrections/export.yml"): (
        Probe("GET", "/staff/corrections/export.yml"), staff_only(SIGNIN)),
    ("GET", "/staff/users"): (Probe("GET", "/staff/users"), admin_only()),
    ("POST", "/staff/users"): (
        Probe("POST", "/staff/users", form={"username": PROBED_STAFF, "role": "reviewer",
                                            "password": "matrix-probe-passphrase"}),
        admin_only(303)),
    ("POST", "/staff/users/{username}/role"): (
        Probe("POST", f"/staff/users/{PROBED_STAFF}/role", form={"role": "admin"}),
        admin_only(303)),
    ("POST", "/staff/users/{username}/password"): (
        Probe("POST", f"/staff/users/{PROBED_STAFF}/password",
              form={"password": "another-probe-passphrase"}), admin_only(303)),
    ("POST", "/staff/users/{username}/deactivate"): (
        Probe("POST", f"/staff/users/{PROBED_STAFF}/deactivate", form={}), admin_only(303)),
    ("POST", "/staff/users/{username}/reactivate"): (
        Probe("POST", f"/staff/users/{PROBED_STAFF}/reactivate", form={}), admin_only(303)),
    # The probed account is not locked: the admin is told so (422), the others refused as ever.
    ("POST", "/staff/users/{username}/unlock"): (
        Probe("POST", f"/staff/users/{PROBED_STAFF}/unlock", form={}), admin_only(422)),
    # Resuming recommendations that run already changes nothing (bot/console/automation.py).
    ("POST", "/staff/automation"): (
        Probe("POST", "/staff/automation", form={"recommendations": "running"}),
        admin_only(303)),
}
#: Routes that end the visitor's session: probed last, so the others run signed in.
SESSION_ENDING = {("POST", "/signout"), ("POST", "/staff/signout")}


def app_routes(app) -> set[tuple[str, str]]:
    """(method, path) of every route the app serves, HEAD left out; mounts as ("MOUNT", path)."""
    found = set()
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        # Routers are included lazily in recent FastAPI versions: their routes live in contexts.
        for each in contexts() if contexts is not None else [route]:
            methods = getattr(each, "methods", None)
            if methods:
                found |= {(m, each.path) for m in methods if m != "HEAD"}
            else:
                found.add(("MOUNT", each.path))
    return found

"""The app factory, settings and security headers."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from bot.app import create_app
from bot.settings import DEVELOPMENT_SECRET, Settings

STRONG_SECRET = "s" * 48


def test_pages_and_api_carry_a_strict_content_security_policy(make_client):
    client = make_client()
    for response in (client.get("/"), client.get("/api/v1/questions"), client.get("/signin")):
        csp = response.headers["content-security-policy"]
        assert "script-src 'self';" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"


def test_landing_page_has_no_inline_script_or_handler(make_client):
    html = make_client().get("/").text
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the widget's scripts are missing"
    assert all('src="/static/' in tag for tag in scripts)
    assert re.search(r"<script\b[^>]*>(?!\s*</script>)", html) is None  # no script body
    assert re.search(r"\son[a-z]+\s*=", html) is None  # no onclick= and the like


def test_openapi_docs_list_the_endpoints(make_client):
    client = make_client()
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/chat", "/api/chat/restart", "/api/v1/allocation", "/api/v1/questions",
                 "/api/v1/rebalance"):
        assert path in paths


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_api_docs_load_everything_from_this_site(make_client, path):
    client = make_client()
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith(".js") for a in assets)
    for asset in assets:
        assert asset.startswith("/"), f"{path} loads {asset} from elsewhere"
        assert client.get(asset).status_code == 200, asset
    assert re.search(r"<script\b[^>]*>(?!\s*</script>)", html) is None  # no inline script
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "http" not in policy
    assert client.get("/openapi.json").json()["info"]["title"] == "Robo-advisor"


def test_static_widget_assets_are_served(make_client):
    client = make_client()
    for name, kind in (("widget.js", "javascript"), ("charts.js", "javascript"), ("site.css", "css")):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        assert kind in response.headers["content-type"]


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:5999")
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    monkeypatch.setenv("CHAT_RATE_LIMIT", "7")
    settings = Settings()
    assert settings.rasa_url == "http://127.0.0.1:5999"
    assert settings.database_url == "sqlite:////tmp/elsewhere.db"
    assert settings.chat_rate_limit == 7
    assert settings.environment == "development"


def test_production_refuses_the_development_secret(monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings()
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(secret_key=DEVELOPMENT_SECRET)
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(secret_key="short")
    assert Settings(secret_key=STRONG_SECRET).production


def test_production_marks_cookies_secure_and_sends_hsts(database_url):
    app = create_app(Settings(database_url=database_url, environment="production",
                              secret_key=STRONG_SECRET))
    with TestClient(app, base_url="https://testserver") as client:
        response = client.get("/")
    assert "Secure" in response.headers["set-cookie"]
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_production_refuses_to_start_with_demo_passwords(database_url, seeded):
    app = create_app(Settings(database_url=database_url, environment="production",
                              secret_key=STRONG_SECRET))
    with pytest.raises(RuntimeError, match="demo passwords"), TestClient(app):
        pass


def test_an_unprepared_database_is_named_at_start(tmp_path):
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}"))
    with pytest.raises(RuntimeError, match="db.prepare"), TestClient(app):
        pass

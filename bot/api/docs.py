"""The API documentation pages (Swagger UI at /docs, ReDoc at /redoc), served from local files.

FastAPI's own pages load Swagger UI and ReDoc from a CDN and start them with an inline script, which
the Content-Security-Policy blocks and an offline machine cannot reach. Here the bundles come from
the ``fastapi-offline`` package's static files and the start-up code from ``bot/static``, so the
pages work offline under a policy that allows scripts from this origin only.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

#: Where the Swagger UI and ReDoc bundles are served.
ASSETS_URL = "/api-docs-assets"
DOCS_URL, REDOC_URL, OAUTH2_REDIRECT_URL = "/docs", "/redoc", "/docs/oauth2-redirect"


def install(app: FastAPI) -> None:
    """Serve /docs, /redoc and the Swagger UI OAuth2 redirect page from local files."""
    assets = files("fastapi_offline") / "static"
    app.mount(ASSETS_URL, StaticFiles(directory=str(assets)), name="api-docs-assets")

    def page(name: str):
        def show(request: Request) -> HTMLResponse:
            return request.app.state.templates.TemplateResponse(
                request, f"api_docs/{name}.html",
                {"title": app.title, "assets": ASSETS_URL, "openapi_url": app.openapi_url})
        return show

    app.add_api_route(DOCS_URL, page("swagger"), include_in_schema=False,
                      response_class=HTMLResponse)
    app.add_api_route(REDOC_URL, page("redoc"), include_in_schema=False,
                      response_class=HTMLResponse)
    app.add_api_route(OAUTH2_REDIRECT_URL, get_swagger_ui_oauth2_redirect_html,
                      include_in_schema=False, response_class=HTMLResponse)

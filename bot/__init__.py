"""The web app: chat gateway, website widget, client sign-in, staff console and JSON API.

``bot.app:create_app`` builds it; ``bot.app:app`` is the instance uvicorn serves. By concern:

- ``bot.chat``: the chat gateway to Rasa and its rate limit;
- ``bot.auth``: passwords, web sessions, sign-ins and their lockout, the signed-in visitor;
- ``bot.console``: the staff console (conversations, transcripts, review, exports, overview,
  staff accounts);
- ``bot.api``: the engine's JSON API, client data for staff, the API documentation pages;
- at the top: the app factory, settings, error replies, the database session, the shared
  dependencies, security headers and the CSRF check, and the public pages (``bot.pages``).
"""

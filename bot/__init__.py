"""The web app: chat gateway, website widget, client sign-in, staff console and JSON API.

``bot.app:create_app`` builds it; ``bot.app:app`` is the instance uvicorn serves.
"""

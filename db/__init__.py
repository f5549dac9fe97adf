"""The project's database layer, shared by the web app (bot/) and the Rasa actions (actions/).

It lives in its own top-level package because both processes write to it and neither should import
the other; engine/ stays free of any database code.
"""

"""The project's database layer, shared by the web app (bot/) and the Rasa actions (actions/).

Every table and every query lives here, by topic (see ``db.models`` for the list). It lives in its
own top-level package because both processes write to it and neither should import the other.
It imports engine/ only for type annotations (one exception, ``db.lifecycle_store``, is the
lifecycle classifier's database mode), so no business rule runs in a query; engine/ stays free of
any database code.
"""

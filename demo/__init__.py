"""Demo data for development: a synthetic client base with scored lifecycle stages, demo staff and
client accounts with published passwords, and holdings with a target mix to review.

It is a package of its own because it uses every layer (the engine to score and recommend, db to
store, the web app's password hashing), and nothing in the product depends on it.
``python -m demo`` migrates the database (``db.prepare``) and seeds it.
"""

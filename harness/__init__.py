"""The advisor started for tests and benchmarks: its servers on 127.0.0.1, a fresh database, and the
conversations they replay. Not part of the product; it may use every package of it."""

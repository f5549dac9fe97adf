"""Components that plug into Rasa's NLU pipeline (run in the Rasa environment, .venv-rasa)."""

"""Text rules shared by the engine and the NLU pipeline (rasa_components): standard library only."""

"""The chat gateway: the widget's messages relayed to Rasa and back, rate-limited per session."""

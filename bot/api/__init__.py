"""The JSON API: the engine's questions, allocation and rebalancing, client data, its docs pages."""

"""The web app's routes, one module per resource."""

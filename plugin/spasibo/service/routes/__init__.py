"""The service's HTTP routes, one module per resource; ``openapi.py`` holds the declared error answers."""

"""Discord's REST API, one module per resource; `core` routes, records and injects faults."""

"""HTTP for places and people: one module per resource family."""

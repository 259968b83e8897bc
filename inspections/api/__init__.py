"""HTTP for hazards, photos, patrols and metrics (one module per resource)."""

"""HTTP for the volunteer program: a volunteer's own screens and staff tools."""

"""Parcours: the information system of the path from the street to a home."""

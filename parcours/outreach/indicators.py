"""Outreach's indicators for the observatory (registry: parcours.observatory.catalogue), with their
definitions. Counts of people are suppressed below the disclosure threshold by the observatory."""

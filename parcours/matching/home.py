"""Home page panels of the orientation engine."""

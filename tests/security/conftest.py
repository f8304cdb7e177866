# The demo network (`demo_network`) is seeded once for the whole run: see tests/conftest.py.

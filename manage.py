#!/usr/bin/env python
"""Django's command-line utility; `parcours` is the same with hyphenated command names."""

from parcours.__main__ import main

if __name__ == "__main__":
    main(default_settings="config.settings.dev")

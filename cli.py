#!/usr/bin/env python3
"""Run progdb from a checkout: `python cli.py ...` is `progdb ...`."""
from progdb.cli import main

if __name__ == "__main__":
    main()

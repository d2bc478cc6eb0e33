"""Benchmarks run by ``make bench`` (``python -m bench``); each module's ``main()`` returns an exit code."""

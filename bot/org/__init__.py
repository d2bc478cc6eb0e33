"""The organisation file: units, officials, routes and community groups, as YAML (``doithoai org``).

``spec`` holds the data, ``parse`` reads and validates a file, ``export`` writes one, ``codes`` knows which
locality and topic codes exist. The database side is ``storage.repositories.org``.
"""

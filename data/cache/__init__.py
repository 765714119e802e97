"""The issue store and the results cache (issue #4; design in docs/cache.md).

- :mod:`.store`: normalized issues of one JIRA query on disk (Parquet + manifest).
- :mod:`.keys`: store keys, results keys, JQL ``ORDER BY`` splitting.
- :mod:`.files`: the per-key ``flock`` lock (atomic writes: :mod:`configuration.atomic_files`).
- :mod:`.merge`: merging an incremental fetch by issue id; canonical row order.
- :mod:`.sync`: ``sync_issues``: cached, incremental or full.
- :mod:`.results`: computed reports, memory LRU plus optional disk.
- :mod:`.prune`: deleting stores unused for 30 days.
"""

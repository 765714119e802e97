"""Team deployment: state shared through Redis by every process of one installation.

Terms used in this package:

- *team mode*: ``REDIS_URL`` is set. Pages are served by several gunicorn workers and
  fetches run on Celery workers, possibly on other machines; whatever they must agree
  on lives in Redis. With ``REDIS_URL`` unset the app runs as a single process with
  local files: the JIRA budget is then the file-backed bucket of
  :mod:`data.jira.file_bucket`, shared by that machine's processes.
- *shared bucket*: :class:`data.scale.redis_bucket.RedisTokenBucket`, the JIRA request
  budget of all processes together (same interface as the in-process ``TokenBucket``).
- *flight*: one fetch of one issue-store key. :class:`data.scale.single_flight.
  RedisSingleFlight` makes sure only one process runs it at a time; the others wait on
  it, see its progress and then read its result from the shared store.

This package never imports Dash.
"""

"""Team deployment: state shared through Redis by every process of one installation.

Terms used in this package:

- *team mode*: ``REDIS_URL`` is set. Pages are served by several gunicorn workers and
  fetches run on Celery workers, possibly on other machines; whatever they must agree
  on lives in Redis. With ``REDIS_URL`` unset nothing here is used and the app runs as
  a single process with local files.
- *shared bucket*: :class:`data.scale.redis_bucket.RedisTokenBucket`, the JIRA request
  budget of all processes together (same interface as the in-process ``TokenBucket``).
- *flight*: one fetch of one issue-store key. :class:`data.scale.single_flight.
  RedisSingleFlight` makes sure only one process runs it at a time; the others wait on
  it, see its progress and then read its result from the shared store.

This package never imports Dash.
"""

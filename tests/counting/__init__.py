"""A counting subscriber for the worker tests: an app installed only by
``tests.worker_settings`` (the worker processes) and imported by the tests themselves."""

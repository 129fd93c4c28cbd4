"""The group buys' pages: a member's (``member``), a leader's (``leader``) and a supplier's
(``supplier``); their addresses are in ``linli.groupbuys.urls``, their templates in
``jinja2/groupbuys/``."""

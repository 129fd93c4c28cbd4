"""The front door's pages: home, sign-in and the health check. Each app's own pages are in
the app (the group buys' in ``linli.groupbuys.views``)."""

"""What every app's pages share, below the apps that have pages: the ``page`` decorator and the
form helpers (:mod:`.helpers`), and the registry of the front door's tiles and of the links on a
leader's group-buy page (:mod:`.registry`). The frame itself (base template, front door, the
Jinja environment) is ``linli.web``, above every app."""

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand


def _default_workers() -> int:
    return int(os.environ.get("LINLI_WORKERS", (os.cpu_count() or 1) * 2 + 1))


class Command(BaseCommand):
    help = "Serve Linli in production: gunicorn workers, static files served by whitenoise."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("LINLI_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=_default_workers())
        parser.add_argument("--threads", type=int, default=int(os.environ.get("LINLI_THREADS", 4)))
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="Static files are already collected."
        )
        parser.add_argument("--access-log", action="store_true", help="Log every request.")

    def handle(self, *args, **options):
        from gunicorn.app.base import BaseApplication

        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)

        config = {
            "bind": options["bind"],
            "workers": options["workers"],
            "threads": options["threads"],
            "worker_class": "gthread",
            "timeout": 120,
            "graceful_timeout": 10,
            "keepalive": 5,
            "accesslog": "-" if options["access_log"] else None,
            "errorlog": "-",
            "proc_name": "linli",
        }

        class Server(BaseApplication):
            def load_config(self):
                for key, value in config.items():
                    if value is not None:
                        self.cfg.set(key, value)

            def load(self):
                from linli.wsgi import application

                return application

        self.stdout.write(
            f"Linli on http://{options['bind']} "
            f"({options['workers']} workers × {options['threads']} threads)"
        )
        Server().run()

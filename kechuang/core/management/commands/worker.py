"""`kechuang worker`: run the background jobs queued by the app servers (imports, pool
evaluations, documents). Run one or more beside the app servers (docs/deploy.md); each takes
one job at a time from django-tasks' database queue."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Run queued background jobs (django-tasks database queue) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle")
        parser.add_argument("--max-tasks", type=int, default=None, help="exit after this many jobs")
        parser.add_argument(
            "--wait-for-db",
            type=float,
            default=0,
            metavar="SECONDS",
            help="wait up to this long for the database to be migrated (a worker started beside `kechuang demo`)",
        )

    def handle(self, *args, batch, interval, max_tasks, wait_for_db, **options):
        from django_tasks_db.models import DBTaskResult

        table = DBTaskResult._meta.db_table
        deadline = time.monotonic() + wait_for_db
        while table not in connection.introspection.table_names():
            if time.monotonic() >= deadline:
                raise CommandError("the database is not migrated: run `kechuang init` first")
            time.sleep(1)
        extra = {"max_tasks": max_tasks} if max_tasks else {}
        call_command(
            "db_worker",
            batch=batch,
            interval=interval,
            reload=False,
            startup_delay=not batch,
            verbosity=options.get("verbosity", 1),
            stdout=self.stdout,
            stderr=self.stderr,
            **extra,
        )

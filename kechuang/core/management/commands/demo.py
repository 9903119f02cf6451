import random
import secrets

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kechuang.core.audit import record_event
from kechuang.core.models import EventAction, SiteFlag
from kechuang.env import env_str

DEMO_SEED = 2023


def demo_builders():
    """Each domain app's demo.py provides `build(rng, password_hash)` and its `ORDER`; they run in
    that order, in one transaction (enterprises before the accounts that name them)."""
    from importlib import import_module

    modules = []
    for name in settings.KECHUANG_DOMAIN_APPS:
        try:
            modules.append(import_module(f"{name}.demo"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.demo":
                raise
    return [m.build for m in sorted(modules, key=lambda m: m.ORDER)]


class Command(BaseCommand):
    help = "init, then load the deterministic demo data and accounts, then serve on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="load the demo data and exit")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, no_serve, addrport, **options):
        if not settings.KECHUANG_DEMO_ALLOWED:
            raise CommandError("demo data is never created in production mode (KECHUANG_DEBUG is off)")
        call_command("init", stdout=self.stdout)
        password = env_str("KECHUANG_DEMO_PASSWORD") or secrets.token_urlsafe(9)
        password_hash = make_password(password)
        with transaction.atomic():
            if SiteFlag.objects.filter(key=SiteFlag.DEMO_DATA).exists():
                from org.demo import set_password_hash

                set_password_hash(password_hash)
                self.stdout.write("Demo data already loaded; demo passwords reset.")
            else:
                rng = random.Random(DEMO_SEED)
                counts = {}
                for build in demo_builders():
                    counts.update(build(rng, password_hash))
                SiteFlag.objects.create(key=SiteFlag.DEMO_DATA, value="1")
                record_event(EventAction.DEMO_LOADED, actor_name="(demo)", data=counts)
                self.stdout.write("Demo data loaded: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        self.stdout.write("")
        self.stdout.write(
            "Demo logins (演示账号): admin, staff, leader, bijiang … songtao, expert1 … expert9, ent-<uscc>"
        )
        self.stdout.write(f"Demo password (演示密码): {password}")
        if not no_serve:
            self.stdout.write(f"Serving on http://{addrport}/  (Ctrl-C to stop)")
            call_command("runserver", addrport, use_reloader=False)

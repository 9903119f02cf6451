from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from plan.services import BUNDLED_PLAN, PlanFileError, plan_load


class Command(BaseCommand):
    help = "Create or migrate the database and load the units and the bundled 2023 plan (no demo data)."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        try:
            result = plan_load(BUNDLED_PLAN)
        except PlanFileError as exc:
            raise CommandError("\n".join([f"{BUNDLED_PLAN}:"] + exc.errors)) from exc
        state = "loaded" if result.changed else "already up to date"
        self.stdout.write(f"Database ready; plan {result.plan.code} {state}.")

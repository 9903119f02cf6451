from django.core.management.base import BaseCommand, CommandError

from plan.services import PlanFileError, plan_load


class Command(BaseCommand):
    help = "Validate a plan file (YAML) and load it; loading the same file twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            result = plan_load(file)
        except PlanFileError as exc:
            raise CommandError("\n".join([f"{file}: {len(exc.errors)} error(s)"] + exc.errors)) from exc
        c = result.counts
        self.stdout.write(
            f"Plan {result.plan.code} ({result.plan.year}): {c['created']} created, {c['updated']} updated, "
            f"{c['deleted']} deleted, {c['unchanged']} unchanged."
        )

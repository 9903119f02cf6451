from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from org.models import ApiToken, User


class Command(BaseCommand):
    help = "API tokens. `token create USERNAME` prints a new bearer token as the last line."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a token for a user")
        create.add_argument("username")

    def handle(self, *args, action, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {username!r}")
        with transaction.atomic():
            token, raw = ApiToken.issue(user)
            record_event(
                EventAction.TOKEN_CREATED,
                actor=user,
                actor_name="(cli)",
                obj=None,
                message=f"token {token.prefix}… for {username}",
            )
        self.stdout.write(f"Token for {username} (shown once; send it as 'Authorization: Bearer <token>'):")
        self.stdout.write(raw)

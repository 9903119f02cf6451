"""`kechuang user`: accounts from the server's command line (org/operators.py)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from kechuang.core.roles import Role
from org.models import User
from org.operators import (
    AccountError,
    user_disable,
    user_enable,
    user_open,
    user_reset_password,
    user_set_expiry,
)

ACTOR = "(cli)"


def _date(text: str) -> dt.date | None:
    if text == "never":
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"expires: {text!r} is not a date (YYYY-MM-DD, or 'never')") from exc


class Command(BaseCommand):
    help = (
        "Accounts. `user create USERNAME --role ROLE [--unit CODE | --enterprise USCC]` prints the "
        "initial password as the last line (changed at the first sign-in); also expire, disable, "
        "enable, reset-password, list."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="open an account with one role")
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument("--unit", default="", help="district or zone code (district staff)")
        create.add_argument("--enterprise", default="", help="the enterprise's USCC (enterprise users)")
        create.add_argument("--name", default="", help="display name")
        create.add_argument("--expires", default="never", help="last day of the account, YYYY-MM-DD")
        create.add_argument("--superuser", action="store_true")
        expire = sub.add_parser("expire", help="set the account's last day (or 'never')")
        expire.add_argument("username")
        expire.add_argument("--on", required=True, dest="on")
        for name, text in (
            ("disable", "disable the account and end its sessions"),
            ("enable", "enable the account again"),
            ("reset-password", "a new initial password (shown once)"),
        ):
            sub.add_parser(name, help=text).add_argument("username")
        sub.add_parser("list", help="every account: role, unit, active, last day, last sign-in")

    def handle(self, *args, action, **options):
        try:
            if action == "create":
                user, password = user_open(
                    actor_name=ACTOR,
                    username=options["username"],
                    role=options["role"],
                    unit_code=options["unit"],
                    enterprise_uscc=options["enterprise"],
                    display_name=options["name"],
                    expires_on=_date(options["expires"]),
                    superuser=options["superuser"],
                )
                self.stdout.write(f"Account {user.username} opened; initial password (shown once):")
                self.stdout.write(password)
            elif action == "expire":
                user = user_set_expiry(
                    actor_name=ACTOR, username=options["username"], expires_on=_date(options["on"])
                )
                self.stdout.write(f"{user.username}: last day {user.expires_on or 'none'}")
            elif action == "disable":
                sessions = user_disable(actor_name=ACTOR, username=options["username"])
                self.stdout.write(f"{options['username']}: disabled, {sessions} session(s) ended")
            elif action == "enable":
                user_enable(actor_name=ACTOR, username=options["username"])
                self.stdout.write(f"{options['username']}: enabled")
            elif action == "reset-password":
                password = user_reset_password(actor_name=ACTOR, username=options["username"])
                self.stdout.write(f"New initial password for {options['username']} (shown once):")
                self.stdout.write(password)
            else:
                self._list()
        except AccountError as exc:
            raise CommandError(str(exc)) from exc

    def _list(self) -> None:
        users = User.objects.prefetch_related("grants__unit", "grants__enterprise").order_by("username")
        self.stdout.write("username\tname\troles\tactive\tlast day\tlast sign-in")
        for u in users:
            roles = ",".join(
                g.role
                + (f":{g.unit.code}" if g.unit else "")
                + (f":{g.enterprise.uscc}" if g.enterprise else "")
                for g in u.grants.all()
            )
            last = u.last_login.strftime("%Y-%m-%d %H:%M") if u.last_login else "-"
            self.stdout.write(
                f"{u.username}\t{u.display_name}\t{roles}\t{'yes' if u.is_active else 'no'}\t"
                f"{u.expires_on or '-'}\t{last}"
            )

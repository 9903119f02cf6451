"""Login, logout and failed-login events (security.md: authentication is audited)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from kechuang.core.audit import record_event
from kechuang.core.models import EventAction


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    record_event(EventAction.LOGIN, actor=user, request=request)


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event(EventAction.LOGOUT, actor=user, request=request)


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted username is kept (truncated), never the password.
    name = str(credentials.get("username", ""))[:150]
    record_event(EventAction.LOGIN_FAILED, request=request, actor_name=name, data={"username": name})

"""Optional second factor (security.md item 30; 等保 level 3 身份鉴别 d): TOTP with django-otp.

Off unless OTP_REQUIRED (KECHUANG_OTP_REQUIRED=1). When on, a bureau admin or bureau staff
member (or a superuser) who has signed in with a password is verified only after a code from an
authenticator app: the first time they enrol (a QR code rendered on our own page, then one code
to confirm it), afterwards they give a code. Until then every page sends them to that step and the
API answers 403, like the password-change gate. Other roles are not affected. A lost phone is
reset by the bureau admin (`otp_device_reset`, audited), never by the user: re-enrolling on one's
own would let anyone holding the password replace the device.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kechuang.core.audit import record_event
from kechuang.core.middleware import GateMiddleware
from kechuang.core.models import EventAction
from kechuang.core.roles import Role

__all__ = [
    "OTP_ROLES",
    "SecondFactorMiddleware",
    "confirmed_device",
    "needs_second_factor",
    "otp_device_reset",
    "otp_enrol_confirm",
]

# The roles that must give a second factor when it is switched on.
OTP_ROLES = frozenset({Role.ADMIN, Role.STAFF})


def needs_second_factor(user) -> bool:
    """Whether this signed-in user must be OTP-verified (the switch is on and the role is one of
    OTP_ROLES)."""
    if not getattr(settings, "OTP_REQUIRED", False) or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    from kechuang.core.scope import scope_of

    return bool(OTP_ROLES & scope_of(user).roles)


def confirmed_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def pending_device(user):
    """The user's unconfirmed device (made on the first visit to the enrolment page)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def otp_enrol_confirm(*, actor, device, token: str, request=None) -> bool:
    """Confirm a new device with its first code; a wrong code is audited and refused."""
    if device.user_id != actor.pk or device.confirmed:
        raise ValueError("not this user's pending device")
    if not device.verify_token(token):
        record_event(EventAction.OTP_FAILED, actor=actor, request=request, message="enrolment code refused")
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_event(EventAction.OTP_ENROLLED, actor=actor, request=request, message="TOTP device enrolled")
    return True


@transaction.atomic
def otp_device_reset(*, actor, user, request=None, operator: str | None = None) -> int:
    """Remove every second-factor device of `user` (a lost or replaced phone); they enrol again
    at their next sign-in. Only the bureau admin may do it, or an operator at the server's shell
    (`kechuang otp-reset`: actor None, `operator` names them) when the admin's own phone is
    lost. Returns the number removed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kechuang.core.scope import scope_of

    if actor is None and not operator:
        raise PermissionError("a reset names who did it")
    if actor is not None and not scope_of(actor).is_admin:
        raise PermissionError("only the bureau admin resets a second factor")
    count, _detail = TOTPDevice.objects.filter(user=user).delete()
    record_event(
        EventAction.OTP_RESET,
        actor=actor,
        actor_name=operator if actor is None else None,
        request=request,
        obj=user,
        message=f"second factor of {user.get_username()} reset ({count} device(s) removed)",
        data={"user": user.get_username(), "devices": count},
    )
    return count


class SecondFactorMiddleware(GateMiddleware):
    """Holds a password-only session of an OTP role at the enrol / verify step; the API answers
    403 meanwhile. Sign-in and sign-out, the OTP pages and static files stay open."""

    OPEN = ("/accounts/login/", "/accounts/logout/", "/accounts/otp/", *GateMiddleware.OPEN)

    def due(self, user) -> bool:
        return needs_second_factor(user) and not user.is_verified()

    def api_detail(self) -> str:
        return _("Give your second-factor code before using the API.")

    def step_url(self, request, user) -> str:
        target = reverse("otp_verify" if confirmed_device(user) else "otp_enrol")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return target

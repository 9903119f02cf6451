"""Second-factor pages (security.md item 30): enrol (QR code + first code), verify after the
password, and the bureau admin's reset of a user's device. See kechuang/core/otp.py."""

from __future__ import annotations

import base64

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from kechuang.core.audit import record_event
from kechuang.core.models import EventAction
from kechuang.core.otp import (
    confirmed_device,
    needs_second_factor,
    otp_device_reset,
    otp_enrol_confirm,
    pending_device,
)
from kechuang.core.scope import scope_of


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError(_("Enter the 6-digit code shown by your authenticator app."))
        return code


class ResetForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)


def _next(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("home")


WRONG_CODE = gettext_lazy("Wrong code. Check that your phone's clock is right and enter the newest code.")


@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request):
    """First sign-in with the second factor on: show the QR code (inline SVG, made here: no
    request leaves the server) and confirm it with one code. A user who already has a device
    cannot enrol another one (only the admin's reset removes it)."""
    user = request.user
    if not needs_second_factor(user) or user.is_verified():
        return redirect(_next(request))
    if confirmed_device(user) is not None:
        return redirect(reverse("otp_verify") + "?" + urlencode({"next": _next(request)}))
    device = pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp_enrol_confirm(actor=user, device=device, token=form.cleaned_data["code"], request=request):
            otp_login(request, device)
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(_next(request))
        form.add_error("code", WRONG_CODE)
    context = {
        "form": form,
        "qr": segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=False),
        "secret": base64.b32encode(device.bin_key).decode(),
        "next": _next(request),
    }
    return render(request, "registration/otp_enrol.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """After the password: one code from the enrolled device. Wrong codes are audited, and
    django-otp makes each further try wait twice as long as the last."""
    user = request.user
    if not needs_second_factor(user) or user.is_verified():
        return redirect(_next(request))
    device = confirmed_device(user)
    if device is None:
        return redirect(reverse("otp_enrol") + "?" + urlencode({"next": _next(request)}))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _data = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", _("Too many wrong codes. Wait a minute, then try again."))
        elif device.verify_token(form.cleaned_data["code"]):
            otp_login(request, device)
            return redirect(_next(request))
        else:
            record_event(EventAction.OTP_FAILED, request=request, message="sign-in code refused")
            form.add_error("code", WRONG_CODE)
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def otp_reset(request):
    """The bureau admin removes a user's second-factor device (lost or replaced phone); the user
    enrols again at the next sign-in. Anyone else: the page does not exist."""
    if not scope_of(request.user).is_admin:
        raise Http404
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from org.models import User

        target = User.objects.filter(username=form.cleaned_data["username"]).first()
        if target is None:
            form.add_error("username", _("There is no account with this username."))
        else:
            count = otp_device_reset(actor=request.user, user=target, request=request)
            messages.success(
                request,
                _("The second factor of %(user)s was reset (%(count)d device(s) removed).")
                % {"user": target.get_username(), "count": count},
            )
            return redirect("otp_reset")
    return render(request, "registration/otp_reset.html", {"form": form})

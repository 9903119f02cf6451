"""Sign-in refuses an account past its end date at once (security.md item 27), without waiting
for the daily `kechuang accounts-expire` run that disables it: ModelBackend asks
`user_can_authenticate` at sign-in and again on every request (`get_user`), so an open session
of such an account ends on its next request too."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.utils import timezone


class ExpiringModelBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        expires_on = getattr(user, "expires_on", None)
        if expires_on is not None and timezone.localdate() > expires_on:
            return False
        return super().user_can_authenticate(user)

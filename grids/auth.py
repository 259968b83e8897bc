"""Sign in with a username or a mobile phone number."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from grids.models import normalize_phone


class UsernameOrPhoneBackend(ModelBackend):
    """Accepts the username or the phone number in the ``username`` credential."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not username or password is None:
            return None
        user_model = get_user_model()
        user = _user_for_login(username)
        if user is None:
            # Spend the same time as a real check so timing does not reveal who exists.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def _user_for_login(login: str) -> Any:
    match = Q(username=login)
    phone = normalize_phone(login)
    if phone:
        match |= Q(phone=phone)
    return get_user_model()._default_manager.filter(match).order_by("pk").first()


def login_account_key(login: str) -> str:
    """The account a sign-in names, however it is spelt (the password-guess limit's key)."""
    user = _user_for_login(login)
    return f"user:{user.pk}" if user is not None else f"login:{normalize_phone(login).lower()}"

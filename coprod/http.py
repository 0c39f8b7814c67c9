"""Request types for views, so that type checking knows who is signed in; the 422 status;
and the way a button's write reports back."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from coprod.accounts.models import User

# A refused form is shown again with what the person typed and why: 422 Unprocessable Content.
INVALID = 422


class AuthenticatedRequest(HttpRequest):
    """The request of a view behind ``login_required``: its user is a real ``User``."""

    user: User  # type: ignore[assignment]


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user of a request whose permission check already required one."""
    user = request.user
    assert isinstance(user, User), "the permission check lets only signed-in people through"
    return user


def button_action[T](request: HttpRequest, action: Callable[[], T], success: str) -> T | None:
    """Run the write behind a button (a form without fields): its refusal becomes an error
    message, its success ``success``. Returns what it returned, or ``None`` when refused."""
    try:
        result = action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None
    messages.success(request, success)
    return result

"""Request types for views, so that type checking knows who is signed in."""

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

"""Schema fuzzing: schemathesis drives every operation of /api/schema/ as three callers.

For each operation and each caller (administrator, resident, anonymous) hypothesis sends
`FUZZ_EXAMPLES` generated requests (plus the schema's own examples) through the WSGI app
and checks that no answer is a 5xx, that the status code, content type, headers and body
are the ones the schema documents, and that every error is in the one error format. The
test settings raise every rate limit, so no answer is a 429 from the fuzzing itself.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from knox.models import AuthToken
from schemathesis.specs.openapi.checks import ignored_auth

from tests.factories import BuildingFactory, GridFactory, UserFactory, make_staff, make_worker
from tests.inspections.factories import HERE, CategoryFactory

FUZZ_EXAMPLES = int(os.environ.get("SAFEGRID_FUZZ_EXAMPLES", "4"))

schema = schemathesis.from_wsgi("/api/schema/?format=json", get_wsgi_application())

pytestmark = [
    pytest.mark.django_db,
    # schemathesis 3.39 still calls jsonschema APIs that warn on every generated request.
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


def _city() -> dict[str, Any]:
    grid = GridFactory()
    BuildingFactory(community=grid.community, grid=grid, lat=HERE[0], lng=HERE[1])
    CategoryFactory(code="fire-exit")
    make_worker(grid)
    make_staff(grid.community)
    return {"grid": grid}


@pytest.fixture(params=["administrator", "resident", "anonymous"])
def caller(request: pytest.FixtureRequest) -> dict[str, str]:
    _city()
    if request.param == "anonymous":
        return {}
    user = UserFactory(is_superuser=request.param == "administrator", is_staff=True)
    _instance, token = AuthToken.objects.create(user)
    return {"Authorization": f"Token {token}"}


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """Calling the WSGI app fires request signals that would close the test's database
    connection mid-transaction; Django's test client disconnects them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def one_error_format(response: Any, case: schemathesis.Case) -> None:
    """Every 4xx/5xx answer of the API is the shared error body."""
    if response.status_code < 400:
        return
    body = response.json
    assert isinstance(body, dict), f"{response.status_code} without a JSON error body"
    assert isinstance(body.get("code"), str) and isinstance(body.get("message"), str), body
    assert set(body) <= {"code", "message", "fields", "current"}, body


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(
    case: schemathesis.Case, caller: dict[str, str]
) -> None:
    response = case.call_wsgi(headers=caller)
    # `ignored_auth` would resend without our header but with its own generated one;
    # the anonymous caller is what checks that authentication is enforced.
    case.validate_response(
        response, additional_checks=(one_error_format,), excluded_checks=(ignored_auth,)
    )

"""An enterprise named by a tip can be deleted; the tip keeps naming it."""

from __future__ import annotations

from collections.abc import Callable

from inspections.tips.models import Tip
from inspections.tips.services.submission import SubmitResult
from tests.tips.conftest import TipCity


def test_deleting_an_enterprise_keeps_its_name_on_its_tips(
    tip_city: TipCity, submit: Callable[..., SubmitResult]
) -> None:
    tip = submit().tip
    name = tip_city.enterprise.name

    tip_city.enterprise.delete()

    tip = Tip.objects.get(pk=tip.pk)
    assert (tip.enterprise_id, tip.enterprise_name) == (None, name)


def test_a_name_already_on_the_tip_is_not_overwritten(
    tip_city: TipCity, submit: Callable[..., SubmitResult]
) -> None:
    tip = submit().tip
    Tip.objects.filter(pk=tip.pk).update(enterprise_name="宏达化工（东厂区）")

    tip_city.enterprise.delete()

    assert Tip.objects.get(pk=tip.pk).enterprise_name == "宏达化工（东厂区）"

"""The handlers' tip list filters (on rows ``selectors.tip_list`` has already scoped)."""

from __future__ import annotations

import django_filters

from inspections.tips.models import Tip, TipStatus


class TipFilter(django_filters.FilterSet):
    # Repeat it for several (?status=new&status=acknowledged); an unknown status is a 400.
    status = django_filters.MultipleChoiceFilter(choices=TipStatus.choices)

    class Meta:
        model = Tip
        fields = ["status"]

"""The one way to write a list endpoint: rows from a scoping selector, cursor-paginated.

    class GridListApi(ScopedListApi):
        model = Grid
        serializer_class = GridOutputSerializer
        filterset_class = GridFilter          # optional: django-filter on the scoped rows

        def rows(self, user):
            return grid_list(user=user)       # the selector scopes to the user

A list whose rows are not model instances (a ``.values()`` query, for speed) overrides
``body(page)``; one whose selector filters itself sets ``filters_in_selector = True``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.pagination import CursorPagination


class ScopedRowsMixin(generics.GenericAPIView):
    """``get_queryset`` through the view's scoping selector (``rows``)."""

    model: ClassVar[type[Model]]

    def rows(self, user: Any) -> QuerySet[Any]:
        """The selector's rows for ``user``: scoped, with related rows fetched up front."""
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return self.model._default_manager.none()
        return self.rows(self.request.user)


class ScopedListApi(ScopedRowsMixin, generics.ListAPIView):
    """A list endpoint: the selector's rows, filtered, cursor-paginated, serialized."""

    pagination_class = CursorPagination
    filters_in_selector: ClassVar[bool] = False

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # The filter backends still document the filters in the schema.
        return queryset if self.filters_in_selector else super().filter_queryset(queryset)

    def body(self, page: Sequence[Any]) -> Any:
        """The page's rows as the response lists them."""
        return self.get_serializer(page, many=True).data

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
        return self.get_paginated_response(self.body(page))

"""/tip/: the whistleblower's page and its two assets."""

from django.urls import URLPattern, path

from inspections.tips import page

urlpatterns: list[URLPattern] = [
    path("", page.tip_page, name="tip-page"),
    path("tip.js", page.tip_script, name="tip-script"),
    path("tip.css", page.tip_style, name="tip-style"),
]

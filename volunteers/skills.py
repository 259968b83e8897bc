"""The skill hierarchy every city starts with (a migration loads it; staff extend it)."""

from __future__ import annotations

from typing import Any

# (code, Chinese, English, parent code, needs a certificate)
DEFAULT_SKILLS: list[tuple[str, str, str, str | None, bool]] = [
    ("first-aid", "急救", "First aid", None, False),
    ("cpr", "心肺复苏", "CPR", "first-aid", True),
    ("aed", "AED使用", "AED use", "first-aid", True),
    ("firefighting", "消防", "Firefighting", None, False),
    ("fire-extinguisher", "灭火器使用", "Fire extinguisher use", "firefighting", False),
    ("electrical", "电工", "Electrical work", None, True),
    ("rescue", "救援", "Rescue", None, False),
    ("water-rescue", "水上救援", "Water rescue", "rescue", True),
    ("height-rescue", "高空救援", "Rescue at height", "rescue", True),
    ("elderly-care", "养老照护", "Elderly care", None, False),
    ("interpreting", "翻译", "Interpreting", None, False),
    ("sign-language", "手语", "Sign language", "interpreting", False),
]


def load_default_skills(skill_model: Any) -> None:
    """Create the default skills that do not exist yet (by code), parents first."""
    for code, name_zh, name_en, parent, needs in DEFAULT_SKILLS:
        skill_model.objects.get_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "parent": skill_model.objects.filter(code=parent).first() if parent else None,
                "needs_certificate": needs,
            },
        )

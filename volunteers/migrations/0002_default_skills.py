from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from volunteers.skills import load_default_skills

    load_default_skills(apps.get_model("volunteers", "Skill"))


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

from django.db import migrations, models


def drop_unused_tickets(apps, schema_editor):
    # Tickets issued before this migration carry no groups; they live a minute, and a
    # phone whose ticket is refused asks for a new one.
    apps.get_model("realtime", "WsTicket").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("realtime", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_unused_tickets, migrations.RunPython.noop),
        migrations.AddField(
            model_name="wsticket",
            name="groups",
            field=models.JSONField(
                default=list,
                help_text="The realtime groups the socket joins, worked out when it was issued.",
                verbose_name="groups",
            ),
        ),
    ]

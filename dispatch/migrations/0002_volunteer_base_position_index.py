"""An index for ranking volunteers who never reported a position by their base.

The volunteers app indexes on-duty, active volunteers by their last reported position
(``volunteer_on_duty_position``); the ones without one are ranked by their base, and
without this index that second box query reads the whole table (34 ms at 100,000
volunteers). It lives here because only dispatch asks that question. Plain SQL (a partial
index on two columns) that PostgreSQL and SQLite both understand.
"""

from django.db import migrations

INDEX = "dispatch_volunteer_base_position"


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0001_initial"),
        ("volunteers", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON volunteers_volunteerprofile "
                "(base_lat, base_lng) WHERE on_duty AND status = 'active' "
                "AND last_lat IS NULL AND base_lat IS NOT NULL"
            ),
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        )
    ]

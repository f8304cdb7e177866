"""An index on the night alone: the observatory's whole-network month (issue 18)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("emergency", "0003_offline_replay"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="emergencyrequest",
            index=models.Index(fields=["night"], name="emreq_night_idx"),
        ),
    ]

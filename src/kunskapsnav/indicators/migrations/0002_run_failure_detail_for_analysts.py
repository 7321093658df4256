"""Why a run failed moves out of its public message into failure_detail, which only those who
run indicators see; the message of a failed run becomes the general text that anyone may read."""

from django.db import migrations, models

# As runs.FAILURE_MESSAGE when this migration was written.
FAILURE_MESSAGE = "Körningen misslyckades. Analytikerna ser orsaken på körningens sida."


def detail_out_of_message(apps, schema_editor):
    IndicatorRun = apps.get_model("indicators", "IndicatorRun")
    for run in IndicatorRun.objects.filter(status="misslyckad").exclude(message="").exclude(message=FAILURE_MESSAGE):
        run.failure_detail, run.message = run.message, FAILURE_MESSAGE
        run.save(update_fields=["failure_detail", "message"])


def detail_back_into_message(apps, schema_editor):
    IndicatorRun = apps.get_model("indicators", "IndicatorRun")
    for run in IndicatorRun.objects.filter(status="misslyckad").exclude(failure_detail=""):
        run.message = run.failure_detail
        run.save(update_fields=["message"])


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicatorrun",
            name="failure_detail",
            field=models.TextField(blank=True, verbose_name="orsak till felet"),
        ),
        migrations.RunPython(detail_out_of_message, detail_back_into_message),
    ]

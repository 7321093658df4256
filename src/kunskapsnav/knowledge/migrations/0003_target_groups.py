"""The target groups (målgrupper) a knowledge support can be written for."""

from django.db import migrations

TARGET_GROUPS = [
    ("vardpersonal", "Vårdpersonal"),
    ("verksamhetschefer", "Verksamhetschefer"),
    ("beslutsfattare", "Beslutsfattare"),
    ("patienter-och-narstaende", "Patienter och närstående"),
    ("kommunal-vard-och-omsorg", "Kommunal vård och omsorg"),
    ("primarvard", "Primärvård"),
    ("specialiserad-vard", "Specialiserad vård"),
    ("tandvard", "Tandvård"),
]


def add(apps, schema_editor):
    TargetGroup = apps.get_model("knowledge", "TargetGroup")
    for code, name in TARGET_GROUPS:
        TargetGroup.objects.update_or_create(code=code, defaults={"name": name})


def remove(apps, schema_editor):
    apps.get_model("knowledge", "TargetGroup").objects.filter(code__in=[c for c, _ in TARGET_GROUPS]).delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_backends")]

    operations = [migrations.RunPython(add, remove)]

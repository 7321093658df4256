from django.conf import settings


def site(request):
    return {"demo_mode": getattr(settings, "KUNSKAPSNAV_DEMO", False)}

"""Demo register: a few real, public low-value practices, each summarised in a sentence of
our own with a link to its source, linked to the demo's do-not recommendations where the
codes match and to the demo's low-value-care indicator. Created through the write functions
by the demo administrator."""

from django.db import transaction

from kunskapsnav.accounts.models import User
from kunskapsnav.indicators.models import IndicatorDefinition
from kunskapsnav.knowledge.models import CodeSystem

from . import practices, selectors
from .models import LowValuePractice, Source

WISE_CHOICES = "https://www.sls.se/kloka-kliniska-val/"
NATIONAL_GUIDELINES = "https://www.socialstyrelsen.se/kunskapsstod-och-regler/regler-och-riktlinjer/nationella-riktlinjer/"

# (title, source, code system, code, condition, ICD-10-SE, rationale, link, indicator codes)
PRACTICES = [
    ("Bensodiazepiner mot sömnbesvär hos äldre", Source.WISE_CHOICES, CodeSystem.ATC, "N05BA",
     "Sömnbesvär hos äldre", "G47.0",
     "Hos äldre ökar bensodiazepiner risken för fall, förvirring och beroende, medan nyttan för sömnen är liten.",
     WISE_CHOICES, ["LV-BENSO-75"]),
    ("Antibiotika vid okomplicerad akut bronkit", Source.WISE_CHOICES, CodeSystem.ATC, "J01",
     "Akut bronkit", "J20",
     "Akut bronkit går oftast över av sig själv; antibiotika förkortar inte förloppet märkbart men ger "
     "biverkningar och driver resistens.", WISE_CHOICES, []),
    ("Protonpumpshämmare utan plan för utsättning", Source.WISE_CHOICES, CodeSystem.ATC, "A02BC",
     "Dyspepsi och refluxbesvär", "K30",
     "Långvarig behandling som aldrig omprövas ger biverkningar och kostnader utan nytta för många.",
     WISE_CHOICES, []),
    ("Inhalationssteroid som enda underhållsbehandling vid KOL", Source.NATIONAL_GUIDELINES, CodeSystem.ATC,
     "R03BA", "Kroniskt obstruktiv lungsjukdom (KOL)", "J44",
     "Utan luftrörsvidgande läkemedel ger inhalationssteroid ensam liten nytta vid KOL och ökar risken för "
     "lunginflammation.", NATIONAL_GUIDELINES, []),
]


def demo_lowvalue_loaded() -> bool:
    return LowValuePractice.objects.filter(is_synthetic=True).exists()


@transaction.atomic
def demo_lowvalue_load() -> bool:
    if demo_lowvalue_loaded():
        return False
    admin = User.objects.get(username="admin")
    known_indicators = set(IndicatorDefinition.objects.values_list("code", flat=True))
    for title, source, system, code, condition, icd, rationale, link, indicators in PRACTICES:
        practice = practices.practice_create(
            by=admin, title=title, source=source, practice_system=system, practice_code=code, condition=condition,
            condition_code=icd, rationale=rationale, link=link)
        LowValuePractice.objects.filter(pk=practice.pk).update(is_synthetic=True)
        keys = [rec.key for rec in selectors.do_not_candidates(practice)]
        practices.practice_links_set(by=admin, practice=practice, recommendation_keys=keys,
                                     indicator_codes=[c for c in indicators if c in known_indicators])
    return True

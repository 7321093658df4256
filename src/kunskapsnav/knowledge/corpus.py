"""A synthetic corpus of knowledge supports, for demos and for measuring the search.

Realistic-looking, not real: Swedish sentences built from a vocabulary of medical words in
several inflected forms (so that stemming matters), with codes that pass knowledge.codes
(ICD-10-SE, ATC, KVÅ, SNOMED CT). Words are drawn with Zipf-like weights, so some terms are
in most documents and a list of rare ones in a few dozen: the mix a search benchmark needs.

Supports get one to five versions with a plausible history: older versions replaced, the
latest published, and some supports with a draft under way or the latest withdrawn. The
corpus is written with bulk_create in batches, one transaction per batch, and bypasses the
domain functions on purpose: they index and record history one row at a time, which is right
for editors and a hundred times too slow for half a million recommendations. Everything it
writes is marked is_synthetic. The same seed gives the same texts and codes.
"""

import datetime
import random
import time
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kunskapsnav.organisation.models import Body, BodyKind, Level, Region

from . import changes, codes, search
from .content import ROUTINE_TYPES
from .models import (
    Agency,
    CodeSystem,
    Direction,
    KnowledgeSupport,
    Recommendation,
    RecommendationCode,
    Strength,
    SupportCondition,
    SupportType,
    SupportVersion,
    TargetGroup,
    VersionStatus,
)

# --- vocabulary ------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    title: str  # as in a title: "Hjärtsvikt"
    forms: tuple[str, ...]  # in running text, inflected: "hjärtsvikt", "hjärtsvikten"
    icd: tuple[str, ...]  # the ICD-10-SE codes, the category first
    npo: str  # reference key of the NPO that owns such supports
    snomed: str = ""


CONDITIONS = [
    Condition("Hjärtsvikt", ("hjärtsvikt", "hjärtsvikten", "hjärtsvikts"), ("I50", "I50.0", "I50.1", "I50.9"),
              "npo-hjart-och-karlsjukdomar", "84114007"),
    Condition("Förmaksflimmer", ("förmaksflimmer", "förmaksflimret"), ("I48", "I48.0", "I48.9"),
              "npo-hjart-och-karlsjukdomar", "49436004"),
    Condition("Stroke", ("stroke", "stroken", "strokens"), ("I63", "I63.9", "I63.4", "I61"),
              "npo-nervsystemets-sjukdomar", "230690007"),
    Condition("Hypertoni", ("hypertoni", "hypertonin", "högt blodtryck"), ("I10", "I10.9"),
              "npo-hjart-och-karlsjukdomar", "38341003"),
    Condition("Kranskärlssjukdom", ("kranskärlssjukdom", "kranskärlssjukdomen"), ("I25", "I25.1", "I21"),
              "npo-hjart-och-karlsjukdomar", "53741008"),
    Condition("Hjärtinfarkt", ("hjärtinfarkt", "hjärtinfarkten", "hjärtinfarkter"), ("I21", "I21.9"),
              "npo-hjart-och-karlsjukdomar", "22298006"),
    Condition("Typ 2-diabetes", ("diabetes", "diabetesen", "typ 2-diabetes"), ("E11", "E11.9", "E11.5"),
              "npo-endokrina-sjukdomar", "44054006"),
    Condition("Typ 1-diabetes", ("diabetes", "typ 1-diabetes", "diabetesen"), ("E10", "E10.9"),
              "npo-endokrina-sjukdomar", "46635009"),
    Condition("Fetma", ("fetma", "fetman", "obesitas"), ("E66", "E66.9"), "npo-endokrina-sjukdomar", "414916001"),
    Condition("KOL", ("KOL", "kroniskt obstruktiv lungsjukdom"), ("J44", "J44.9", "J44.1"),
              "npo-lung-och-allergisjukdomar", "13645005"),
    Condition("Astma", ("astma", "astman", "astmans"), ("J45", "J45.9"), "npo-lung-och-allergisjukdomar", "195967001"),
    Condition("Lunginflammation", ("lunginflammation", "lunginflammationen", "pneumoni"), ("J18", "J18.9"),
              "npo-infektionssjukdomar", "233604007"),
    Condition("Sepsis", ("sepsis", "sepsisen", "blodförgiftning"), ("A41", "A41.9"), "npo-infektionssjukdomar",
              "91302008"),
    Condition("Urinvägsinfektion", ("urinvägsinfektion", "urinvägsinfektionen", "urinvägsinfektioner"),
              ("N39", "N39.0"), "npo-infektionssjukdomar", "68566005"),
    Condition("Depression", ("depression", "depressionen", "depressioner", "nedstämdhet"),
              ("F32", "F32.1", "F32.9", "F33"), "npo-psykisk-halsa", "35489007"),
    Condition("Ångestsyndrom", ("ångest", "ångesten", "ångestsyndrom"), ("F41", "F41.1", "F41.9"), "npo-psykisk-halsa",
              "197480006"),
    Condition("Schizofreni", ("schizofreni", "schizofrenin", "psykos"), ("F20", "F20.0", "F20.9"), "npo-psykisk-halsa",
              "58214004"),
    Condition("ADHD", ("ADHD", "adhd-symtom"), ("F90", "F90.0"), "npo-psykisk-halsa", "406506008"),
    Condition("Autism", ("autism", "autismen", "autismspektrumtillstånd"), ("F84", "F84.0"), "npo-psykisk-halsa",
              "35919005"),
    Condition("Alkoholberoende", ("alkoholberoende", "alkoholberoendet", "skadligt bruk av alkohol"), ("F10", "F10.2"),
              "npo-psykisk-halsa", "7200002"),
    Condition("Demens", ("demens", "demensen", "demenssjukdom", "kognitiv svikt"), ("F03", "F00", "G30"),
              "npo-aldres-halsa-och-palliativ-vard", "52448006"),
    Condition("Parkinsons sjukdom", ("Parkinsons sjukdom", "parkinsonism"), ("G20", "G20.9"),
              "npo-nervsystemets-sjukdomar", "49049000"),
    Condition("Epilepsi", ("epilepsi", "epilepsin", "epileptiska anfall"), ("G40", "G40.9"),
              "npo-nervsystemets-sjukdomar", "84757009"),
    Condition("Migrän", ("migrän", "migränen", "huvudvärk"), ("G43", "G43.9"), "npo-nervsystemets-sjukdomar",
              "37796009"),
    Condition("Multipel skleros", ("multipel skleros", "MS"), ("G35", "G35.9"), "npo-nervsystemets-sjukdomar",
              "24700007"),
    Condition("Bröstcancer", ("bröstcancer", "bröstcancern", "cancer"), ("C50", "C50.9"), "npo-cancersjukdomar",
              "254837009"),
    Condition("Prostatacancer", ("prostatacancer", "prostatacancern", "cancer"), ("C61", "C61.9"),
              "npo-cancersjukdomar", "399068003"),
    Condition("Lungcancer", ("lungcancer", "lungcancern", "cancer"), ("C34", "C34.9"), "npo-cancersjukdomar",
              "93880001"),
    Condition("Tjock- och ändtarmscancer", ("tjocktarmscancer", "ändtarmscancer", "cancer"), ("C18", "C20"),
              "npo-cancersjukdomar", "363406005"),
    Condition("Malignt melanom", ("melanom", "melanomet", "hudcancer"), ("C43", "C43.9"), "npo-cancersjukdomar",
              "2092003"),
    Condition("Höftfraktur", ("höftfraktur", "höftfrakturen", "höftfrakturer"), ("S72", "S72.0", "S72.1"),
              "npo-rorelseorganens-sjukdomar", "5913000"),
    Condition("Osteoporos", ("osteoporos", "osteoporosen", "benskörhet"), ("M81", "M81.9", "M80"),
              "npo-rorelseorganens-sjukdomar", "64859006"),
    Condition("Artros", ("artros", "artrosen", "knäartros", "höftartros"), ("M17", "M16", "M19"),
              "npo-rorelseorganens-sjukdomar", "396275006"),
    Condition("Reumatoid artrit", ("reumatoid artrit", "ledgångsreumatism"), ("M05", "M06", "M06.9"),
              "npo-reumatiska-sjukdomar", "69896004"),
    Condition("Psoriasis", ("psoriasis", "psoriasisen", "psoriasisartrit"), ("L40", "L40.0"),
              "npo-hud-och-konssjukdomar", "9014002"),
    Condition("Trycksår", ("trycksår", "trycksåret", "trycksåren"), ("L89", "L89.9"),
              "npo-aldres-halsa-och-palliativ-vard", "399912005"),
    Condition("Kronisk njursjukdom", ("njursjukdom", "njursvikt", "njursvikten"), ("N18", "N18.3", "N18.9"),
              "npo-njur-och-urinvagssjukdomar", "709044004"),
    Condition("Inflammatorisk tarmsjukdom", ("Crohns sjukdom", "ulcerös kolit", "tarminflammation"),
              ("K50", "K51", "K51.9"), "npo-mag-och-tarmsjukdomar", "24526004"),
    Condition("Celiaki", ("celiaki", "celiakin", "glutenintolerans"), ("K90", "K90.0"), "npo-mag-och-tarmsjukdomar",
              "396331005"),
    Condition("Graviditetsdiabetes", ("graviditetsdiabetes", "diabetes under graviditet"), ("O24", "O24.4"),
              "npo-kvinnosjukdomar-och-forlossning", "11687002"),
    Condition("Endometrios", ("endometrios", "endometriosen"), ("N80", "N80.9"), "npo-kvinnosjukdomar-och-forlossning",
              "129103003"),
    Condition("Karies", ("karies", "kariesen", "hål i tänderna"), ("K02", "K02.9"), "npo-tandvard", "80967001"),
    Condition("Glaukom", ("glaukom", "glaukomet", "grön starr"), ("H40", "H40.9"), "npo-ogonsjukdomar", "23986001"),
    Condition("Hörselnedsättning", ("hörselnedsättning", "hörselnedsättningen", "nedsatt hörsel"), ("H90", "H91"),
              "npo-oron-nas-och-halssjukdomar", "15188001"),
    Condition("Sömnapné", ("sömnapné", "obstruktiv sömnapné", "snarkning"), ("G47", "G47.3"),
              "npo-lung-och-allergisjukdomar", "78275009"),
    Condition("Långvarig smärta", ("smärta", "smärtan", "långvarig smärta"), ("R52", "R52.2"),
              "npo-rehabilitering-habilitering-och-forsakringsmedicin", "82423001"),
]

# (ATC code, the drug's name in running text)
DRUGS = [
    ("C09AA05", "ramipril"), ("C09AA02", "enalapril"), ("C09CA01", "losartan"), ("C07AB07", "bisoprolol"),
    ("C07AB02", "metoprolol"), ("C03DA04", "eplerenon"), ("C03CA01", "furosemid"), ("C10AA05", "atorvastatin"),
    ("C10AA01", "simvastatin"), ("B01AF02", "apixaban"), ("B01AF01", "rivaroxaban"), ("B01AA03", "warfarin"),
    ("B01AC06", "acetylsalicylsyra"), ("A10BA02", "metformin"), ("A10BK01", "dapagliflozin"),
    ("A10BK03", "empagliflozin"), ("A10BJ02", "liraglutid"), ("A10AE04", "insulin glargin"),
    ("N05AH03", "olanzapin"), ("N05AH04", "kvetiapin"), ("N05AX08", "risperidon"), ("N06AB04", "citalopram"),
    ("N06AB06", "sertralin"), ("N06AX11", "mirtazapin"), ("N03AX09", "lamotrigin"), ("N03AG01", "valproat"),
    ("N04BA02", "levodopa"), ("N06DA02", "donepezil"), ("N02BE01", "paracetamol"), ("N02AA01", "morfin"),
    ("M01AE01", "ibuprofen"), ("M01AB05", "diklofenak"), ("M05BA04", "alendronat"), ("L04AX03", "metotrexat"),
    ("J01CE02", "fenoximetylpenicillin"), ("J01CA04", "amoxicillin"), ("J01MA02", "ciprofloxacin"),
    ("J01XE01", "nitrofurantoin"), ("R03AC02", "salbutamol"), ("R03BA02", "budesonid"), ("R03BB04", "tiotropium"),
    ("H03AA01", "levotyroxin"), ("H02AB06", "prednisolon"), ("L02BB03", "bikalutamid"), ("L02BA01", "tamoxifen"),
    ("N07BB04", "naltrexon"), ("N07BC02", "metadon"), ("N06BA04", "metylfenidat"), ("D05AX02", "kalcipotriol"),
    ("S01EE01", "latanoprost"), ("A12AX", "kalcium och D-vitamin"), ("A06AD11", "laktulos"),
]
# KVÅ (Klassifikation av vårdåtgärder) codes used in Swedish care.
KVA = [
    "FNG05", "DT016", "AF021", "DV112", "DV122", "DV132", "DV142", "DU011", "DU021", "AQ014", "GD002",
    "QX001", "ZV051", "NFB49", "NFJ49", "PAF20", "JFB20", "KEC00", "LCD11", "FPE96", "AD018", "DA024",
]

NOUNS = [  # interventions and things in care, each in its inflected forms (most common first)
    ("behandling", "behandlingen", "behandlingar", "behandlingarna"),
    ("uppföljning", "uppföljningen", "uppföljningar"),
    ("utredning", "utredningen", "utredningar"),
    ("bedömning", "bedömningen", "bedömningar"),
    ("läkemedelsbehandling", "läkemedelsbehandlingen"),
    ("läkemedel", "läkemedlet", "läkemedlen"),
    ("rådgivning", "rådgivningen"),
    ("rehabilitering", "rehabiliteringen"),
    ("kontroll", "kontrollen", "kontroller", "kontrollerna"),
    ("blodtryck", "blodtrycket", "blodtrycksmätning"),
    ("blodprov", "blodprovet", "blodproverna", "provtagning"),
    ("läkemedelsgenomgång", "läkemedelsgenomgången", "läkemedelsgenomgångar"),
    ("vårdplan", "vårdplanen", "vårdplaner"),
    ("egenvård", "egenvården"),
    ("patientutbildning", "patientutbildningen"),
    ("fysisk träning", "träningen", "fysisk aktivitet"),
    ("samtalsbehandling", "samtalsbehandlingen", "psykoterapi"),
    ("kognitiv beteendeterapi", "KBT"),
    ("ekokardiografi", "ekokardiografin"),
    ("EKG", "långtids-EKG"),
    ("spirometri", "spirometrin"),
    ("datortomografi", "datortomografin", "DT"),
    ("magnetkameraundersökning", "magnetkameraundersökningen", "MR"),
    ("ultraljud", "ultraljudet", "ultraljudsundersökning"),
    ("operation", "operationen", "operationer", "kirurgi"),
    ("strålbehandling", "strålbehandlingen"),
    ("cytostatikabehandling", "cytostatika"),
    ("smärtlindring", "smärtlindringen"),
    ("nutritionsbehandling", "nutritionen", "kostråd"),
    ("vaccination", "vaccinationen", "vaccinationer"),
    ("screening", "screeningen"),
    ("riskbedömning", "riskbedömningen", "riskbedömningar"),
    ("funktionsbedömning", "funktionsbedömningen"),
    ("fallprevention", "fallpreventionen", "fallrisk"),
    ("biverkning", "biverkningen", "biverkningar", "biverkningarna"),
    ("symtom", "symtomet", "symtomen"),
    ("remiss", "remissen", "remisser"),
    ("återbesök", "återbesöket", "uppföljningsbesök"),
    ("hembesök", "hembesöket"),
    ("telefonuppföljning", "telefonuppföljningen"),
    ("dosjustering", "dosjusteringen", "upptitrering"),
    ("journalföring", "journalen"),
    ("HbA1c", "HbA1c-värdet"),
    ("kreatinin", "eGFR", "njurfunktionen"),
    ("NT-proBNP", "natriuretisk peptid"),
    ("hjärtrehabilitering", "hjärtrehabiliteringen"),
    ("lungrehabilitering", "lungrehabiliteringen"),
    ("palliativ vård", "den palliativa vården", "brytpunktssamtal"),
    ("arbetsterapi", "hjälpmedel", "hjälpmedlen"),
    ("sjukskrivning", "sjukskrivningen", "arbetsförmåga"),
]
ADJECTIVES = [
    ("misstänkt", "misstänkta"), ("akut", "akuta"), ("kronisk", "kroniska"), ("nydebuterad", "nydebuterade"),
    ("lätt", "lätta"), ("måttlig", "måttliga"), ("svår", "svåra"), ("stabil", "stabila"), ("tidig", "tidiga"),
    ("förhöjd", "förhöjda"), ("nedsatt", "nedsatta"), ("återkommande", "återkommande"),
    ("behandlingskrävande", "behandlingskrävande"), ("okomplicerad", "okomplicerade"),
    ("avancerad", "avancerade"), ("symtomgivande", "symtomgivande"),
]
GROUPS = [
    "personer", "patienter", "vuxna", "äldre personer", "barn", "ungdomar", "kvinnor", "män", "gravida",
    "personer över 65 år", "barn och ungdomar", "personer med flera sjukdomar", "sköra äldre",
    "personer i livets slutskede", "patienter i primärvården",
]
GROUPS_GENITIVE = ["patientens", "personens", "barnets", "den äldres", "individens", "familjens"]
VERBS = [  # (infinitive, passive infinitive, present passive)
    ("erbjuda", "erbjudas", "erbjuds"), ("behandla", "behandlas", "behandlas"), ("utreda", "utredas", "utreds"),
    ("följa upp", "följas upp", "följs upp"), ("bedöma", "bedömas", "bedöms"), ("överväga", "övervägas", "övervägs"),
    ("ordinera", "ordineras", "ordineras"), ("remittera", "remitteras", "remitteras"),
    ("kontrollera", "kontrolleras", "kontrolleras"), ("mäta", "mätas", "mäts"),
    ("dokumentera", "dokumenteras", "dokumenteras"),
    ("informera om", "informeras om", "informeras om"), ("undvika", "undvikas", "undviks"),
    ("avsluta", "avslutas", "avslutas"), ("utvärdera", "utvärderas", "utvärderas"),
]
STAFF = [
    "läkaren", "sjuksköterskan", "fysioterapeuten", "arbetsterapeuten", "dietisten", "kuratorn", "psykologen",
    "apotekaren", "distriktssköterskan", "kontaktsjuksköterskan", "vårdcentralen", "specialistmottagningen",
    "det multiprofessionella teamet", "tandläkaren", "barnmorskan",
]
PLACES = [
    "i primärvården", "på sjukhus", "i hemmet", "på akutmottagningen", "inom kommunal vård och omsorg",
    "vid specialistmottagning", "på vårdcentralen", "inom den specialiserade vården", "på särskilt boende",
    "via digitala vårdtjänster",
]
TIMES = [
    "inom två veckor", "inom fyra veckor", "inom 14 dagar", "inom 24 timmar", "efter tre månader",
    "efter sex månader", "årligen", "vid varje besök", "inom en vecka", "inför utskrivning", "efter utskrivning",
    "vid behov", "minst två gånger per år", "under de första månaderna",
]
HABITS = [
    "rökstopp", "ökad fysisk aktivitet", "bättre matvanor", "minskat alkoholbruk", "viktnedgång", "goda sömnvanor",
]
ASPECTS = [
    "nydebuterad", "utredning", "behandling", "uppföljning", "rehabilitering", "hos barn", "hos äldre",
    "i primärvården", "akut omhändertagande", "läkemedelsbehandling", "palliativ vård", "tidig upptäckt",
    "graviditet", "egenvård", "levnadsvanor",
]
# Words found in very few documents, for the rare-term queries of the benchmark.
RARE = [
    "feokromocytom", "amyloidos", "sarkoidos", "porfyri", "hemokromatos", "akromegali", "myastenia",
    "narkolepsi", "kawasakis", "fabrys", "gauchers", "wilsons", "addisons", "cushings", "takayasus",
    "hereditärt", "angioödem", "mastocytos", "histiocytos", "pemfigus", "sklerodermi", "dermatomyosit",
    "polymyalgi", "vaskulit", "endokardit", "perikardit", "myokardit", "kardiomyopati", "aortadissektion",
    "lungemboli", "pneumothorax", "bronkiektasier", "mesoteliom", "kolangit", "pankreatit", "divertikulit",
    "hydronefros", "nefrotiskt", "glomerulonefrit", "retinopati", "keratokonus", "uveit", "kolesteatom",
    "otoskleros", "tinnitus", "trigeminusneuralgi", "guillain-barré", "encefalit", "hydrocefalus",
    "skolios", "spondylolistes", "osteomyelit", "erysipelas", "borrelia", "tularemi", "legionella",
    "mykoplasma", "tuberkulos", "malaria", "denguefeber",
]
TEMPLATES = [
    "Hälso- och sjukvården bör {verb} {noun} till {group} med {cond}.",
    "Vid {adj} {cond} ska {noun} göras {time}.",
    "{Group} med {cond} bör {verb_passive} {place} {time}.",
    "Behandla {cond} med {drug} och följ upp {noun} {time}.",
    "{Staff} bör {verb} {noun} och dokumentera {noun2} i journalen.",
    "{Noun} {verb_present} {time} med hänsyn till {noun2} och {noun3}.",
    "Hälso- och sjukvården kan erbjuda {noun} vid {adj} {cond} om {noun2} är otillräcklig.",
    "Stöd {group} med {cond} till {habit} och erbjud {noun}.",
    "{Noun} bör anpassas efter {genitive} behov, önskemål och {noun2}.",
    "Vid {adj} {cond} bör {drug} övervägas, med {noun} {time}.",
    "{Group} med {adj} {cond} bör {verb_passive} av {staff} {place}.",
]
DO_NOT_TEMPLATES = [
    "Ge inte {drug} till {group} med {cond}.",
    "Hälso- och sjukvården bör inte erbjuda {noun} vid {adj} {cond}.",
    "Rutinmässig {noun} bör inte göras hos {group} med {cond}.",
]
RESEARCH_TEMPLATES = [
    "Hälso- och sjukvården bör endast erbjuda {noun} vid {cond} inom ramen för forskning och utveckling.",
]
SECTIONS = ["Utredning", "Behandling", "Uppföljning", "Läkemedel", "Rehabilitering", "Levnadsvanor",
            "Omvårdnad", "Samverkan", "Diagnostik", "Prevention"]
SUMMARY_TEMPLATES = [
    "{type} för {group} med {cond}. Stödet beskriver {noun}, {noun2} och {noun3}.",
    "Stödet gäller {group} med {adj} {cond} och ska ge en jämlik {noun} {place}.",
]
CHANGE_NOTES = [
    "Ny rekommendation om {noun}.", "Uppdaterad rekommendation om {drug}.", "Språkliga förtydliganden.",
    "Nytt avsnitt om {noun}.", "Ändrad tidsgräns för {noun}.",
]
TYPE_WEIGHTS = [
    (SupportType.CLINICAL, 30), (SupportType.CARE_PATHWAY, 12), (SupportType.CARE_PROGRAMME, 14),
    (SupportType.CARE_GUIDELINE, 18), (SupportType.NATIONAL_GUIDELINE, 6), (SupportType.DO_NOT_DO, 6),
    (SupportType.REGIONAL_ROUTINE, 9), (SupportType.LOCAL_ROUTINE, 5),
]
TITLE_TEMPLATES = {
    SupportType.CLINICAL: ["Kliniskt kunskapsstöd {cond}", "{Cond} – {aspect}"],
    SupportType.CARE_PATHWAY: ["{Cond} – {aspect}", "Personcentrerat och sammanhållet vårdförlopp {cond}"],
    SupportType.CARE_PROGRAMME: ["Nationellt vårdprogram {cond}", "Vårdprogram {cond} – {aspect}"],
    SupportType.CARE_GUIDELINE: ["Vårdriktlinje {cond} {place}", "Vårdriktlinje: {cond} – {aspect}"],
    SupportType.NATIONAL_GUIDELINE: ["Nationella riktlinjer för vård vid {cond}", "Nationella riktlinjer: {cond}"],
    SupportType.DO_NOT_DO: ["Icke-göra: {noun} vid {cond}", "Ta bort {noun} vid {cond}"],
    SupportType.REGIONAL_ROUTINE: ["Regional rutin {cond} – {aspect}", "Regional rutin: {noun} vid {cond}"],
    SupportType.LOCAL_ROUTINE: ["Lokal rutin {noun} vid {cond}", "Lokal rutin {cond} {place}"],
}
VERSIONS_PER_SUPPORT = [(1, 35), (2, 25), (3, 20), (4, 12), (5, 8)]
LATEST_STATUS = [
    (VersionStatus.PUBLISHED, 72), (VersionStatus.DRAFT, 10), (VersionStatus.REMISS, 5),
    (VersionStatus.APPROVED, 5), (VersionStatus.WITHDRAWN, 8),
]
WORK_IN_PROGRESS = {VersionStatus.DRAFT, VersionStatus.REMISS, VersionStatus.APPROVED}


def _zipf(items, exponent: float = 1.0):
    """(items, cumulative weights) with the first items the most common."""
    total, cumulative = 0.0, []
    for rank in range(len(items)):
        total += 1.0 / (rank + 1) ** exponent
        cumulative.append(total)
    return list(items), cumulative


def _weighted(pairs):
    items = [item for item, _w in pairs]
    total, cumulative = 0, []
    for _item, weight in pairs:
        total += weight
        cumulative.append(total)
    return items, cumulative


def _checked(system: str, values) -> list[str]:
    """The codes, which must pass knowledge.codes in their stored form: a wrong one in the
    lists above is a bug, caught before anything is written."""
    for value in values:
        if codes.normalise(system, value) != value:
            raise ValueError(f"{value} is not in the stored form of {system}")
    return list(values)


# --- text ------------------------------------------------------------------------------


class _Writer:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.nouns = _zipf(NOUNS, 0.8)
        self.adjectives = _zipf(ADJECTIVES, 0.7)
        self.groups = _zipf(GROUPS, 0.9)
        self.verbs = _zipf(VERBS, 0.8)
        self.staff = _zipf(STAFF, 0.8)
        self.places = _zipf(PLACES, 0.8)
        self.times = _zipf(TIMES, 0.8)
        self.drugs = _zipf(DRUGS, 0.6)
        self.templates = _zipf(TEMPLATES, 0.3)

    def pick(self, table):
        items, cumulative = table
        return self.rng.choices(items, cum_weights=cumulative)[0]

    def noun(self) -> str:
        forms = self.pick(self.nouns)
        return forms[0] if len(forms) == 1 or self.rng.random() < 0.5 else self.rng.choice(forms[1:])

    def fill(self, template: str, condition: Condition, *, support_type: str = "") -> tuple[str, str]:
        """(the text, the ATC code of the drug it names or "")."""
        rng = self.rng
        verb = self.pick(self.verbs)
        atc, drug = self.pick(self.drugs) if "{drug}" in template else ("", "")
        cond = condition.forms[0] if rng.random() < 0.6 else rng.choice(condition.forms)
        values = {
            "verb": verb[0], "verb_passive": verb[1], "verb_present": verb[2],
            "noun": self.noun(), "noun2": self.noun(), "noun3": self.noun(),
            "adj": self.pick(self.adjectives)[0 if rng.random() < 0.7 else 1],
            "group": self.pick(self.groups), "genitive": rng.choice(GROUPS_GENITIVE), "cond": cond,
            "staff": self.pick(self.staff), "place": self.pick(self.places), "time": self.pick(self.times),
            "habit": rng.choice(HABITS), "drug": drug, "type": support_type, "aspect": rng.choice(ASPECTS),
        }
        for key in ("group", "staff", "noun", "cond"):
            values[key.capitalize()] = values[key][:1].upper() + values[key][1:]
        return template.format(**values), atc

    def title(self, support_type: str, condition: Condition) -> str:
        rng = self.rng
        name = condition.title if condition.title.split()[0].isupper() else condition.title.lower()
        title = rng.choice(TITLE_TEMPLATES[support_type]).format(
            cond=name, Cond=condition.title, aspect=rng.choice(ASPECTS), place=self.pick(self.places),
            noun=self.noun(),
        )
        return title[:1].upper() + title[1:]

    def recommendation(self, condition: Condition, direction: str) -> tuple[str, set[str]]:
        """(rich text, ATC codes named)."""
        rng = self.rng
        if direction == Direction.DO_NOT:
            templates = [rng.choice(DO_NOT_TEMPLATES)]
        elif direction == Direction.RESEARCH_ONLY:
            templates = [rng.choice(RESEARCH_TEMPLATES)]
        else:
            templates = [self.pick(self.templates) for _ in range(rng.choice((1, 1, 2, 2, 3)))]
        sentences, atcs = [], set()
        for template in templates:
            sentence, atc = self.fill(template, condition)
            sentences.append(sentence)
            if atc:
                atcs.add(atc)
        if rng.random() < 0.004:
            sentences.append(f"Observera särskilt risken för {rng.choice(RARE)}.")
        return f"<p>{' '.join(sentences)}</p>", atcs


# --- the corpus ------------------------------------------------------------------------


@dataclass
class CorpusReport:
    supports: int = 0
    versions: int = 0
    recommendations: int = 0
    codes: int = 0
    seconds: float = 0.0


class _Context:
    """What the corpus is built from in the database: bodies, regions, target groups."""

    def __init__(self):
        self.npos = {b.reference_key: b for b in Body.objects.filter(kind=BodyKind.NPO)}
        if not self.npos:
            raise RuntimeError("Referensdata saknas: kör load_reference_data först.")
        self.national_bodies = list(Body.objects.at_level(Level.NATIONAL).order_by("pk"))
        self.local_bodies = list(Body.objects.at_level(Level.LOCAL).filter(region__isnull=False).order_by("pk"))
        self.regions = list(Region.objects.order_by("pk"))
        self.target_groups = list(TargetGroup.objects.order_by("pk").values_list("pk", flat=True))


def corpus_generate(
    *,
    versions: int,
    recommendations_per_version: int = 10,
    seed: int = 0,
    batch_size: int = 2000,
    progress=None,
) -> CorpusReport:
    """Create exactly `versions` synthetic versions, with `recommendations_per_version`
    recommendations each, and index them for search.

    progress, if given, is called as progress(versions_done, versions_total, seconds).
    """
    started = time.monotonic()
    rng = random.Random(seed)
    writer = _Writer(rng)
    context = _Context()
    report = CorpusReport()
    icd = {c.title: _checked(CodeSystem.ICD10SE, c.icd) for c in CONDITIONS}
    _checked(CodeSystem.ATC, [code for code, _name in DRUGS])
    kva = _checked(CodeSystem.KVA, KVA)
    snomed = {c.title: _checked(CodeSystem.SNOMED, [c.snomed])[0] for c in CONDITIONS if c.snomed}
    version_counts = _weighted(VERSIONS_PER_SUPPORT)
    latest_status = _weighted(LATEST_STATUS)
    # Routines are owned by a region's own bodies; without any, the corpus has none.
    types = _weighted([(t, w) for t, w in TYPE_WEIGHTS if context.local_bodies or t not in ROUTINE_TYPES])
    now = timezone.now()

    plan: list[int] = []  # versions per support, in order
    planned = 0
    while planned < versions:
        plan.append(min(rng.choices(*version_counts)[0], versions - planned))
        planned += plan[-1]

    def supports_in_batches():
        batch: list[int] = []
        count = 0
        for n in plan:
            batch.append(n)
            count += n
            if count >= batch_size:
                yield batch
                batch, count = [], 0
        if batch:
            yield batch

    for batch in supports_in_batches():
        with transaction.atomic():
            _write_batch(batch, rng=rng, writer=writer, context=context, report=report, icd=icd, kva=kva,
                         snomed=snomed, types=types, latest_status=latest_status,
                         recommendations_per_version=recommendations_per_version, now=now)
        if progress:
            progress(report.versions, versions, time.monotonic() - started)
    search.optimise_index()
    report.seconds = time.monotonic() - started
    return report


def _support(rng, writer, context, types) -> tuple[KnowledgeSupport, Condition, list[Condition]]:
    support_type = rng.choices(*types)[0]
    condition = rng.choice(CONDITIONS)
    conditions = [condition] + ([rng.choice(CONDITIONS)] if rng.random() < 0.25 else [])
    support = KnowledgeSupport(type=support_type, title=writer.title(support_type, condition), is_synthetic=True,
                               issuer_agency="")
    if support_type in ROUTINE_TYPES:
        owner = rng.choice(context.local_bodies)
        support.owning_body = owner
        support.issuer_region_id = owner.region_id
        return support, condition, conditions
    support.owning_body = context.npos.get(condition.npo) or rng.choice(list(context.npos.values()))
    if support_type == SupportType.NATIONAL_GUIDELINE:
        support.issuer_agency = Agency.SOCIALSTYRELSEN
    else:
        roll = rng.random()
        if roll < 0.7:
            support.issuer_body = support.owning_body if rng.random() < 0.8 else rng.choice(context.national_bodies)
        elif roll < 0.85:
            support.issuer_agency = rng.choice([Agency.SBU, Agency.TLV, Agency.LAKEMEDELSVERKET,
                                                Agency.FOLKHALSOMYNDIGHETEN])
        else:
            support.issuer_region = rng.choice(context.regions)
    return support, condition, conditions


def _statuses(n: int, rng, latest_status) -> list[str]:
    """Statuses of versions 1..n of one support: at most one published."""
    latest = rng.choices(*latest_status)[0]
    statuses = [VersionStatus.SUPERSEDED] * n
    statuses[-1] = latest
    if latest in WORK_IN_PROGRESS and n >= 2:
        statuses[-2] = VersionStatus.PUBLISHED
    return statuses


def _write_batch(plan, *, rng, writer, context, report, icd, kva, snomed, types, latest_status,
                 recommendations_per_version, now):
    supports, extras = [], []
    for _n in plan:
        support, condition, conditions = _support(rng, writer, context, types)
        supports.append(support)
        extras.append((condition, conditions))
    KnowledgeSupport.objects.bulk_create(supports)
    report.supports += len(supports)

    condition_rows, group_rows = [], []
    through = KnowledgeSupport.target_groups.through
    for support, (_condition, conditions) in zip(supports, extras):
        codes_here = sorted({rng.choice(icd[c.title]) for c in conditions})
        condition_rows += [SupportCondition(support=support, code=c) for c in codes_here]
        for group in rng.sample(context.target_groups, rng.choice((1, 1, 2, 3))):
            group_rows.append(through(knowledgesupport_id=support.pk, targetgroup_id=group))
    SupportCondition.objects.bulk_create(condition_rows)
    through.objects.bulk_create(group_rows)

    type_labels = {value: str(label) for value, label in SupportType.choices}
    version_objects, version_texts = [], []
    for support, n, (condition, conditions) in zip(supports, plan, extras):
        statuses = _statuses(n, rng, latest_status)
        texts = None
        published = now - datetime.timedelta(days=rng.randint(30 * n, 365 * (n + 1)))
        for number, status in enumerate(statuses, start=1):
            texts = _version_texts(texts, rng=rng, writer=writer, condition=condition, conditions=conditions,
                                   icd=icd, kva=kva, snomed=snomed, count=recommendations_per_version)
            summary, _atc = writer.fill(rng.choice(SUMMARY_TEMPLATES), condition,
                                        support_type=type_labels[support.type])
            note = writer.fill(rng.choice(CHANGE_NOTES), condition)[0] if number > 1 else ""
            public = status in (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN)
            approved = public or status == VersionStatus.APPROVED
            published += datetime.timedelta(days=rng.randint(90, 500))
            version_objects.append(SupportVersion(
                support=support, number=number, status=status, summary=f"<p>{summary}</p>", change_note=note,
                review_date=(published + datetime.timedelta(days=730)).date() if approved else None,
                approved_at=published - datetime.timedelta(days=14) if approved else None,
                published_at=published if public else None,
            ))
            version_texts.append(texts)
    SupportVersion.objects.bulk_create(version_objects)
    report.versions += len(version_objects)
    # Written in bulk past the lifecycle, so the feed entries are too.
    changes.public_versions_loaded(version_objects)

    rec_objects, rec_codes = [], []
    for version, texts in zip(version_objects, version_texts):
        for position, (key, section, text, direction, grade, code_list) in enumerate(texts, start=1):
            priority, strength = grade
            rec_objects.append(Recommendation(
                version_id=version.pk, key=key, position=position, section=section, text=text,
                priority=priority, strength=strength, direction=direction,
            ))
            rec_codes.append(code_list)
    Recommendation.objects.bulk_create(rec_objects, batch_size=5000)
    report.recommendations += len(rec_objects)
    code_objects = [
        RecommendationCode(recommendation_id=rec.pk, system=system, code=code)
        for rec, code_list in zip(rec_objects, rec_codes)
        for system, code in code_list
    ]
    RecommendationCode.objects.bulk_create(code_objects, batch_size=5000)
    report.codes += len(code_objects)
    search.index_versions_bulk([v.pk for v in version_objects])


def _version_texts(previous, *, rng, writer, condition, conditions, icd, kva, snomed, count):
    """The recommendations of a version: the first is written afresh; a later one keeps most of
    the previous version's recommendations (same identity) and rewrites a few."""
    texts = []
    for index in range(count):
        if previous and index < len(previous) and rng.random() < 0.75:
            texts.append(previous[index])
            continue
        if previous and index < len(previous):
            key = previous[index][0]
        else:
            key = uuid.UUID(int=rng.getrandbits(128), version=4)
        roll = rng.random()
        direction = Direction.DO_NOT if roll < 0.08 else Direction.RESEARCH_ONLY if roll < 0.1 else Direction.DO
        about = condition if rng.random() < 0.8 else rng.choice(conditions)
        text, atcs = writer.recommendation(about, direction)
        code_list = [(CodeSystem.ATC, a) for a in sorted(atcs)]
        if rng.random() < 0.5:
            code_list.append((CodeSystem.ICD10SE, rng.choice(icd[about.title])))
        if rng.random() < 0.15:
            code_list.append((CodeSystem.KVA, rng.choice(kva)))
        if rng.random() < 0.05 and about.title in snomed:
            code_list.append((CodeSystem.SNOMED, snomed[about.title]))
        grade = (rng.randint(1, 10), "") if rng.random() < 0.6 else (None, rng.choice([Strength.STRONG, Strength.WEAK]))
        texts.append((key, rng.choice(SECTIONS), text, direction, grade, list(dict.fromkeys(code_list))))
    return texts

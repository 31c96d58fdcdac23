"""Word lists for the Norwegian (bokmål) stemmer: protected words, irregular forms, roots.

Kept apart from the rules in `norwegian.py` so the lists can grow without hiding the logic.
Every list is lowercase bokmål; æ, ø and å are letters of their own, never folded.
"""

from __future__ import annotations

# Function words, auxiliaries, pronouns and frequent adverbs. They are indexed as they are,
# and no other word may be stemmed into one of them (so "mener" can never become "men",
# "fører" never "før", "sommer" never "som").
PROTECTED = frozenset("""
og i jeg det at en et ett den de dem denne dette disse til er var vært være har hadde hatt
ha som på med han hun hen ham henne av ikke ikkje der her hit dit så men meg deg seg oss
dere deres for før fôr etter fra om ved mot over under uten innen gjennom mellom blant hos
langs siden inntil rundt også bare mer mest mye mange flere flest litt lite liten lita lille
små noe noen ingen ingenting intet alt alle all hver hvert hvers hverandre annen annet
andre egen eget egne min mitt mine din ditt dine sin sitt sine vår vårt våre hans hennes
dens dets man du vi jo vel nok da nå når hvis enn enda ennå kanskje liksom altså ja nei
jaja joda jada nja hva hvem hvor hvordan hvorfor hvilken hvilket hvilke sånn sånt sånne
slik slikt slike samme selv sjøl helt hele veldig ganske nesten igjen sammen alltid aldri
ofte lenge først sist siste første neste nest fordi mens både enten eller heller verken
hverken skal skulle kan kunne vil ville må måtte bør burde blir ble blitt bli ut inn opp
ned fram frem bort borte tilbake videre etterpå deretter dessuten forresten likevel
uansett dermed derfor derfra herfra kun nettopp akkurat faktisk egentlig visst tross
foran bak bakom per via utenfor innenfor ovenfor nedenfor ifølge ok okei
henholdsvis ettersom såpass således dessverre heldigvis sannsynligvis selvfølgelig
én ét to tre fire fem seks sju syv åtte ni ti elleve tolv tjue tretti førti femti seksti
sytti åtti nitti hundre tusen femte sjette sjuende syvende åttende niende tiende ellevte
tolvte
""".split())

# Irregular and otherwise unreachable forms: "stem: form form ...". The stem is used as it
# is (it may be shorter than three letters, and it is not checked against PROTECTED).
_IRREGULAR = """
få: får fikk fått fås
gå: går gikk gått gås
stå: står sto stod stått
forstå: forstår forsto forstod forstått forstås
se: ser sett ses sees
si: sier sa sagt sies
ta: tar tok tatt tas
gi: gir ga gav gitt gis
dra: drar dro dratt
bo: bor bodde bodd
tro: tror trodde trodd tros troen troens
gjøre: gjøre gjør gjorde gjort gjøres
vite: vet visste vite
hjelp: hjalp hjulpet
finn: fant funnet
sitte: sitte sitter satt sittet
sette: sette setter satte settes
ligg: lå
legg: lagt
skriv: skrev skrevet
velg: valgte
fortell: fortalte fortalt
selg: solgte solgt
spør: spør spørre spurte spurt spørres spørs
kjenn: kjente kjent kjentes
begynn: begynte begynt
skjønn: skjønte skjønt
kall: kalte kalt
spill: spilte spilt
fyll: fylte fylt
still: stilte stilt
mene: mene mener mente ment menes
føre: føre fører førte ført føres
møt: møtte møtt møttes
tør: turte turt
nevn: nevnte nevnt
bety: betyr betydde betydd
snu: snur snudde snudd
sy: syr sydde sydd
skru: skrur skrudde skrudd
synes: synes syntes synts
skje: skjer skjedde skjedd
vinn: vunnet
drikk: drakk drukket
treff: traff truffet
slipp: slapp sluppet
forsvinn: forsvant forsvunnet
følg: fulgte fulgt
vis: viste vist
reis: reiste reist
les: leste lest
spis: spiste spist
lås: låste låst
knus: knuste knust
hils: hilste hilst
blås: blåste blåst
løs: løste løst
plei: pleide pleid
grei: greide greid
slit: slet slitt
treng: trengs
øk: øke øker økte økes
kø: køen køer køene
leie: leie leier leide leid leien leia leies
levere: levere leverer leverte levert leveres
trygg: trygt
tøff: tøft
grei: greit
stygg: stygt
grønn: grønt
tynn: tynt
sann: sant
sunn: sunt
tykk: tykt
fin: fint
svak: svakt
rik: rikt
lik: likt
stor: stort
god: godt
ny: nye nytt nyere nyest nyeste
fri: frie fritt
blå: blåe blått
grå: gråe grått
rå: råe rått
åpen: åpen åpent åpne åpnere
voksen: voksen voksent voksne
sliten: sliten slitent slitne
sulten: sulten sultent sultne
moden: moden modent modne
far: far fars faren farens fedre fedrene
fare: fare farer farene
mor: mor mors moren mora morens mødre mødrene
bror: bror brors broren brødre brødrene
datter: datter datteren datterens dattera døtre døtrene
søst: søstre søstrene
mann: mann mannen menn mennene
dame: dame dama damen damer damene dames damens
bok: boka boken bøker bøkene
hånd: hånda hånden hendene
fot: foten føtter føttene
natt: netter nettene
by: byen byer byene byens
år: året årene års årets
uke: uke uka uken uker ukene ukas ukens
øye: øyet øyne øynene
tå: tær tærne
kne: kneet knær knærne
le: ler lo
dø: døde dødd
""".strip()

IRREGULAR: dict[str, str] = {
    form: stem
    for line in _IRREGULAR.splitlines()
    for stem, forms in [line.split(":", 1)]
    for form in forms.split()
}

# Irregular forms long enough to be recognised at the end of a compound
# ("ukjente" -> "ukjenn", "kjempestort" -> "kjempestor", "halvsøstre" -> "halvsøst").
_NOT_HEADS = frozenset("far fare mor sette uke natt".split())  # erfaren, humoren, ansatte
COMPOUND_HEADS = frozenset(
    f for f, stem in IRREGULAR.items() if len(f) >= 5 and stem not in _NOT_HEADS)

# Words whose final -t belongs to the root, not to an inflection (respekt, kontakt,
# pasient, angst, sport ...): -t and -te are never stripped after these endings.
T_ROOT_ENDINGS = (
    "ekt", "akt", "plikt", "sikt", "dikt", "frukt", "lukt", "dukt", "unkt", "ept", "ent",
    "ant", "ont", "unt", "ynt", "ønt", "ort", "ekspert", "konsert", "dessert", "hjert",
    "start", "smart", "fart", "felt", "salt", "telt", "belt", "stolt", "st", "ft", "at",
    "it", "ot", "ut", "åt", "øt",
)
# Letters after which a final -t (godt, hørt, følt, ringt, glemt, brukt, kjøpt, høyt) or
# -te (hørte, følte, ringte, glemte, brukte, kjøpte, sendte) is an inflection.
T_AFTER = frozenset("rldgmkpv")

# Lemmas ending in -ens that are not genitives (konsekvens, not "konsekv" + -ens).
ENS_ROOT_ENDINGS = (
    "kvens", "tendens", "ligens", "istens", "lisens", "ferens", "idens",
)

# Lemmas ending in -est that are not superlatives.
EST_ROOT_ENDINGS = ("tjeneste", "kjæreste", "protest", "manifest", "attest", "arrest")

# Nouns whose stem would otherwise lose part of the root: -en (verden, morgen, orden) or
# -a (tema, skjema, koma). Their inflected forms (temaet, verdens) keep the whole root.
ROOTS = frozenset("""
verden morgen eksamen kjøkken vesen laken orden våpen
tema skjema firma klima drama koma komma trauma astma dilemma data sofa pizza villa
kamera saga pappa mamma opera agenda aroma pasta karma
""".split())

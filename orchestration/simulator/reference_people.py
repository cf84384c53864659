"""Embedded lists for people: countries, cities, streets, names, email domains (no Faker needed).

Names keep their accents (Müller, François, Søren) because real CRM exports do, and because email
addresses derived from them then need transliteration, as they do in real life. Lists are written as
``|``-separated strings to keep them compact.
"""

from __future__ import annotations

from dataclasses import dataclass


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


@dataclass(frozen=True)
class Country:
    code: str
    weight: float
    timezone: str
    language: str
    phone_code: str
    mobile_prefixes: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]  # (city, postcode prefix)
    postcode_style: str
    email_domains: tuple[str, ...]


def _country(code, weight, timezone, language, phone_code, prefixes, cities, style, domains) -> Country:
    """``cities`` as "City=postcode prefix|...", other lists "|"-separated."""
    pairs = tuple(tuple(pair.split("=")) for pair in _split(cities))
    return Country(
        code, weight, timezone, language, phone_code, _split(prefixes), pairs, style, _split(domains)
    )


# fmt: off
COUNTRIES: tuple[Country, ...] = (
    _country("DE", 0.42, "Europe/Berlin", "de", "49", "151|152|157|160|170|171|176|179",
             "Berlin=10|Hamburg=20|München=80|Köln=50|Frankfurt am Main=60|Stuttgart=70|Düsseldorf=40|"
             "Leipzig=04|Dresden=01|Nürnberg=90|Hannover=30|Bremen=28|Freiburg im Breisgau=79|Münster=48"
             , "digits5", "gmx.de|web.de|t-online.de|gmail.com|outlook.de|posteo.de"),
    _country("AT", 0.09, "Europe/Vienna", "de", "43", "650|660|664|676|699",
             "Wien=1|Graz=8|Linz=4|Salzburg=5|Innsbruck=6"
             , "digits4", "gmx.at|aon.at|gmail.com|chello.at"),
    _country("CH", 0.07, "Europe/Zurich", "de", "41", "76|77|78|79",
             "Zürich=8|Basel=4|Bern=3|Luzern=6|St. Gallen=9"
             , "digits4", "bluewin.ch|gmx.ch|gmail.com|sunrise.ch"),
    _country("NL", 0.11, "Europe/Amsterdam", "nl", "31", "6",
             "Amsterdam=10|Rotterdam=30|Utrecht=35|Den Haag=25|Eindhoven=56|Groningen=97"
             , "nl", "ziggo.nl|kpnmail.nl|gmail.com|hotmail.nl|outlook.com"),
    _country("FR", 0.11, "Europe/Paris", "fr", "33", "6|7",
             "Paris=75|Lyon=69|Marseille=13|Toulouse=31|Lille=59|Nantes=44|Strasbourg=67|Bordeaux=33"
             , "digits5", "orange.fr|free.fr|laposte.net|gmail.com|sfr.fr"),
    _country("GB", 0.1, "Europe/London", "en", "44", "7",
             "London=SW|Manchester=M|Birmingham=B|Leeds=LS|Bristol=BS|Edinburgh=EH|Glasgow=G"
             , "gb", "btinternet.com|hotmail.co.uk|gmail.com|outlook.com|yahoo.co.uk"),
    _country("BE", 0.04, "Europe/Brussels", "nl", "32", "47|48|49",
             "Brussel=1|Antwerpen=2|Gent=9|Leuven=3"
             , "digits4", "telenet.be|skynet.be|gmail.com|hotmail.com"),
    _country("DK", 0.03, "Europe/Copenhagen", "da", "45", "2|3|4|5",
             "København=1|Aarhus=8|Odense=5"
             , "digits4", "gmail.com|mail.dk|hotmail.com"),
    _country("US", 0.03, "America/New_York", "en", "1", "212|347|646|917",
             "New York=100|Boston=021|Philadelphia=191"
             , "digits5", "gmail.com|yahoo.com|icloud.com|outlook.com"),
)

FIRST_NAMES = {
    "de": _split(
        "Anna|Lena|Marie|Sophie|Laura|Julia|Katharina|Sabine|Petra|Jana|Ursula|Jürgen|Lukas|Maximilian|"
        "Felix|Jonas|Leon|Michael|Thomas|Andreas|Stefan|Matthias|Tobias|Sebastian|Günther|Björn|Jörg|"
        "Hannah|Charlotte|Moritz"
    ),
    "nl": _split(
        "Daan|Sem|Lucas|Bram|Jeroen|Pieter|Sander|Thijs|Joost|Ruud|Emma|Julia|Sanne|Femke|Lotte|Anouk|"
        "Eva|Marieke|Sophie|Lieke|Noor|Wouter|Maarten|Floor"
    ),
    "fr": _split(
        "Camille|Léa|Chloé|Manon|Inès|Élodie|Céline|Hélène|Amélie|Zoé|Louis|Hugo|Gabriel|Théo|Jules|"
        "Nicolas|François|Mathieu|Julien|Antoine|Jérôme|Sébastien|Margaux|Noé"
    ),
    "en": _split(
        "Oliver|George|Harry|Jack|James|William|Thomas|Daniel|Samuel|Ethan|Olivia|Amelia|Isla|Emily|"
        "Sophie|Grace|Charlotte|Jessica|Hannah|Chloe|Megan|Lucy|Ryan|Liam"
    ),
    "da": _split(
        "Søren|Mads|Rasmus|Mikkel|Frederik|Jens|Anders|Ida|Freja|Mette|Sofie|Astrid|Line|Maja"
    ),
}

LAST_NAMES = {
    "de": _split(
        "Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schulz|Hoffmann|Schäfer|Koch|Bauer|"
        "Richter|Klein|Wolf|Schröder|Neumann|Schwarz|Zimmermann|Braun|Krüger|Hofmann|Hartmann|Lange|"
        "Schmitt|Werner|Krause|Meier|Lehmann|Huber|Gruber|Keller|Weiß|Groß|Jäger"
    ),
    "nl": _split(
        "de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|de Boer|Mulder|"
        "de Groot|Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|Maes|Willems|Claes|Wouters"
    ),
    "fr": _split(
        "Martin|Bernard|Dubois|Thomas|Robert|Richard|Petit|Durand|Leroy|Moreau|Simon|Laurent|Lefèvre|"
        "Michel|Garcia|David|Bertrand|Roux|Fournier|Girard|Bonnet|Dupont|Lambert|Fontaine"
    ),
    "en": _split(
        "Smith|Jones|Taylor|Brown|Williams|Wilson|Johnson|Davies|Robinson|Wright|Thompson|Evans|Walker|"
        "White|Roberts|Green|Hall|Wood|Jackson|Clarke|O'Brien|Murphy|Hughes|Edwards"
    ),
    "da": _split(
        "Jensen|Nielsen|Hansen|Pedersen|Andersen|Christensen|Larsen|Sørensen|Rasmussen|Jørgensen|Madsen|"
        "Kristensen"
    ),
}

STREETS = {
    "de": _split(
        "Hauptstraße|Bahnhofstraße|Gartenstraße|Schulstraße|Lindenallee|Bergweg|Kirchgasse|Dorfstraße|"
        "Am Markt|Goethestraße|Schillerstraße|Mozartgasse|Rosenweg|Waldstraße|Ringstraße|Friedhofstraße|"
        "Birkenweg|Lessingstraße"
    ),
    "nl": _split(
        "Kerkstraat|Dorpsstraat|Stationsweg|Molenweg|Schoolstraat|Julianalaan|Beatrixlaan|Prinsengracht|"
        "Keizersgracht|Lindenlaan|Marktplein|Nieuwstraat"
    ),
    "fr": _split(
        "Rue de la Paix|Rue Victor Hugo|Avenue Jean Jaurès|Rue de la République|Boulevard Voltaire|"
        "Rue Pasteur|Place de l'Église|Rue des Écoles|Allée des Tilleuls|Rue du Moulin|Avenue Foch|"
        "Rue Nationale"
    ),
    "en": _split(
        "High Street|Station Road|Church Lane|Victoria Road|Green Lane|Park Avenue|Manor Road|Mill Lane|"
        "Queen Street|King's Road|Main Street|Elm Street"
    ),
    "da": _split(
        "Østergade|Vestergade|Nørregade|Søndergade|Strandvejen|Kongensgade|Møllevej"
    ),
}
# fmt: on

# Languages that write the house number before the street name.
NUMBER_FIRST_LANGUAGES = ("fr", "en")

# fmt: off
# Abbreviations a second contact of the same person may use for the same street.
STREET_ABBREVIATIONS = (
    ("straße", "str."), ("Straße", "Str."), ("straat", "str."), ("Avenue", "Av."), ("Road", "Rd"),
    ("Street", "St"), ("Rue", "R."), ("Lane", "Ln"),
)

# Letters email addresses cannot hold, and what people type instead.
TRANSLITERATION = str.maketrans({
    "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "é": "e", "è": "e",
    "ê": "e", "ë": "e", "É": "E", "à": "a", "â": "a", "ç": "c", "î": "i", "ï": "i", "ô": "o", "û": "u",
    "ø": "o", "Ø": "O", "å": "a", "æ": "ae", "'": "", " ": "",
})
# fmt: on

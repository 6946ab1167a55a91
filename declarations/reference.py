"""Reference tables: ISO 3166-1 alpha-2 countries, ISO 4217 currencies, ISO 6346 container numbers."""

import re

from django_countries.data import COUNTRIES as ISO_3166_COUNTRIES

# ISO 3166-1 alpha-2 (officially assigned codes), as django-countries keeps them.
COUNTRIES = frozenset(ISO_3166_COUNTRIES)

# ISO 4217 active currency codes.
CURRENCIES = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF
CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG
HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA
MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD
RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX
USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
""".split())

TRADE_TERMS = frozenset("EXW FCA CPT CIP DAP DPU DDP FAS FOB CFR CIF".split())

_CONTAINER_RE = re.compile(r"^[A-Z]{3}[UJZ]\d{7}$")


def _letter_values():
    values, n = {}, 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if n % 11 == 0:
            n += 1
        values[letter] = n
        n += 1
    return values


_LETTERS = _letter_values()


def container_check_digit(first_ten: str) -> int:
    """ISO 6346 check digit of owner code + category + serial (10 characters)."""
    total = 0
    for i, ch in enumerate(first_ten):
        value = _LETTERS[ch] if ch.isalpha() else int(ch)
        total += value * (2 ** i)
    return total % 11 % 10


def is_valid_container(number: str) -> bool:
    number = (number or "").strip().upper()
    if not _CONTAINER_RE.match(number):
        return False
    return container_check_digit(number[:10]) == int(number[10])

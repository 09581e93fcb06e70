"""Korean syllables split into letters (jamo) and joined back, by Unicode's Hangul arithmetic.

A syllable U+AC00 + (lead·21 + vowel)·28 + tail splits into conjoining jamo:
lead U+1100 + lead, vowel U+1161 + vowel, and, when tail > 0, tail U+11A7 + tail.
Joining reads a lead followed by a vowel (and a tail, if one follows) back into
the syllable. Every other character passes through unchanged, so any text
without conjoining jamo of its own makes the round trip exactly.
"""

from __future__ import annotations

SYLLABLE_FIRST, SYLLABLE_LAST = 0xAC00, 0xD7A3
LEAD, VOWEL, TAIL = 0x1100, 0x1161, 0x11A7
VOWELS, TAILS = 21, 28


def split_syllable(ch: str) -> str:
    code = ord(ch) - SYLLABLE_FIRST
    if not 0 <= code <= SYLLABLE_LAST - SYLLABLE_FIRST:
        return ch
    lead, rest = divmod(code, VOWELS * TAILS)
    vowel, tail = divmod(rest, TAILS)
    return chr(LEAD + lead) + chr(VOWEL + vowel) + (chr(TAIL + tail) if tail else "")


def split(text: str) -> str:
    return "".join(split_syllable(ch) for ch in text)


def join(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        lead = ord(text[i]) - LEAD
        vowel = ord(text[i + 1]) - VOWEL if i + 1 < len(text) else -1
        if 0 <= lead < 19 and 0 <= vowel < VOWELS:
            tail = ord(text[i + 2]) - TAIL if i + 2 < len(text) else 0
            tail = tail if 0 < tail < TAILS else 0
            out.append(chr(SYLLABLE_FIRST + (lead * VOWELS + vowel) * TAILS + tail))
            i += 3 if tail else 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


# Hangul Compatibility Jamo, which fonts draw on their own (conjoining jamo are drawn to join others).
_LEADS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_TAILS = "ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"


def display_letter(ch: str) -> str:
    """A conjoining jamo as a label can show it alone: a lead as "ㄴ-", a vowel as "ㅏ", a tail as "-ㄴ"
    (초성, 중성, 종성); any other character as it is."""
    code = ord(ch) if len(ch) == 1 else -1
    if 0 <= code - LEAD < len(_LEADS):
        return _LEADS[code - LEAD] + "-"
    if 0 <= code - VOWEL < len(_VOWELS):
        return _VOWELS[code - VOWEL]
    if 1 <= code - TAIL < TAILS:
        return "-" + _TAILS[code - TAIL - 1]
    return ch

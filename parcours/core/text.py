"""Text normalisation for search: case and accents ignored, as the people who type names expect."""

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")
# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans({"ı": "i", "ł": "l", "đ": "d", "ø": "o", "ð": "d", "þ": "th", "ħ": "h"})


def fold(text: str) -> str:
    """'Benoît LEFÈVRE-Dupré' → 'benoit lefevre dupre'."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower().translate(_UNDECOMPOSED))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    ascii_text = ascii_text.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return _NON_WORD.sub(" ", ascii_text).strip()

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


_VOWELS = "aeiouyàâäéèêëîïôöùûü"
# Words whose h is silent ("d'Hôtel-Dieu"); otherwise an h is aspirated ("de Hautepierre").
_MUTE_H = ("hôtel", "hotel", "hôpital", "hopital", "habitat", "habitation", "herblay", "hérouville")


def de(name: str) -> str:
    """« de » before a name, elided and contracted as French wants it: « d'Aubervilliers »,
    « d'Épinay-sur-Seine », « du Blanc-Mesnil », « des Lilas », « de Bobigny », « de La Courneuve »."""
    name = (name or "").strip()
    if not name:
        return ""
    lower = name.lower()
    if lower.startswith("le "):
        return f"du {name[3:]}"
    if lower.startswith("les "):
        return f"des {name[4:]}"
    if lower[0] in _VOWELS or lower.startswith(_MUTE_H):
        return f"d'{name}"
    return f"de {name}"

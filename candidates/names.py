"""How a candidate's name is cut into search tokens, and the blind index each token is kept as
(docs/architecture.md, "Encryption at rest").

The name is encrypted, so HR's name search cannot compare it: it looks up the HMACs of the
searched tokens among those of every candidate's name (`CandidateNameToken`), and finds the
candidates who have every one. A token is a whole word, so a search matches whole words, never
part of one. Names in scripts written without spaces (Chinese, Japanese, Korean: 李娜, 王小明)
are indexed by each character and each pair of neighbouring characters, so a given name (娜,
小明) or the whole name finds them too.

Both sides are normalised alike: NFKC (a full-width WANG is WANG), case folded (Straße is
STRASSE), and cut at spaces, punctuation and symbols (Jean-Luc O'Brien: jean, luc, o, brien).
"""

import unicodedata

from hrsuite import crypto

NAME_TOKEN_PURPOSE = "candidate.full_name.token"  # noqa: S105 - names the index, not a secret
# A search of more tokens is refused: each is one more join of the token table.
SEARCHED_TOKENS_AT_MOST = 10

# Scripts written without spaces between words: Han (with its iteration mark and ideographic
# zero), Japanese kana, Hangul.
_UNSPACED = (
    (0x3005, 0x3007),
    (0x3040, 0x30FF),
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0x20000, 0x323AF),
)


def _unspaced(character: str) -> bool:
    point = ord(character)
    return any(low <= point <= high for low, high in _UNSPACED)


def normalised(text: str) -> str:
    """`text` as both sides compare it: NFKC, case folded (and NFKC again, which folding may undo)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _runs(text: str) -> list[tuple[str, bool]]:
    """The words of `text`, normalised, each with whether it is written without spaces (a run of
    Chinese characters). Spaces, punctuation, symbols and control characters end a word, and so
    does a change between a spaced and an unspaced script (李娜Lina: 李娜, lina)."""
    runs: list[tuple[str, bool]] = []
    word: list[str] = []
    word_unspaced = False
    for character in normalised(text):
        kind = unicodedata.category(character)[0]
        if kind in "ZPSC":
            if word:
                runs.append(("".join(word), word_unspaced))
            word = []
            continue
        # A combining mark belongs to the letter before it, whatever its script.
        unspaced = word_unspaced if kind == "M" and word else _unspaced(character)
        if word and unspaced != word_unspaced:
            runs.append(("".join(word), word_unspaced))
            word = []
        word.append(character)
        word_unspaced = unspaced
    if word:
        runs.append(("".join(word), word_unspaced))
    return runs


def _pairs(run: str) -> set[str]:
    return {run[i : i + 2] for i in range(len(run) - 1)}


def name_tokens(name: str) -> set[str]:
    """The tokens a name is found by: each word; of a word written without spaces, each character
    and each pair of neighbouring characters."""
    tokens: set[str] = set()
    for run, unspaced in _runs(name):
        if unspaced:
            tokens.update(run)
            tokens.update(_pairs(run))
        else:
            tokens.add(run)
    return tokens


def searched_tokens(query: str) -> set[str]:
    """The tokens a name must all have to match `query`: each word; of a word written without
    spaces, one character alone, or else each pair of neighbouring characters (小明 finds 王小明,
    王明 does not)."""
    tokens: set[str] = set()
    for run, unspaced in _runs(query):
        if unspaced and len(run) > 1:
            tokens.update(_pairs(run))
        else:
            tokens.add(run)
    return tokens


def token_index(token: str) -> str:
    """The blind index a token is kept and looked up as: never the token itself."""
    return crypto.blind_index(token, purpose=NAME_TOKEN_PURPOSE)

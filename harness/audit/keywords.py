"""TF-IDF keywords of the judge's explanations of wrong answers, as the source article computed them.

scikit-learn's :class:`~sklearn.feature_extraction.text.TfidfVectorizer` with English stop words removed and
the 50 most frequent terms kept; each term's weight is its TF-IDF score summed over the explanations, and the
top 30 are reported (ties in alphabetical order, as a stable sort of scikit-learn's sorted vocabulary gives).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MAX_FEATURES", "TOP", "Keyword", "top_keywords"]

MAX_FEATURES = 50
"""Vocabulary size, as in the article."""
TOP = 30
"""Keywords reported, as in the article."""


@dataclass(frozen=True, slots=True)
class Keyword:
    """One term and its summed TF-IDF weight."""

    term: str
    """The term."""
    score: float
    """Sum of its TF-IDF scores over the explanations."""


def top_keywords(
    texts: Sequence[str | None], *, top: int = TOP, max_features: int = MAX_FEATURES
) -> list[Keyword]:
    """The ``top`` terms of ``texts`` by summed TF-IDF (empty when there is no usable text).

    ``None`` reads as an empty explanation (the article's ``fillna('')``).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    documents = [text or "" for text in texts]
    if not any(doc.strip() for doc in documents):
        return []
    vectorizer = TfidfVectorizer(stop_words="english", max_features=max_features)
    try:
        matrix = vectorizer.fit_transform(documents)
    except ValueError:  # only stop words: an empty vocabulary
        return []
    names = vectorizer.get_feature_names_out()
    scores = matrix.sum(axis=0).A1
    ranked = sorted(zip(names, scores, strict=True), key=lambda pair: pair[1], reverse=True)
    return [Keyword(str(term), float(score)) for term, score in ranked[:top]]

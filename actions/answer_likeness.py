"""Reading a typed answer by its likeness to the words of each option, when no cue is in it.

The cue phrases of ``locales/<language>/answers.yml`` are read exactly: in Chinese a cue is its
characters in order, so "玩的就是心跳" and "我喜欢追涨" hold no cue of the risk taker, though
"心跳" and "追" are close to its words ("爱玩心跳", "追求刺激"). A language may let such an answer
be read by likeness instead (``likeness_threshold``): a logistic regression on the
character one- and two-grams of the question's cues and option titles (scikit-learn's TF-IDF and
logistic regression: the classifier made for short texts in a few classes) names the option the
answer is most like, if its probability reaches the threshold and the answer has two characters in
a row in common with that option's words (a greeting's "好" alone names nothing). Otherwise the answer stays unread
and the chat asks again with buttons.

Only an answer with no cue, no place, no figure and no negation in it is read so (actions/answers.py
decides): character n-grams do not see what "不" turns, so a negated answer is asked again rather
than guessed. One model per language, question and set of titles, trained on first use (some
hundredths of a second) and kept while the language's words stay the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

#: Inverse regularisation of the likeness model: the cues are short and few per option, so the
#: model is let follow them closely.
C = 10.0
#: Character n-grams, within the text's words: one and two characters.
NGRAMS = (1, 2)


class Likeness:
    """Which option of one question a text is most like, from each option's phrases."""

    def __init__(self, phrases: Mapping[str, Sequence[str]]):
        texts = [text for option in phrases for text in phrases[option] if text.strip()]
        labels = [option for option in phrases for text in phrases[option] if text.strip()]
        self.options = sorted(set(labels))
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS,
                                          sublinear_tf=True)
        #: Each option's pairs of characters in a row: the evidence an answer needs in common with
        #: the option it is read as.
        self.pairs = {option: set().union(*(_pairs(text) for text in phrases[option]))
                      for option in self.options}
        self.model = None
        if len(self.options) >= 2:
            self.model = LogisticRegression(C=C, max_iter=5000)
            self.model.fit(self.vectorizer.fit_transform(texts), labels)
            # The spaces that char_wb pads words with are in every text: they tell nothing.
            names = self.vectorizer.get_feature_names_out()
            self.telling = np.flatnonzero([bool(name.strip()) for name in names])

    def probabilities(self, text: str) -> dict[str, float]:
        """Option -> probability that ``text`` is an answer naming it (empty with one option)."""
        if self.model is None:
            return {}
        features = self.vectorizer.transform([text])
        if features[:, self.telling].nnz == 0:
            return {}
        row = self.model.predict_proba(features)[0]
        return {str(option): float(p) for option, p in zip(self.model.classes_, row, strict=True)}

    def likeliest(self, text: str, threshold: float) -> str | None:
        """The option ``text`` is most like, if its probability is at least ``threshold``."""
        probabilities = self.probabilities(text)
        if not probabilities:
            return None
        options = list(probabilities)
        best = options[int(np.argmax([probabilities[o] for o in options]))]
        if probabilities[best] < threshold or not _pairs(text) & self.pairs[best]:
            return None
        return best


def _pairs(text: str) -> set[str]:
    """The pairs of characters in a row within the words of ``text``: "玩心跳" has 玩心 and 心跳."""
    return {word[i:i + 2] for word in text.split() for i in range(len(word) - 1)}

"""Every reading the normaliser knows, in one place.

The tables are data only; the code that applies them is in `prepare.py` (Unicode and
ASCII symbols to LaTeX), `latex.py` and `phrasing.py` (math), `words.py` (prose) and
`numbers.py`. To teach Viva a new symbol, command or abbreviation, add a row here.
Readings are what a teacher says aloud, spelled so that Piper (espeak-ng phonemes,
English) pronounces them right.
"""

from __future__ import annotations

from enum import Enum

# The tables below are laid out by hand, several short entries a line, to stay readable.
# fmt: off


def _names(text: str) -> tuple[str, ...]:
    """A whitespace-separated list, so long tables stay readable."""
    return tuple(text.split())


class Kind(Enum):
    """How the LaTeX reader treats a command."""

    LETTER = "letter"  # a variable name (Greek letters): can take scripts and be applied, σ(x)
    SYMBOL = "symbol"  # a stand-alone thing: infinity, the empty set
    OPERATOR = "operator"  # infix word between operands: plus, less than, in
    BIG = "big"  # operator with limits: the sum from … to … of
    FUNCTION = "function"  # named function: log x, log of x, the variance of X
    ACCENT = "accent"  # reading follows the argument: y hat
    FONT = "font"  # reading is the argument itself (key remembers the font)
    VECTOR = "vector"  # like FONT, and marks the argument as a vector (for \cdot)
    TEXT = "text"  # the argument is prose: \text{…}, \mathrm{…}, \operatorname{…}
    FRAC = "frac"
    SQRT = "sqrt"
    BINOM = "binom"
    OPEN = "open"  # opens a delimited pair (see PAIRS)
    CLOSE = "close"  # closes one; skipped when stray
    PAUSE = "pause"  # a spoken comma: \quad, line breaks
    SKIP = "skip"  # sizing and spacing that says nothing: \left, \big, \,
    SKIP_ARG = "skip_arg"  # says nothing and swallows its {argument}: \label, \color


# --- Greek letters, in alphabetical (and Unicode) order -------------------------------
GREEK = _names(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron "
    "pi rho sigma tau upsilon phi chi psi omega"
)
GREEK_LOWER = "αβγδεζηθικλμνξοπρστυφχψω"
GREEK_UPPER = "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ"
# LaTeX's variant glyphs read as the plain letter.
GREEK_VARIANTS = {
    "varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varrho": "rho",
    "varsigma": "sigma", "varpi": "pi", "varkappa": "kappa", "digamma": "digamma",
}

# --- LaTeX commands: name -> (kind, reading) -------------------------------------------
def _each(kind: Kind, readings: dict[str, str]) -> dict[str, tuple[Kind, str]]:
    return {name: (kind, reading) for name, reading in readings.items()}


_LE, _GE = "less than or equal to", "greater than or equal to"
COMMANDS: dict[str, tuple[Kind, str]] = {
    # Greek letters; upper case says "capital", as a teacher does at the board.
    **_each(Kind.LETTER, {name: name for name in GREEK}),
    **_each(Kind.LETTER, {name.capitalize(): "capital " + name for name in GREEK}),
    **_each(Kind.LETTER, {**GREEK_VARIANTS, "ell": "l"}),
    # Relations, arrows and logic: said between their operands.
    **_each(Kind.OPERATOR, {
        "le": _LE, "leq": _LE, "leqslant": _LE, "ge": _GE, "geq": _GE, "geqslant": _GE,
        "lt": "less than", "gt": "greater than", "ne": "not equal to", "neq": "not equal to",
        "approx": "approximately equal to", "simeq": "approximately equal to",
        "propto": "proportional to", "equiv": "is equivalent to",
        "triangleq": "is defined as", "coloneqq": "is defined as",
        "sim": "drawn from",  # x \sim p: "x drawn from p"
        "ll": "much less than", "gg": "much greater than", "in": "in", "notin": "not in",
        "subset": "a subset of", "subseteq": "a subset of", "supset": "a superset of",
        "supseteq": "a superset of", "perp": "perpendicular to", "parallel": "parallel to",
        "mid": "given", "to": "goes to", "rightarrow": "goes to", "longrightarrow": "goes to",
        "mapsto": "maps to", "leftarrow": "gets", "gets": "gets", "Rightarrow": "implies",
        "implies": "implies", "Longrightarrow": "implies", "iff": "if and only if",
        "Leftrightarrow": "if and only if", "leftrightarrow": "corresponds to",
        "forall": "for all", "exists": "there exists", "nexists": "there does not exist",
        "neg": "not", "lnot": "not", "land": "and", "wedge": "and", "lor": "or", "vee": "or",
        "therefore": "therefore", "because": "because", "choose": "choose", "colon": ",",
        "succ": "is preferred to", "prec": "is less preferred than",
        "succeq": "is at least as good as", "preceq": "is at most as good as",
    }),
    # Arithmetic. \cdot says "times" between scalars and "dot" between two vectors (bold
    # or arrowed operands); the reader decides, this is the scalar reading.
    **_each(Kind.OPERATOR, {
        "pm": "plus or minus", "mp": "minus or plus", "times": "times", "cdot": "times",
        "div": "divided by", "ast": "star", "star": "star", "circ": "composed with",
        "odot": "element-wise times", "otimes": "tensor", "oplus": "direct sum",
        "cup": "union", "cap": "intersection", "setminus": "minus",
    }),
    # Stand-alone symbols.
    **_each(Kind.SYMBOL, {
        "infty": "infinity", "partial": "partial", "emptyset": "the empty set",
        "varnothing": "the empty set", "top": "transpose", "intercal": "transpose",
        "prime": "prime", "dagger": "dagger", "dots": "dot dot dot", "ldots": "dot dot dot",
        "cdots": "dot dot dot", "vdots": "dot dot dot", "ddots": "dot dot dot",
        "degree": "degrees", "%": "percent", "$": "dollars", "&": "and", "#": "number",
        "_": " ",
    }),
    # Operators with limits; the reader adds "from … to …", "over …" and "of".
    **_each(Kind.BIG, {
        "sum": "the sum", "prod": "the product", "int": "the integral",
        "iint": "the double integral", "oint": "the contour integral",
        "bigcup": "the union", "bigcap": "the intersection", "lim": "the limit",
        "max": "max", "min": "min", "argmax": "arg max", "argmin": "arg min",
        "sup": "the supremum", "inf": "the infimum", "nabla": "the gradient",
    }),
    # Named functions. A reading ending in "of" is complete; others add "of" before
    # parentheses: \log x is "log x", \log(x) is "log of x". \arg\max is "arg max".
    **_each(Kind.FUNCTION, {
        "log": "log", "ln": "natural log", "exp": "exponential", "sin": "sine",
        "cos": "cosine", "tan": "tan", "tanh": "tanch", "sigmoid": "sigmoid",
        "softmax": "softmax", "relu": "ray loo", "det": "the determinant of",
        "tr": "the trace of", "trace": "the trace of", "diag": "diag",
        "rank": "the rank of", "sign": "sign", "sgn": "sign", "dim": "the dimension of",
        "ker": "the kernel of", "Var": "the variance of", "Cov": "the covariance of",
        "Pr": "the probability of", "arg": "arg",
    }),
    # Accents: the reading follows the argument.
    **_each(Kind.ACCENT, {
        "hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde",
        "widetilde": "tilde", "dot": "dot", "ddot": "double dot", "check": "check",
        "breve": "breve", "underline": "", "underbrace": "", "overbrace": "",
    }),
    # Fonts read their argument; the reading names the font for special cases
    # (\mathbb{E} is an expectation, \mathbb{R} a space, \mathcal{N} a normal).
    **_each(Kind.FONT, {
        "mathbb": "bb", "mathcal": "cal", "mathscr": "cal", "mathfrak": "frak",
        "mathit": "", "mathsf": "", "mathnormal": "",
    }),
    **_each(Kind.VECTOR, dict.fromkeys(_names("mathbf boldsymbol bm vec overrightarrow"), "")),
    # Prose inside math.
    **_each(Kind.TEXT, dict.fromkeys(_names(
        "text textrm textbf textit texttt textsf mbox mathrm operatorname mathop"
    ), "")),
    # Structures with their own reader.
    **_each(Kind.FRAC, dict.fromkeys(_names("frac dfrac tfrac cfrac"), "")),
    "sqrt": (Kind.SQRT, ""),
    "binom": (Kind.BINOM, "choose"),
    # Delimiters (pairs below). \| and \Vert open a norm; \vert and | an absolute value.
    **_each(Kind.OPEN, dict.fromkeys(_names("| Vert vert lVert lvert langle lfloor lceil {"), "")),
    **_each(Kind.CLOSE, dict.fromkeys(_names("rVert rvert rangle rfloor rceil }"), "")),
    # Pauses, and layout that says nothing (some swallowing their {argument}).
    **_each(Kind.PAUSE, dict.fromkeys(["\\", "quad", "qquad", "newline"], ",")),
    **_each(Kind.SKIP, dict.fromkeys([" ", *_names(
        "left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr "
        "limits nolimits displaystyle textstyle scriptstyle nonumber notag , ; : ! > space "
        "hfill centering hline"
    )], "")),
    **_each(Kind.SKIP_ARG, dict.fromkeys(_names(
        "label tag color textcolor hspace vspace phantom begin end ref eqref cite"
    ), "")),
}

# Delimited pairs: opener -> (closer, reading before the content).
PAIRS: dict[str, tuple[str, str]] = {
    "|": ("|", "the absolute value of"),
    "\\vert": ("\\vert", "the absolute value of"),
    "\\lvert": ("\\rvert", "the absolute value of"),
    "||": ("||", "the norm of"),
    "\\|": ("\\|", "the norm of"),
    "\\Vert": ("\\Vert", "the norm of"),
    "\\lVert": ("\\rVert", "the norm of"),
    "\\langle": ("\\rangle", "the inner product of"),
    "\\lfloor": ("\\rfloor", "the floor of"),
    "\\lceil": ("\\rceil", "the ceiling of"),
    "\\{": ("\\}", "the set"),
}

# --- Plain-text operators inside math: symbol -> reading ------------------------------
MATH_SYMBOLS: dict[str, str] = {
    "+": "plus", "-": "minus", "=": "equals", "==": "equals", "<": "less than",
    ">": "greater than", "<=": "less than or equal to", ">=": "greater than or equal to",
    "!=": "not equal to", "->": "goes to", ":=": "is defined as", "*": "times",
    "/": "over", ",": ",", ";": ",", ":": ",", ".": ".", "?": "?",
    "&": "", "~": "",  # a column break and a non-breaking space say nothing
}

# --- Superscripts in words: script reading -> what follows the base ------------------
# (powers of e, 10 and R say "to the"; other powers "to the power of").
SUPERSCRIPTS: dict[str, str] = {
    "two": "squared", "three": "cubed", "T": "transpose", "transpose": "transpose",
    "minus one": "inverse", "minus T": "inverse transpose", "star": "star",
    "prime": "prime", "dagger": "dagger", "plus": "plus", "H": "Hermitian",
    "composed with": "degrees",  # 90^\circ
}

# --- Unicode → LaTeX, so every symbol has one reading (in COMMANDS above) ------------
UNICODE: dict[str, str] = {
    **{c: "\\" + n for c, n in zip(GREEK_LOWER, GREEK, strict=True)},
    **{c: "\\" + n.capitalize() for c, n in zip(GREEK_UPPER, GREEK, strict=True)},
    "ς": "\\sigma", "ϵ": "\\epsilon", "ϑ": "\\theta", "ϕ": "\\phi", "ϱ": "\\rho",
    "ϖ": "\\pi", "µ": "\\mu", "ℓ": "\\ell",
    "≤": "\\le", "⩽": "\\le", "≥": "\\ge", "⩾": "\\ge", "≠": "\\neq", "≈": "\\approx",
    "≃": "\\simeq", "∝": "\\propto", "≡": "\\equiv", "≜": "\\triangleq",
    "≔": "\\coloneqq", "∼": "\\sim", "≪": "\\ll", "≫": "\\gg",
    "∈": "\\in", "∉": "\\notin", "⊂": "\\subset", "⊆": "\\subseteq", "⊃": "\\supset",
    "⊇": "\\supseteq", "∪": "\\cup", "∩": "\\cap", "∅": "\\emptyset", "∖": "\\setminus",
    "∀": "\\forall", "∃": "\\exists", "∄": "\\nexists", "¬": "\\neg", "∧": "\\land",
    "∨": "\\lor", "∴": "\\therefore", "∵": "\\because", "⊥": "\\perp", "∥": "\\parallel",
    "→": "\\to", "⟶": "\\to", "↦": "\\mapsto", "←": "\\leftarrow", "⇒": "\\Rightarrow",
    "⟹": "\\implies", "⇔": "\\iff", "⟺": "\\iff", "↔": "\\leftrightarrow",
    "∞": "\\infty", "±": "\\pm", "∓": "\\mp", "×": "\\times", "·": "\\cdot",
    "⋅": "\\cdot", "∘": "\\circ", "⊙": "\\odot", "⊗": "\\otimes", "⊕": "\\oplus",
    "÷": "\\div", "∗": "*", "−": "-", "∇": "\\nabla", "∂": "\\partial", "∑": "\\sum",
    "∏": "\\prod", "∫": "\\int", "∬": "\\iint", "∮": "\\oint", "⊤": "\\top",
    "⊺": "\\intercal", "†": "\\dagger", "′": "'", "″": "''", "⋯": "\\cdots",
    "∣": "\\mid", "‖": "\\|", "⟨": "\\langle", "⟩": "\\rangle", "⌊": "\\lfloor",
    "≻": "\\succ", "≺": "\\prec", "≽": "\\succeq", "≼": "\\preceq",
    "⌋": "\\rfloor", "⌈": "\\lceil", "⌉": "\\rceil",
    "ℝ": "\\mathbb{R}", "ℕ": "\\mathbb{N}", "ℤ": "\\mathbb{Z}", "ℚ": "\\mathbb{Q}",
    "ℂ": "\\mathbb{C}", "𝔼": "\\mathbb{E}", "ℙ": "\\mathbb{P}", "𝟙": "\\mathbb{1}",
    # Typography: say the words, not the glyphs.
    "“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "…": "...", "—": ", ",
    "ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "•": "\n",
}
ROOTS = {"√": "\\sqrt", "∛": "\\sqrt[3]", "∜": "\\sqrt[4]"}
SUPERSCRIPT_CHARS = dict(zip(
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀᵗᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵘᵛʷˣʸᶻ",
    "0123456789+-=()niTtabcdefghjklmoprsuvwxyz",
    strict=True,
))
SUBSCRIPT_CHARS = dict(zip(
    "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ",
    "0123456789+-=()aeoxhklmnpstijruv",
    strict=True,
))
# ASCII spellings of operators, rewritten to LaTeX before reading.
ASCII_OPERATORS: dict[str, str] = {
    "<=>": "\\iff", "<->": "\\iff", "<=": "\\le", ">=": "\\ge", "!=": "\\neq",
    "=>": "\\Rightarrow", "->": "\\to", "+/-": "\\pm", ":=": "\\coloneqq",
    "~=": "\\approx",
}
# A web address is not read out; the learner can see it on the card.
URL_READING = "a link"
# Markup from Anki fields: tags that break a line, entities.
HTML_BREAK_TAGS = ("br", "div", "p", "li", "ul", "ol", "tr", "h1", "h2", "h3", "hr")
HTML_ENTITIES = {
    "&nbsp;": " ", "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#39;": "'",
    "&apos;": "'", "&le;": "≤", "&ge;": "≥", "&ne;": "≠", "&times;": "×",
    "&minus;": "−", "&plusmn;": "±",
}

# --- Words: abbreviations and ML names ------------------------------------------------
# Said letter by letter. Also matched in lower case, and plural (LLMs -> "L L M's").
SPELLED = _names(
    "AI ML DL NLP CV GPT LLM VLM SVD PCA LDA KL JS MLE SGD RLHF RLAIF PPO DPO TRPO SFT "
    "VAE CNN RNN LSTM GRU MLP ASR TTS VAD CTC BPE SVM KNN RBF MSE MAE RMSE AUC PR "
    "PDF CDF PMF HMM GMM MCMC KV FFT STFT MFCC WER CER SNR GPU CPU TPU API RL MDP DQN "
    "TD NER OOV OOD QA IDF TF IO I/O A/B LR NN MoE CoT KD DDPM SDE ODE SVR GBDT EM "
    "FP BF AWS SQL CSV HTTP HTTPS UI UX TP TN FN FPR TPR VC"
)
# Said as written here (case-insensitive unless listed in CASE_SENSITIVE).
SAID: dict[str, str] = {
    # activations and objectives
    "ReLU": "ray loo", "GELU": "gee loo", "SiLU": "sigh loo", "ELBO": "elbow",
    "PReLU": "P ray loo", "LeakyReLU": "leaky ray loo",
    # fine-tuning and models
    "LoRA": "lora", "QLoRA": "Q lora", "RAG": "rag", "GAN": "gan", "BERT": "bert",
    "RoBERTa": "roberta", "ViT": "vit", "CLIP": "clip", "RoPE": "rope", "ALiBi": "alibi",
    "LLaMA": "llama", "ChatGPT": "chat G P T", "ResNet": "res net", "UNet": "you net",
    "U-Net": "you net", "word2vec": "word to vec", "seq2seq": "seq to seq",
    "GloVe": "glove", "FastText": "fast text",
    # estimation and classical ML
    "MAP": "map", "k-NN": "K N N", "kNN": "K N N", "t-SNE": "tee snee", "UMAP": "you map",
    "ROC": "rock", "XGBoost": "X G boost", "LightGBM": "light G B M",
    "DBSCAN": "D B scan", "TF-IDF": "T F I D F", "SMOTE": "smote", "SHAP": "shap",
    "BLEU": "blue", "ROUGE": "rouge", "NaN": "nan", "FLOPs": "flops", "FLOPS": "flops",
    "IID": "I I D",
    # training and tooling
    "AdamW": "Adam W", "LayerNorm": "layer norm", "BatchNorm": "batch norm",
    "RMSNorm": "R M S norm", "PyTorch": "pie torch", "NumPy": "num pie",
    "SciPy": "sigh pie", "sklearn": "S K learn", "CUDA": "cuda", "MLOps": "M L ops",
    "fp16": "F P sixteen", "fp32": "F P thirty two", "fp8": "F P eight",
    "bf16": "B F sixteen", "int8": "int eight", "int4": "int four", "INT": "int",
    "ONNX": "onyx", "JSON": "jason", "fps": "frames per second",
    "argmax": "arg max", "argmin": "arg min",
    # connectives
    "iff": "if and only if", "wrt": "with respect to", "vs": "versus", "Ph.D.": "P H D",
}
# Written this way only, because in lower case they are English words ("map", "cot").
CASE_SENSITIVE = frozenset(
    {"MAP", "EM", "ROC", "CLIP", "SHAP", "RAG", "PR", "IO", "TD", "CoT", "ODE", "INT"}
)
# Dotted abbreviations, matched as whole words in any case ("E.g." reads "For example").
DOTTED: dict[str, str] = {
    "e.g.": "for example", "eg.": "for example", "i.e.": "that is", "ie.": "that is",
    "etc.": "et cetera", "etc": "et cetera", "vs.": "versus", "w.r.t.": "with respect to",
    "w.r.t": "with respect to", "s.t.": "such that", "cf.": "compare",
    "approx.": "approximately", "a.k.a.": "also known as", "aka": "also known as",
    "i.i.d.": "I I D", "i.i.d": "I I D", "resp.": "respectively", "dr.": "Doctor",
    "prof.": "Professor", "fig.": "figure", "eq.": "equation", "sec.": "section",
}
# Abbreviations whose period may also end the sentence: "…, and so on etc. Next".
ENDS_SENTENCE = frozenset({"etc."})
# Symbols in prose: (regex, reading), applied in order after numbers. Each row starts
# with its symbol (lookarounds after it) so the scan skips plain text quickly.
PROSE_SYMBOLS: tuple[tuple[str, str], ...] = (
    (r"\*\*|__|`", ""),  # markdown emphasis and code
    (r"&", " and "),
    (r"@", " at "),
    (r"==?", " equals "),
    (r"<", " less than "),
    (r">", " greater than "),
    (r"\+", " plus "),
    (r"\*(?<= \*)(?= )", " times "),  # "a * b"; a lone "*" is emphasis
    (r"\*", ""),
    (r"~", " about "),  # "~5 ms" (a spaced "x ~ p" was read as math before)
    (r"#", " number "),
    (r"/(?<= /)(?= )|/(?=\()", " over "),
    (r"/s\b(?<=\w/s)|/sec\b(?<=\w/sec)", " per second"),  # "tokens/s"
    (r"/(?=(?:token|step|sample|example|epoch|batch|image|query|GPU|day)\b)", " per "),
    (r"/(?<=\band/)(?=or\b)", " "),  # "and/or"
    (r"/(?<=[A-Za-z]/)(?=[A-Za-z])", " or "),
    (r"--+|-(?<=\s-)(?=\s)", ", "),  # a spaced hyphen or a double hyphen is a dash
)

# --- Numbers: units, magnitudes, currencies -------------------------------------------
# unit as written -> (singular, plural). Matched after a number, with or without space.
UNITS: dict[str, tuple[str, str]] = {
    "ns": ("nanosecond", "nanoseconds"), "µs": ("microsecond", "microseconds"),
    "μs": ("microsecond", "microseconds"),
    "ms": ("millisecond", "milliseconds"), "sec": ("second", "seconds"),
    "secs": ("second", "seconds"), "s": ("second", "seconds"),
    "min": ("minute", "minutes"), "mins": ("minute", "minutes"),
    "h": ("hour", "hours"), "hr": ("hour", "hours"), "hrs": ("hour", "hours"),
    "Hz": ("hertz", "hertz"), "kHz": ("kilohertz", "kilohertz"),
    "MHz": ("megahertz", "megahertz"), "GHz": ("gigahertz", "gigahertz"),
    "KB": ("kilobyte", "kilobytes"), "kB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"), "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"), "PB": ("petabyte", "petabytes"),
    "KiB": ("kibibyte", "kibibytes"), "MiB": ("mebibyte", "mebibytes"),
    "GiB": ("gibibyte", "gibibytes"), "kbps": ("kilobit per second", "kilobits per second"),
    "Mbps": ("megabit per second", "megabits per second"),
    "Gbps": ("gigabit per second", "gigabits per second"),
    "bits": ("bit", "bits"), "dB": ("decibel", "decibels"),
    "px": ("pixel", "pixels"), "fps": ("frame per second", "frames per second"),
    "tok/s": ("token per second", "tokens per second"),
    "TFLOPS": ("teraflop", "teraflops"), "GFLOPS": ("gigaflop", "gigaflops"),
    "°C": ("degree Celsius", "degrees Celsius"), "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"),
}
UNITS_NEED_SPACE = frozenset({"s", "h", "min", "bits"})  # "5s", "1990s", "8bits"
# A letter glued to a number scales it: "7B" parameters, "32k" context, "$5M".
MAGNITUDES: dict[str, str] = {
    "k": "thousand", "K": "thousand", "M": "million", "B": "billion", "bn": "billion",
    "T": "trillion", "thousand": "thousand", "million": "million", "billion": "billion",
    "trillion": "trillion",
}
# symbol -> (unit, units, subunit, subunits)
CURRENCIES: dict[str, tuple[str, str, str, str]] = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
}

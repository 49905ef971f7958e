"""tts.normalize.speakable: study material as a teacher reads it aloud."""

from __future__ import annotations

import logging
import random

import pytest

import tts.normalize
from tts.normalize import speakable
from tts.normalize.check import spoken_words, unreadable

# (written, spoken): every reading the normaliser promises, one row each.
READINGS = [
    # Roots, subscripts and powers.
    ("√d_k", "the square root of d sub k"),
    (r"\sqrt{d_k}", "the square root of d sub k"),
    (r"$\sqrt{d_k}$", "the square root of d sub k"),
    (r"$\sqrt[3]{x}$", "the cube root of x"),
    ("d_k", "d sub k"),
    ("x_{i,j}", "x sub i j"),
    ("x^2", "x squared"),
    ("x²", "x squared"),
    ("x^3", "x cubed"),
    ("x^n", "x to the power of n"),
    ("e^{-x}", "e to the minus x"),
    (r"$x^{-2}$", "x to the minus two"),
    ("x^{(i)}", "x superscript i"),
    # Transpose and inverse: postfix on a symbol, "the inverse of" on a compound.
    ("XᵀX", "X transpose X"),
    ("X^T X", "X transpose X"),
    (r"X^\top X", "X transpose X"),
    ("A^{-1}", "A inverse"),
    ("(X^T X)^{-1}", "the inverse of X transpose X"),
    (r"$(a + b)^2$", "a plus b, all squared"),
    (r"$\gamma^T$", "gamma to the power of T"),  # a Greek base takes a power, not a transpose
    (
        r"The normal equation is $\hat{w} = (X^T X)^{-1} X^T y$.",
        "The normal equation is w hat equals the inverse of X transpose X X transpose y.",
    ),
    # Fractions, sums, products, integrals, limits.
    (r"$\frac{a}{b}$", "a over b"),
    (r"\frac{a}{b}", "a over b"),
    (r"$\frac{a+b}{c}$", "the fraction a plus b over c"),
    (r"$\frac{1}{2}$", "one half"),
    (r"$\frac{QK^T}{\sqrt{d_k}}$", "Q K transpose over the square root of d sub k"),
    (r"$\sum_{i=1}^{n} x_i$", "the sum from i equals one to n of x sub i"),
    (r"\sum_{i=1}^{n} x_i", "the sum from i equals one to n of x sub i"),
    (r"$\sum_i x_i$", "the sum over i of x sub i"),
    (r"$\prod_{i=1}^{n} p_i$", "the product from i equals one to n of p sub i"),
    (r"$\int_a^b f(x)\,dx$", "the integral from a to b of f of x d x"),
    (r"$\lim_{x \to 0} f(x)$", "the limit as x goes to zero of f of x"),
    # Functions of arguments.
    ("σ(x)", "sigma of x"),
    (r"\sigma(x)", "sigma of x"),
    ("O(n log n)", "O of n log n"),
    ("O(n^2)", "O of n squared"),
    ("f(x)", "f of x"),
    ("f(x) = x^2 + 1", "f of x equals x squared plus one"),
    ("KL(p‖q)", "the K L divergence between p and q"),
    ("KL(p||q)", "the K L divergence between p and q"),
    (r"$D_{KL}(p \| q)$", "the K L divergence between p and q"),
    ("P(x | y)", "P of x given y"),
    (r"$P(x \mid y)$", "P of x given y"),
    ("p(x, y)", "p of x and y"),
    (r"$\mathcal{N}(0, 1)$", "a normal distribution with mean zero and variance one"),
    (
        "x ~ N(0, 1)",
        "x drawn from a normal distribution with mean zero and variance one",
    ),
    (r"$\mathbb{E}[x]$", "the expected value of x"),
    ("E[x]", "the expected value of x"),
    (r"$\mathbb{E}_{x \sim p}[f(x)]$", "the expected value over x drawn from p of f of x"),
    (r"$\text{Var}(X)$", "the variance of X"),
    (r"$\log x$", "log x"),
    (r"$\log(x)$", "log of x"),
    (r"$\exp(x)$", "exponential of x"),
    (r"$\max(a, b)$", "max of a and b"),
    (r"$\min_x f(x)$", "the min over x of f of x"),
    (r"$\arg\max$", "arg max"),
    ("argmax", "arg max"),
    (r"$\operatorname{argmax}$", "arg max"),
    (r"$\arg\max_\theta L(\theta)$", "the arg max over theta of L of theta"),
    ("ReLU(x) = max(0, x)", "ray loo of x equals max of zero and x"),
    ("softmax(QK^T / sqrt(d_k))", "softmax of Q K transpose over the square root of d sub k"),
    # Comparisons, sets, logic, arrows and other symbols.
    ("p < 0.05", "p less than zero point zero five"),
    ("a ≤ b", "a less than or equal to b"),
    ("a ≥ b", "a greater than or equal to b"),
    ("a < b", "a less than b"),
    ("a > b", "a greater than b"),
    ("a ≠ b", "a not equal to b"),
    ("a ≈ b", "a approximately equal to b"),
    ("a ∝ b", "a proportional to b"),
    ("a <= b", "a less than or equal to b"),
    ("x ∈ S", "x in S"),
    ("x ∉ S", "x not in S"),
    ("∀x", "for all x"),
    ("∃x", "there exists x"),
    ("x → 0", "x goes to zero"),
    ("A ⇒ B", "A implies B"),
    ("∞", "infinity"),
    ("±1", "plus or minus one"),
    ("a × b", "a times b"),
    ("a · b", "a times b"),
    (r"$a \cdot b$", "a times b"),
    (r"$\mathbf{a} \cdot \mathbf{b}$", "a dot b"),  # two vectors: a dot product
    ("∇L", "the gradient of L"),
    (r"$\nabla_\theta L$", "the gradient with respect to theta of L"),
    ("∂", "partial"),
    (r"\partial L / \partial w", "partial L over partial w"),
    (r"$\frac{\partial L}{\partial w}$", "partial L over partial w"),
    # Distribution arguments: a density of a variable given its parameters.
    ("𝒩(xᵢ | μₖ, Σₖ)", "the normal density of x sub i, with mean mu sub k and covariance capital sigma sub k"),
    (
        r"$\mathcal{N}(x_i \mid \mu_k, \Sigma_k)$",
        "the normal density of x sub i, with mean mu sub k and covariance capital sigma sub k",
    ),
    (r"$N(x | \mu, \sigma^2)$", "the normal density of x, with mean mu and variance sigma squared"),
    (r"$\mathcal{N}(0, I)$", "a normal distribution with mean zero and variance I"),
    (r"$\mathcal{N}(\mu, \Sigma)$", "a normal distribution with mean mu and covariance capital sigma"),
    # Concatenation, and a matrix applied to it.
    (r"$[c_t; h_t]$", "the concatenation of c sub t and h sub t"),
    (r"$W_c [c_t; h_t]$", "W sub c times the concatenation of c sub t and h sub t"),
    (
        r"$\tilde{h}_t = \tanh(W_c [c_t; h_t])$",
        "h tilde sub t equals tanch of W sub c times the concatenation of c sub t and h sub t",
    ),
    (r"$[a; b; c]$", "the concatenation of a, b, and c"),
    (r"$[a, b]$", "a, b"),  # a comma is an interval or a list, not a concatenation
    # Subscripted Greek: a capital sigma (or pi) before an operand is a sum (product).
    ("Σₖ πₖ = 1", "the sum over k of pi sub k equals one"),
    (
        "p(x) = Σₖ πₖ 𝒩(x | μₖ, Σₖ)",
        "p of x equals the sum over k of pi sub k the normal density of x, "
        "with mean mu sub k and covariance capital sigma sub k",
    ),
    (r"$\Pi_i p_i$", "the product over i of p sub i"),
    (r"$\Sigma_k^{-1} x$", "capital sigma sub k inverse x"),
    (r"$\Sigma_k$", "capital sigma sub k"),
    ("σₖ²", "sigma sub k squared"),
    ("μₖ", "mu sub k"),
    # Styled letters and preference symbols.
    ("ℒ(θ)", "L of theta"),
    ("𝐱 · 𝐲", "x dot y"),
    (r"$y_w \succ y_l$", "y sub w is preferred to y sub l"),
    # Fonts, accents, text, delimiters, norms.
    (r"$\mathbb{R}^n$", "R to the n"),
    ("x ∈ ℝⁿ", "x in R to the n"),
    (r"$\mathbb{R}^{n \times d}$", "R to the n by d"),
    (r"$\hat{y}$", "y hat"),
    (r"$\bar{x}$", "x bar"),
    (r"$\tilde{x}$", "x tilde"),
    (r"$\vec{v}$", "v"),
    (r"$\mathbf{v}$", "v"),
    (r"$\text{loss}$", "loss"),
    (r"$\mathrm{softmax}(z)$", "softmax of z"),
    (r"$\left( x \right)$", "x"),
    (r"$\|x\|_2$", "the L two norm of x"),
    ("‖x‖₂", "the L two norm of x"),
    (r"$\|x\|_2^2$", "the squared L two norm of x"),
    ("|x|", "the absolute value of x"),
    # Delimiters Anki uses.
    (r"\( x = 0 \)", "x equals zero"),
    (r"\[ y = mx + b \]", "y equals m x plus b"),
    ("$$a = b$$", "a equals b"),
    # Numbers.
    ("1e-3", "ten to the minus three"),
    ("3e-4", "three times ten to the minus four"),
    ("0.05", "zero point zero five"),
    ("3.5", "three point five"),
    ("2,000", "two thousand"),
    ("1/2", "one half"),
    ("3/4", "three quarters"),
    ("10%", "ten percent"),
    ("4×", "four times"),
    ("4x size", "four times size"),
    ("a 3x3 kernel", "a three by three kernel"),
    ("100 ms", "one hundred milliseconds"),
    ("1 ms", "one millisecond"),
    ("16 kHz", "sixteen kilohertz"),
    ("2 GB", "two gigabytes"),
    ("7B", "seven billion"),
    ("a 7B model", "a seven billion model"),
    ("costs $5", "costs five dollars"),
    ("$5 and $10", "five dollars and ten dollars"),
    ("1st", "first"),
    ("the 21st layer", "the twenty first layer"),
    ("2017", "twenty seventeen"),
    ("in the 1990s", "in the nineteen nineties"),
    ("n-1", "n minus one"),
    ("scale by 1 - p", "scale by one minus p"),
    ("Python 3.11.2", "Python three point eleven point two"),
    ("100 tokens/s", "one hundred tokens per second"),
    # Abbreviations and ML names, as people say them.
    ("ReLU", "ray loo"),
    ("ELBO", "elbow"),
    ("BPE", "B P E"),
    ("LoRA", "lora"),
    ("QLoRA", "Q lora"),
    ("GPT", "G P T"),
    ("GPT-4", "G P T four"),
    ("LLM", "L L M"),
    ("LLMs", "L L M's"),
    ("SVD", "S V D"),
    ("PCA", "P C A"),
    ("KL", "K L"),
    ("MLE", "M L E"),
    ("MAP", "map"),
    ("SGD", "S G D"),
    ("Adam", "Adam"),
    ("RLHF", "R L H F"),
    ("PPO", "P P O"),
    ("DPO", "D P O"),
    ("RAG", "rag"),
    ("GAN", "gan"),
    ("VAE", "V A E"),
    ("CNN", "C N N"),
    ("RNN", "R N N"),
    ("LSTM", "L S T M"),
    ("GRU", "G R U"),
    ("ASR", "A S R"),
    ("TTS", "T T S"),
    ("VAD", "V A D"),
    ("CTC", "C T C"),
    ("k-NN", "K N N"),
    ("kNN", "K N N"),
    ("use ReLU, e.g. here", "use ray loo, for example here"),
    ("E.g. this", "For example this"),
    ("that is, i.e. this", "that is, that is this"),
    ("dogs, cats etc.", "dogs, cats et cetera."),
    ("Adam vs. SGD", "Adam versus S G D"),
    ("the gradient w.r.t. x", "the gradient with respect to x"),
    ("min f(x) s.t. x > 0", "min f of x such that x greater than zero"),
    ("iff", "if and only if"),
    ("Use the MAP estimate, not the map.", "Use the map estimate, not the map."),
]


@pytest.mark.parametrize(("written", "spoken"), READINGS)
def test_reading(written: str, spoken: str) -> None:
    assert speakable(written) == spoken


# Every Greek letter, by Unicode and by LaTeX, lower and upper case.
GREEK = [
    ("α", "alpha"), ("β", "beta"), ("γ", "gamma"), ("δ", "delta"), ("ε", "epsilon"),
    ("ζ", "zeta"), ("η", "eta"), ("θ", "theta"), ("ι", "iota"), ("κ", "kappa"),
    ("λ", "lambda"), ("μ", "mu"), ("ν", "nu"), ("ξ", "xi"), ("ο", "omicron"), ("π", "pi"),
    ("ρ", "rho"), ("σ", "sigma"), ("τ", "tau"), ("υ", "upsilon"), ("φ", "phi"),
    ("χ", "chi"), ("ψ", "psi"), ("ω", "omega"),
]  # fmt: skip


@pytest.mark.parametrize(("letter", "name"), GREEK)
def test_greek_letters(letter: str, name: str) -> None:
    assert speakable(letter) == name
    assert speakable(f"${chr(92)}{name}$") == name
    assert speakable(letter.upper()) == f"capital {name}"
    assert speakable(f"${chr(92)}{name.capitalize()}$") == f"capital {name}"


@pytest.mark.parametrize(
    ("written", "spoken"),
    [(r"$\varepsilon$", "epsilon"), ("ϵ", "epsilon"), (r"$\varphi$", "phi"), ("ς", "sigma")],
)
def test_greek_variants(written: str, spoken: str) -> None:
    assert speakable(written) == spoken


# --- Robustness ----------------------------------------------------------------------


def test_empty_and_blank() -> None:
    assert speakable("") == ""
    assert speakable("   \n\t ") == ""


@pytest.mark.parametrize(
    "prose",
    [
        "Why does an eigenvector span an invariant subspace of a linear map?",
        "Bagging reduces variance; boosting reduces bias.",
        "Think about what the matrix does to the line through v.",
    ],
)
def test_plain_prose_is_unchanged(prose: str) -> None:
    assert speakable(prose) == prose


@pytest.mark.parametrize(
    ("malformed", "spoken"),
    [
        (r"$\frac{a$", "a"),
        (r"\frac{a", "a"),
        ("$x^$", "x"),
        ("$x_{$", "x"),
        (r"$\sqrt$", "the square root of"),
        (r"$\foo{x}$", "foo x"),  # an unknown command reads its name
        (r"$\mathbf{W}}}$", "W"),
        ("{{x}", "x"),
        (r"$\left( x$", "x"),
        (r"$\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}$",
         "one x greater than zero, zero otherwise"),
    ],
)  # fmt: skip
def test_malformed_latex_degrades_gracefully(malformed: str, spoken: str) -> None:
    assert speakable(malformed) == spoken


_MARKUP = set("\\{}^_$")


def _fuzz_inputs(count: int, seed: int) -> list[str]:
    pieces = [
        *"abxyzXYZ019 _^{}()[]|\\$.,;:!?-+=<>/*'\"~&%#@\n\t",
        *"αΣ∑∫√ᵀ²₁≤≥→∞±×·∇∂‖⟨⟩ℝ𝔼é中😀\u200b\ue000…",
        r"\frac", r"\sqrt", r"\sum_", r"\left(", r"\right)", r"\text{", r"\mathbb{E}",
        r"\|", "$$", r"\(", r"\)", r"\[", r"\]", "e.g.", "GPT", "1e-3", "$5", "2,000",
        r"\begin{", r"\end{", r"\hat", r"\mathcal{N}", "KL(", "O(", "E[", r"\langle*",
    ]  # fmt: skip
    rng = random.Random(seed)
    return ["".join(rng.choices(pieces, k=rng.randint(0, 60))) for _ in range(count)]


def test_random_input_never_raises_nor_leaves_markup(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="tts.normalize")
    for text in _fuzz_inputs(1500, seed=7):
        spoken = speakable(text)
        assert isinstance(spoken, str)
        assert not _MARKUP & set(spoken), (text, spoken)
        assert not any(c.isascii() and c.isdigit() for c in spoken), (text, spoken)
    # The safety net (plain reading on an internal error) was never needed.
    assert not caplog.records


@pytest.mark.parametrize(
    "text",
    [
        "{" * 10_000,
        "(" * 10_000,
        "$" + r"\frac" * 2_000 + "$",
        "x^" * 5_000,
        "x_{" * 3_333,
        "?" * 10_000,
        "√" * 10_000,
        "$" + "f(" * 5_000 + "$",
        "$" + r"\sqrt{" * 3_000 + "$",
        "$" + r"\mathcal{N}(" * 900 + "$",
        "The quick brown fox, e.g. with 3.5 ms of lag, jumps. " * 190,
        (r"Use $\frac{a}{b}$ and x_i^2 with 3e-4 on GPT-4. ") * 200,
    ],
    ids=["braces", "parens", "fracs", "scripts", "open-subscripts", "marks", "roots",
         "calls", "nested-roots", "nested-normals", "prose", "mixed"],
)  # fmt: skip
def test_ten_thousand_characters(text: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="tts.normalize")
    spoken = speakable(text)  # its time is a row of `python -m benchmarks tts`
    assert not _MARKUP & set(spoken)
    assert not caplog.records  # read by the readers, not rescued by the safety net


def test_random_code_points(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="tts.normalize")
    rng = random.Random(11)
    for _ in range(500):
        text = "".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(1, 40)))
        assert isinstance(speakable(text), str)
    assert not caplog.records


def test_deterministic() -> None:
    card = r"KL(p‖q) = $\sum_x p(x) \log \frac{p(x)}{q(x)}$, e.g. 1e-3 for GPT-4."
    assert speakable(card) == speakable(card)


def test_internal_error_falls_back_to_plain_text(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(text: str) -> str:
        raise RuntimeError("reader bug")

    monkeypatch.setattr(tts.normalize, "read_text", broken)
    with caplog.at_level(logging.ERROR, logger="tts.normalize"):
        assert speakable(r"Use $\alpha$ here") == "Use alpha here"
    assert "speech normalisation failed" in caplog.text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (r"$a \frobnicate b$", "unknown command '\\frobnicate'"),
        ("x ⊸ y", "no reading for '⊸'"),
        ("a 𝒩 b", ""),  # a styled letter is read (as N), so nothing is reported
        ("tool_choice", "'_' is left over after reading"),
        ("prompt | model | parser", "'|' is left over after reading"),
    ],
)
def test_unreadable_names_what_cannot_be_said(text: str, problem: str) -> None:
    problems = unreadable(text)
    if problem:
        assert any(p.startswith(problem) for p in problems), problems
    else:
        assert problems == ()


def test_readable_text_has_no_problems_and_words_are_counted() -> None:
    text = r"The attention scale is $\frac{1}{\sqrt{d_k}}$, and $\mathcal{N}(x \mid \mu, \Sigma)$ is a density."
    assert unreadable(text) == ()
    assert spoken_words(speakable("Dividing by root d k restores unit variance.")) == 8
    assert spoken_words(speakable(r"$\frac{1}{\sqrt{d_k}}$")) == 9  # one over the square root of d sub k

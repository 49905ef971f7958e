"""Spoken ML answers (made with Piper at benchmark time) and the jargon each should yield."""

ANSWERS: list[tuple[str, list[str]]] = [
    ("Bagging reduces variance by averaging trees trained on bootstrap samples.", ["bagging", "variance", "bootstrap"]),
    ("The eigenvectors of a symmetric matrix are orthogonal.", ["eigenvectors", "symmetric", "orthogonal"]),
    (
        "We divide the attention logits by the square root of d k to keep the softmax from saturating.",
        ["softmax", "square root", "logits"],
    ),
    ("LoRA freezes the weights and learns a low rank update.", ["lora", "low rank"]),
    ("The ELBO is a lower bound on the log likelihood of the data.", ["elbo", "lower bound", "log likelihood"]),
    (
        "Batch normalization normalizes activations with the mini batch mean and variance.",
        ["batch normalization", "variance"],
    ),
    ("Byte pair encoding merges the most frequent pair of symbols.", ["byte pair encoding", "frequent pair"]),
    ("The KKT conditions include complementary slackness.", ["kkt", "complementary slackness"]),
    ("A vanishing gradient makes early layers learn very slowly.", ["vanishing gradient"]),
    ("Gini impurity and entropy both measure how mixed a node is.", ["gini impurity", "entropy"]),
    ("AdaBoost minimizes an exponential loss by reweighting the examples.", ["adaboost", "exponential loss"]),
    (
        "The EM algorithm alternates an expectation step and a maximization step.",
        ["em algorithm", "expectation", "maximization"],
    ),
    ("CTC loss sums over all alignments with a blank token.", ["ctc", "alignments", "blank token"]),
    ("A mel filter bank spaces filters on a perceptual scale.", ["mel", "filter bank"]),
    ("Direct preference optimization skips the reward model.", ["direct preference optimization", "reward model"]),
    ("Perplexity is the exponential of the average cross entropy.", ["perplexity", "cross entropy"]),
    ("ColBERT scores documents with a max sim over token embeddings.", ["colbert", "max sim", "embeddings"]),
    (
        "Reciprocal rank fusion combines BM25 and dense retrieval rankings.",
        ["reciprocal rank fusion", "bm25", "dense retrieval"],
    ),
    ("A Kolmogorov Smirnov test compares two distributions for drift.", ["kolmogorov smirnov", "drift"]),
    ("The GAN generator and discriminator play a min max game.", ["gan", "discriminator", "min max"]),
    ("The kernel trick computes inner products in a feature space implicitly.", ["kernel trick", "inner products"]),
    ("Quantization to four bits lets QLoRA fine tune large models on one GPU.", ["quantization", "qlora", "gpu"]),
    ("The receptive field grows with every convolution layer.", ["receptive field", "convolution"]),
    ("Gradient clipping rescales the gradient when its norm is too large.", ["gradient clipping", "norm"]),
]

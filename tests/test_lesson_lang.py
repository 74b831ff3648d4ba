"""Printed text and figure labels follow the notebook's language.

A lesson's code cells are shared by the Chinese and the English notebook, so any English words
they print or draw must go through ``L.t(zh, en)`` (printed text) or ``L.label(zh, en)`` (figure
text). This test reads every lesson with ``ast`` (no TensorFlow, no training) and fails on a
``print(...)`` or a figure call (``set_title``, ``set_xlabel``, ``legend``, ``label=`` ...) whose
string literals hold a Latin word of 3+ letters outside those calls. Code names that read the same
in both languages (FID, DCGAN, PSNR ...) are in ``ALLOWED``.
"""

import ast
import re

import pytest

from gankit import lesson as course

#: words that are names in both languages (models, metrics, datasets, units), not English prose
ALLOWED = {
    "gan", "dcgan", "cgan", "acgan", "infogan", "wgan", "lsgan", "srgan", "esrgan", "srcnn", "pix2pix",
    "cyclegan", "mlp", "fid", "psnr", "ssim", "mnist", "fashion_mnist", "cifar", "svhn", "adam",
    "relu", "tanh", "sigmoid", "keras", "tensorflow", "numpy", "gpu", "cpu", "bce", "lipschitz",
    "wasserstein", "adain", "patchgan", "resnet", "unet", "vgg", "bicubic", "softmax", "logits",
    "nan", "inf", "dtype", "float32", "float16", "bfloat16", "shape", "min", "max", "std", "sum",
    "mean", "png", "jpg", "npz", "json", "gankit", "python", "log", "exp", "svd", "rgb", "dpi", "theta",
    "imagegan", "srresnet", "sigma", "psi", "down",  # down1, down2 ...: layer names
}

#: functions whose string arguments are drawn in a figure
FIGURE_CALLS = {"set_title", "set_xlabel", "set_ylabel", "suptitle", "title", "xlabel", "ylabel",
                "text", "annotate", "legend", "set_xticklabels", "set_yticklabels", "colorbar"}
#: keyword arguments that are figure text (``plot(..., label="...")``)
FIGURE_KEYWORDS = {"label", "title", "xlabel", "ylabel"}

WORD = re.compile(r"[A-Za-z]{3,}")
#: code names: dotted (keras.layers.Dense), with an underscore or a digit (d_loss, p_data, x4), keywords (training=)
CODE = re.compile(r"\w+(?:\.\w+)+|\w*(?:_|\d)\w*|\w+=")


MATH = re.compile(r"\$[^$]*\$")


def translators(tree):
    """``(printed, drawn)``: the names that translate printed text (``L.t`` and names bound to it)
    and figure text (those, ``L.label``, names bound to it, and helpers ``def tr(zh, en)``).
    ``L.label`` is not enough for print: without a Chinese font it answers in English."""
    printed, drawn = {"t"}, {"t", "label"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute) and \
                node.value.attr in ("t", "label"):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    (printed if node.value.attr == "t" else drawn).add(target.id)
        elif isinstance(node, ast.FunctionDef) and [a.arg for a in node.args.args] == ["zh", "en"]:
            drawn.add(node.name)
    return printed, printed | drawn


def _literal_texts(node, ok):
    """The string literals in ``node`` that are not inside a call of a name in ``ok`` (the
    constant parts of f-strings included, their ``{...}`` expressions searched too)."""
    if isinstance(node, ast.Call):
        func = node.func
        if (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)) in ok:
            return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
        return
    if isinstance(node, ast.FormattedValue):  # {expr:spec}: the expression only, not the spec
        yield from _literal_texts(node.value, ok)
        return
    if isinstance(node, ast.Call):
        # str methods on a literal (", ".join(...), "...".format(...)) - the literal is the text
        yield from _literal_texts(node.func, ok)
        for arg in [*node.args, *(kw.value for kw in node.keywords)]:
            yield from _literal_texts(arg, ok)
        return
    if isinstance(node, (ast.Subscript, ast.Attribute)):  # results["fid"], x.shape: keys are names
        if isinstance(node, ast.Attribute):
            yield from _literal_texts(node.value, ok)
        else:
            yield from _literal_texts(node.value, ok)
        return
    if isinstance(node, ast.Compare):  # "d_loss" in logs
        return
    if isinstance(node, (ast.Lambda, ast.comprehension)):
        return
    for child in ast.iter_child_nodes(node):
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)) and \
                isinstance(child, ast.comprehension):
            continue
        yield from _literal_texts(child, ok)


def english_words(text):
    """The English words of ``text`` (LaTeX between ``$...$`` and code names (``CODE``) and the names in ALLOWED left out)."""
    return [w for w in WORD.findall(CODE.sub(" ", MATH.sub(" ", text))) if w.lower() not in ALLOWED]


def untranslated(source):
    """``(line, kind, text)`` of every printed or drawn literal with English words."""
    tree = ast.parse(source)
    printed, drawn = translators(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        parts = []
        if name == "print":
            parts = [(arg, "print", printed) for arg in node.args]
        elif name in FIGURE_CALLS and isinstance(func, ast.Attribute):
            parts = [(arg, f"figure {name}", drawn) for arg in node.args]
        if name != "print":
            parts += [(kw.value, f"figure {kw.arg}=", drawn) for kw in node.keywords if kw.arg in FIGURE_KEYWORDS]
        for part, kind, ok in parts:
            text = " … ".join(_literal_texts(part, ok))
            if english_words(text):
                found.append((node.lineno, kind, text))
    return found


def test_the_check_sees_english_and_lets_translations_through():
    bad = untranslated('print(f"loss after {n} steps: {x:.3f}")\nax.set_title("real images")\n'
                       'ax.plot(x, label="generator loss")\nprint("FID", fid)')
    assert [(line, kind) for line, kind, _ in bad] == [(1, "print"), (2, "figure set_title"), (3, "figure label=")]
    assert untranslated('print(L.t(f"{n} 步后的损失", f"loss after {n} steps"))\n'
                        'ax.set_title(L.label("真实图像", "real images"))\nprint(f"FID {fid:.2f}", x.shape)\n'
                        'print(" · ".join(f"{k}={v:.2f}" for k, v in d.items()))') == []
    # figure text (L.label) answers in English where no Chinese font exists: not for print
    bad = untranslated('tt = L.label\nprint(tt("生成器", "generator"))\nax.set_title(tt("生成器", "generator"))')
    assert [(line, kind) for line, kind, _ in bad] == [(2, "print")]


@pytest.mark.parametrize("number", course.available())
def test_lesson_prints_and_draws_no_english_only_text(number):
    source = course.lesson_source(number)
    bad = untranslated(source.read_text(encoding="utf-8"))
    assert not bad, (f"{source.name}: English-only text printed or drawn (wrap it in L.t(zh, en) for print, "
                     f"L.label(zh, en) for figures, or add a code name to ALLOWED):\n" +
                     "\n".join(f"  line {line} ({kind}): {text!r}" for line, kind, text in bad))

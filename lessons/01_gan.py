# %% [markdown] lang="zh"
# # 第 1 课 · GAN 原理与第一个 GAN
#
# 这一课从 2014 年 Goodfellow 等人的论文《Generative Adversarial Nets》出发，把原始 GAN 从头讲到能跑：
#
# 1. **两个玩家**：生成器把噪声变成样本，判别器给出“这是真实样本”的概率；
# 2. **极小极大博弈**：写出价值函数 $V(D,G)$，推导最优判别器 $D^*$，证明全局最优处 $p_g=p_{data}$、$D=\tfrac12$，
#    并说明此时生成器在最小化 $2\,\mathrm{JS}-\log 4$；每一步推导都用代码做数值验证；
# 3. **训练算法**：论文的算法 1（先训练判别器 $k$ 步，再训练生成器 1 步），以及常见的“真假样本拼成一个批次”写法；
# 4. **饱和损失与非饱和损失**：为什么论文建议生成器改用 $-\log D(G(z))$，用 `GradientTape` 画出两者的梯度；
# 5. **动手**：先在一维玩具数据上看 $p_g$ 一步步挪到 $p_{data}$ 上、判别器曲线被“压平”到 $\tfrac12$，
#    再用两层全连接网络在 MNIST 上生成手写数字；
# 6. **换个角度**：从“结构化学习”看为什么需要生成器和判别器两个网络；
# 7. **从 Keras 2 到 Keras 3**：老教程里 `d.trainable = False` 的组合模型写法在 Keras 3 中会出什么问题——用实验说话。
#
# 快速模式（`GANKIT_QUICK=1`）在 CPU 上约一分钟跑完；完整模式会把 MNIST 训练到能认出数字（时间见 1.6 节）。

# %% [markdown] lang="en"
# # Lesson 1 · The original GAN
#
# This lesson starts from Goodfellow et al.'s 2014 paper "Generative Adversarial Nets" and takes the original GAN all
# the way from the idea to a working program:
#
# 1. **Two players**: a generator turns noise into samples, a discriminator outputs the probability that its input is
#    real;
# 2. **The minimax game**: write down the value function $V(D,G)$, derive the optimal discriminator $D^*$, show that at
#    the global optimum $p_g=p_{data}$ and $D=\tfrac12$, and that the generator is then minimising
#    $2\,\mathrm{JS}-\log 4$; every step of the derivation is checked numerically in code;
# 3. **The training algorithm**: Algorithm 1 of the paper ($k$ discriminator steps, then one generator step), and the
#    common "concatenate real and fake into one batch" way of writing it;
# 4. **Saturating vs non-saturating loss**: why the paper recommends $-\log D(G(z))$ for the generator, with both
#    gradients drawn via `GradientTape`;
# 5. **Hands on**: first a 1-D toy, where you watch $p_g$ move onto $p_{data}$ and the discriminator's curve flatten
#    to $\tfrac12$; then handwritten digits from a two-layer fully connected GAN on MNIST;
# 6. **Another angle**: the "structured learning" view of why we need both networks;
# 7. **Keras 2 → Keras 3**: what goes wrong with the old `d.trainable = False` combined-model recipe in Keras 3 —
#    settled by experiment.
#
# Quick mode (`GANKIT_QUICK=1`) runs in about a minute on a CPU; full mode trains MNIST until the digits are
# recognisable (timings in section 1.6).

# %%
import pathlib, sys
_root = next((p for p in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents] if (p / "gankit").is_dir()), None)
if _root and str(_root) not in sys.path:
    sys.path.insert(0, str(_root))
from gankit.lesson import Lesson
L = Lesson(1)
L.needs("mnist")  # its datasets, checked before the first section

# %%
import inspect
import time
import warnings

warnings.filterwarnings("ignore", message="Glyph")  # a missing CJK font only warns; figures still render
# gankit's tf.data pipelines shuffle already; Keras notes that its own shuffle=True is then unused.
warnings.filterwarnings("ignore", message=".*shuffle=True.*")

import numpy as np
import keras
import tensorflow as tf
import matplotlib.pyplot as plt
from matplotlib import font_manager

from gankit import data as gdata, losses, models, nets, viz

tf.get_logger().setLevel("ERROR")  # keep tf.function's retracing notes out of the 1.8 experiment

# Chinese figure text needs a font with Chinese glyphs; where none is installed, figures fall back to English.
_CJK = [f.name for f in font_manager.fontManager.ttflist
        if any(key in f.name for key in ("CJK", "Hei", "Song", "Kai", "WenQuanYi", "PingFang", "YaHei"))]
if _CJK:
    plt.rcParams["font.sans-serif"] = [_CJK[0], *plt.rcParams["font.sans-serif"]]
    plt.rcParams["axes.unicode_minus"] = False


def tr(zh, en):
    """Figure text in the lesson's language (Chinese only where a Chinese font exists)."""
    return L.t(zh, en) if _CJK else en


print(f"Keras {keras.__version__} · TensorFlow {tf.__version__} · "
      + L.t("快速模式" if L.quick else "完整模式", "quick mode" if L.quick else "full mode"))

# %% [markdown] lang="zh"
# ## 1.1 两个玩家：生成器与判别器
#
# 生成对抗网络（GAN）由两个神经网络组成：
#
# - **生成器（generator）$G$**：输入一个随机的隐向量 $z\sim p_z$（通常取均匀分布 $U(-1,1)^d$ 或标准正态分布
#   $\mathcal N(0,I)$；本课程默认用正态分布），输出一个样本 $G(z)$，例如一张 $28\times28$ 的图片。
#   所有 $G(z)$ 构成的分布记作 $p_g$。
# - **判别器（discriminator）$D$**：输入一个样本 $x$，输出 $D(x)\in(0,1)$，即“$x$ 来自真实数据而不是来自 $G$”的概率。
#   gankit 里的判别器最后一层不加 sigmoid，输出的是 logit $\ell$，$D(x)=\sigma(\ell)$，sigmoid 放进损失函数里算（原因见 1.4 节）。
#
# 两个常见的比喻：
#
# - **造假者与警察**（Goodfellow 在 NIPS 2016 GAN 教程里的比喻，中文博客里也流传很广）：造假团伙想印出以假乱真的钞票，警察想把假钞挑出来。
#   双方不断升级手艺，直到假钞在材料和工艺上与真钞一模一样——警察只能对每一张钞票都说“一半可能是真的”。
#   这就是博弈的**纳什均衡**。
# - **枯叶蝶与麻雀**（李宏毅老师 GAN 课程里的比喻）：麻雀专吃不是棕色的蝴蝶，于是蝴蝶进化成棕色；
#   麻雀改看翅膀上有没有叶脉，蝴蝶又进化出叶脉……一代代下来，枯叶蝶的翅膀越来越像真正的枯叶。
#   注意蝴蝶从来没有“看过”枯叶：它只是被捕食者淘汰。生成器也一样，它**从不直接接触真实数据**，
#   只通过判别器传回来的梯度学习“怎样更像真的”。
#
# 下图画出了数据的流向：真实样本和生成样本都送进判别器；生成器的梯度要穿过判别器才能传回来。

# %% [markdown] lang="en"
# ## 1.1 Two players: the generator and the discriminator
#
# A generative adversarial network (GAN) is made of two neural networks:
#
# - **The generator $G$** takes a random latent vector $z\sim p_z$ (usually uniform $U(-1,1)^d$ or standard normal
#   $\mathcal N(0,I)$; this course uses the normal by default) and outputs a sample $G(z)$, say a $28\times28$
#   picture. The distribution of all $G(z)$ is written $p_g$.
# - **The discriminator $D$** takes a sample $x$ and outputs $D(x)\in(0,1)$: the probability that $x$ came from the
#   real data rather than from $G$. In gankit the discriminator's last layer has no sigmoid: it outputs a logit
#   $\ell$ with $D(x)=\sigma(\ell)$, and the sigmoid is applied inside the loss (section 1.4 says why).
#
# Two well-known analogies:
#
# - **Forger and police** (from Goodfellow's NIPS 2016 GAN tutorial, retold in many Chinese blog posts): a gang of counterfeiters wants
#   banknotes that pass as real, the police want to catch the fakes. Both keep improving until the fakes are made of
#   the same material with the same craft as real notes — and the police can only say "half a chance it is real" to
#   every note. That is the game's **Nash equilibrium**.
# - **Dead-leaf butterfly and sparrow** (from Hung-yi Lee's GAN course): sparrows eat
#   butterflies that are not brown, so the butterflies evolve brown wings; the sparrows start checking for leaf
#   veins, so the butterflies evolve veins … generation after generation the wings look more like a dead leaf. Note
#   that the butterfly never "sees" a leaf: it is only weeded out by its predator. The generator is the same: it
#   **never touches the real data**; it only learns "how to look more real" from the gradients the discriminator
#   sends back.
#
# The diagram shows the data flow: real and generated samples both go into the discriminator; the generator's
# gradient has to pass back through the discriminator.

# %%
fig, ax = plt.subplots(figsize=(10, 2.8))
ax.set_xlim(0, 10.4)
ax.set_ylim(0, 3)
ax.axis("off")


def box(x, y, text, colour):
    ax.text(x, y, text, ha="center", va="center", fontsize=10,
            bbox=dict(boxstyle="round,pad=0.5", fc=colour, ec="0.3"))


def arrow(start, end, **style):
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle="->", lw=1.5, **style))


box(1.0, 2.2, tr("噪声 $z \\sim p_z$\n（均匀或正态）", "noise $z \\sim p_z$\n(uniform or normal)"), "0.93")
box(3.0, 2.2, tr("生成器 $G$", "generator $G$"), "#cfe8c9")
box(5.3, 2.2, tr("生成样本 $G(z)$", "fake $G(z)$"), "0.93")
box(5.3, 0.7, tr("真实样本 $x \\sim p_{data}$", "real $x \\sim p_{data}$"), "0.93")
box(7.3, 1.45, tr("判别器 $D$", "discriminator $D$"), "#c9d9f0")
box(9.5, 1.45, tr("$D(\\cdot)\\in(0,1)$\n“是真的”的概率", "$D(\\cdot)\\in(0,1)$\nP(real)"), "0.93")
arrow((1.95, 2.2), (2.35, 2.2))
arrow((3.65, 2.2), (4.5, 2.2))
arrow((6.1, 2.1), (6.85, 1.6))
arrow((6.25, 0.8), (6.85, 1.3))
arrow((8.35, 1.45), (8.8, 1.45))
arrow((7.2, 1.9), (3.2, 2.6), linestyle="--", color="tab:red", connectionstyle="arc3,rad=0.25")
ax.text(5.3, 2.95, tr("生成器的梯度穿过判别器传回", "G's gradient flows back through D"),
        ha="center", fontsize=9, color="tab:red")
L.show(fig, "players")

# %% [markdown] lang="zh"
# ## 1.2 极小极大博弈与最优判别器
#
# 原论文把两者的对抗写成一个**极小极大博弈**（minimax game，一方之得即另一方之失，是一个零和博弈；Goodfellow 等，2014，式 (1)）：
#
# $$\min_G \max_D V(D,G) = \mathbb{E}_{x\sim p_{data}}\big[\log D(x)\big] + \mathbb{E}_{z\sim p_z}\big[\log\big(1-D(G(z))\big)\big].$$
#
# 判别器要让 $V$ 变大：对真实样本 $D(x)\to1$，对生成样本 $D(G(z))\to0$——这正是二分类的对数似然；
# 生成器要让 $V$ 变小：让 $D(G(z))$ 变大。
#
# **第一步：固定 $G$，求最优的 $D$。** 第二项是对 $z$ 求期望，而 $G(z)$ 的分布就是 $p_g$，所以可以换成对 $x\sim p_g$ 求期望，
# 两项合成一个积分：
#
# $$V(D,G)=\int_x \Big[p_{data}(x)\log D(x) + p_g(x)\log\big(1-D(x)\big)\Big]\,dx .$$
#
# 判别器可以对每个 $x$ 分别取值，于是逐点最大化 $f(y)=a\log y+b\log(1-y)$（$a=p_{data}(x)$，$b=p_g(x)$，$y=D(x)\in(0,1)$）：
# $f'(y)=\dfrac{a}{y}-\dfrac{b}{1-y}=0 \Rightarrow y=\dfrac{a}{a+b}$，且 $f''(y)=-\dfrac{a}{y^2}-\dfrac{b}{(1-y)^2}<0$，是最大值。因此
#
# $$D^*_G(x)=\frac{p_{data}(x)}{p_{data}(x)+p_g(x)} .$$
#
# 这就是论文的命题 1（Goodfellow 等，2014，命题 1）。
#
# **第二步：把 $D^*$ 代回去。** 记 $C(G)=\max_D V(D,G)=V(D^*_G,G)$，并令 $m=\tfrac12(p_{data}+p_g)$，则
# $\dfrac{p_{data}}{p_{data}+p_g}=\dfrac{p_{data}}{2m}$，$\dfrac{p_g}{p_{data}+p_g}=\dfrac{p_g}{2m}$：
#
# $$\begin{aligned}
# C(G) &= \mathbb{E}_{x\sim p_{data}}\Big[\log\frac{p_{data}(x)}{2m(x)}\Big] + \mathbb{E}_{x\sim p_g}\Big[\log\frac{p_g(x)}{2m(x)}\Big] \\
#      &= \mathrm{KL}\big(p_{data}\,\|\,m\big) + \mathrm{KL}\big(p_g\,\|\,m\big) - 2\log 2 \\
#      &= 2\,\mathrm{JS}\big(p_{data}\,\|\,p_g\big) - \log 4 ,
# \end{aligned}$$
#
# 其中 $\mathrm{JS}(p\|q)=\tfrac12\mathrm{KL}(p\|m)+\tfrac12\mathrm{KL}(q\|m)$ 是 **JS 散度**。JS 散度非负，
# 当且仅当 $p_g=p_{data}$ 时为 0。所以：
#
# - 在判别器最优的前提下，训练生成器就是在最小化 $p_{data}$ 与 $p_g$ 之间的 JS 散度；
# - 全局最优点唯一（Goodfellow 等，2014，定理 1）：$p_g=p_{data}$，此时 $C(G)=-\log 4$，并且 $D^*(x)=\tfrac12$ 处处成立——判别器只能瞎猜，
#   正如只能对每张钞票都说“一半可能”的警察。
#
# 这是在“网络容量无限、$D$ 每一步都训练到最优”的理想条件下得出的结论；真实训练中 $D$ 只走几步梯度，
# 理论给出的是方向，而不是保证。（第 6 课会看到：当 $p_{data}$ 与 $p_g$ 几乎不重叠时，JS 散度恒为 $\log 2$，
# 这恰恰是原始 GAN 难训练的根源之一。）
#
# 下面用一维的例子在网格上做数值积分，逐条验证上面的推导。

# %% [markdown] lang="en"
# ## 1.2 The minimax game and the optimal discriminator
#
# The paper writes the contest as a **minimax game** (what one player gains the other loses: a zero-sum game;
# Goodfellow et al., 2014, Eq. 1):
#
# $$\min_G \max_D V(D,G) = \mathbb{E}_{x\sim p_{data}}\big[\log D(x)\big] + \mathbb{E}_{z\sim p_z}\big[\log\big(1-D(G(z))\big)\big].$$
#
# The discriminator wants $V$ large: $D(x)\to1$ on real samples and $D(G(z))\to0$ on generated ones — exactly the
# log-likelihood of a binary classifier. The generator wants $V$ small: it wants $D(G(z))$ large.
#
# **Step 1: fix $G$ and find the best $D$.** The second term is an expectation over $z$, and $G(z)$ is distributed
# as $p_g$, so it can be written as an expectation over $x\sim p_g$ and both terms merge into one integral:
#
# $$V(D,G)=\int_x \Big[p_{data}(x)\log D(x) + p_g(x)\log\big(1-D(x)\big)\Big]\,dx .$$
#
# The discriminator may pick its value separately at every $x$, so we maximise $f(y)=a\log y+b\log(1-y)$ pointwise
# ($a=p_{data}(x)$, $b=p_g(x)$, $y=D(x)\in(0,1)$): $f'(y)=\dfrac{a}{y}-\dfrac{b}{1-y}=0 \Rightarrow y=\dfrac{a}{a+b}$,
# and $f''(y)=-\dfrac{a}{y^2}-\dfrac{b}{(1-y)^2}<0$, so it is a maximum. Hence
#
# $$D^*_G(x)=\frac{p_{data}(x)}{p_{data}(x)+p_g(x)} .$$
#
# This is Proposition 1 of the paper (Goodfellow et al., 2014).
#
# **Step 2: plug $D^*$ back in.** Let $C(G)=\max_D V(D,G)=V(D^*_G,G)$ and $m=\tfrac12(p_{data}+p_g)$; then
# $\dfrac{p_{data}}{p_{data}+p_g}=\dfrac{p_{data}}{2m}$ and $\dfrac{p_g}{p_{data}+p_g}=\dfrac{p_g}{2m}$:
#
# $$\begin{aligned}
# C(G) &= \mathbb{E}_{x\sim p_{data}}\Big[\log\frac{p_{data}(x)}{2m(x)}\Big] + \mathbb{E}_{x\sim p_g}\Big[\log\frac{p_g(x)}{2m(x)}\Big] \\
#      &= \mathrm{KL}\big(p_{data}\,\|\,m\big) + \mathrm{KL}\big(p_g\,\|\,m\big) - 2\log 2 \\
#      &= 2\,\mathrm{JS}\big(p_{data}\,\|\,p_g\big) - \log 4 ,
# \end{aligned}$$
#
# where $\mathrm{JS}(p\|q)=\tfrac12\mathrm{KL}(p\|m)+\tfrac12\mathrm{KL}(q\|m)$ is the **Jensen–Shannon (JS)
# divergence**. It is non-negative and zero exactly when $p_g=p_{data}$. Therefore:
#
# - with an optimal discriminator, training the generator minimises the JS divergence between $p_{data}$ and $p_g$;
# - the global optimum is unique (Goodfellow et al., 2014, Theorem 1): $p_g=p_{data}$, where $C(G)=-\log 4$ and $D^*(x)=\tfrac12$ everywhere — the
#   discriminator can only guess, like the police saying "half a chance" to every note.
#
# This holds under ideal conditions (unlimited capacity, $D$ trained to its optimum at every step); in real training
# $D$ takes only a few gradient steps, so the theory gives a direction, not a guarantee. (Lesson 6 shows that when
# $p_{data}$ and $p_g$ barely overlap, the JS divergence is stuck at $\log 2$ — one root of the original GAN's
# training troubles.)
#
# The code below checks each step of the derivation by numerical integration on a 1-D grid.

# %%
x = np.linspace(-6.0, 8.0, 20001)


def normal_pdf(x, mean, std):
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi))


def integrate(values):
    return np.trapezoid(values, x)


def value(d, p_data, p_g):
    """V(D, G) as one integral over x; p_g is the distribution of G(z)."""
    return integrate(p_data * np.log(d) + p_g * np.log1p(-d))


def kl(p, q):
    return integrate(p * np.log(p / q))


def js(p, q):
    m = 0.5 * (p + q)
    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


p_data = normal_pdf(x, 2.0, 0.5)   # the same N(2, 0.5²) as gankit's "gaussian_1d" toy below
p_g = normal_pdf(x, 0.0, 1.0)      # a generator that is not there yet
d_star = p_data / (p_data + p_g)

v_star = value(d_star, p_data, p_g)
print(f"V(D*, G)       = {v_star:.6f}")
print(f"2·JS − log 4   = {2 * js(p_data, p_g) - np.log(4):.6f}")
assert abs(v_star - (2 * js(p_data, p_g) - np.log(4))) < 1e-6

# D* really is the best discriminator: any other D scores a lower V.
for name, other in [("D* + 0.05", np.clip(d_star + 0.05, 1e-9, 1 - 1e-9)), ("(D*)^1.3", d_star ** 1.3),
                    (L.t("常数 1/2", "constant 1/2"), np.full_like(x, 0.5))]:
    print(f"V({name:<12}) = {value(other, p_data, p_g):.6f}  <  V(D*)")
    assert value(other, p_data, p_g) < v_star

# At the global optimum p_g = p_data: D* = 1/2 everywhere and V = −log 4.
assert np.allclose(p_data / (p_data + p_data), 0.5)
assert abs(value(np.full_like(x, 0.5), p_data, p_data) + np.log(4)) < 1e-6
print(f"p_g = p_data:  D* = 1/2,  V = {value(np.full_like(x, 0.5), p_data, p_data):.6f} = −log 4 = {-np.log(4):.6f}")

fig, axes = plt.subplots(1, 2, figsize=(11, 3.2), sharey=True)
for ax, pg, title in [(axes[0], p_g, tr("$p_g$ 还没学好", "$p_g$ not there yet")),
                     (axes[1], p_data, tr("全局最优：$p_g = p_{data}$", "global optimum: $p_g = p_{data}$"))]:
    ax.plot(x, p_data, "k--", label="$p_{data}$")
    ax.plot(x, pg, color="tab:green", label="$p_g$")
    ax.plot(x, p_data / (p_data + pg), color="tab:blue", label="$D^*(x)$")
    ax.axhline(0.5, color="0.6", lw=0.8, ls=":")
    ax.set_xlim(-4, 5)
    ax.set_title(title)
    ax.set_xlabel("x")
    ax.legend(loc="upper left", fontsize=8)
L.show(fig, "optimal_discriminator")
L.record(js_example=js(p_data, p_g), v_star_example=v_star)

# %% [markdown] lang="zh"
# ## 1.3 训练算法：先 $k$ 步判别器，再 1 步生成器
#
# 理论要求每一步都用最优的 $D$，实际上做不到，论文的**算法 1** 改为交替训练：
#
# > 每次迭代：
# > 1. 重复 $k$ 次：取 $m$ 个噪声 $z^{(i)}\sim p_z$ 和 $m$ 个真实样本 $x^{(i)}\sim p_{data}$，
# >    沿梯度**上升**更新判别器：$\nabla_{\theta_d}\frac1m\sum_{i=1}^m\big[\log D(x^{(i)})+\log\big(1-D(G(z^{(i)}))\big)\big]$；
# > 2. 再取 $m$ 个噪声，沿梯度**下降**更新生成器：$\nabla_{\theta_g}\frac1m\sum_{i=1}^m\log\big(1-D(G(z^{(i)}))\big)$。
#
# 论文的实验用的是 $k=1$（最省计算）。gankit 的 `GAN(d_steps=k)` 就是这个 $k$，判别器的损失取 $-V$
# （最大化 $V$ 等于最小化 $-V$），即 `losses.minimax_d_loss`。
#
# 很多 Keras 2 时代的代码（包括网上流传很广的一份 Keras 2 手写数字 GAN 教程）用另一种写法训练判别器：把 $m$ 张真图和 $m$ 张假图
# **拼成一个 $2m$ 的批次**，标签是 $m$ 个 1 和 $m$ 个 0，再用二元交叉熵（BCE）训练：
#
# ```
# X = concatenate(真实批次, G(噪声))      # 批次加倍
# y = [1] * m + [0] * m
# d.train_on_batch(X, y)                  # 判别器走一步
# d_on_g.train_on_batch(新噪声, [1] * m)  # 生成器走一步（k = 1）
# ```
#
# 这和 $-V$ 是同一个损失吗？BCE 对 $2m$ 个样本取**平均**：
#
# $$\mathrm{BCE}=\frac{1}{2m}\Big[\sum_{i=1}^m -\log D(x^{(i)}) + \sum_{i=1}^m -\log\big(1-D(G(z^{(i)}))\big)\Big]
# =\frac12\Big(-\hat V\Big),$$
#
# 也就是两半各自平均之后再平均，恰好是 gankit 的 `minimax_d_loss` 的**一半**。梯度方向完全相同，只差一个常数因子 2：
# 用 Adam 这类按梯度尺度自适应的优化器时几乎没有区别，用 SGD 时相当于学习率减半。一篇流行的中文博客《GAN系列算法原理及极简代码解析》里
# `lossD = (lossD_real + lossD_fake) / 2` 也是这一半。（另有一点区别：如果判别器里有批归一化，拼在一起的批次会把真假样本的统计量混在一起；
# gankit 把真假样本分两次送进判别器，避开了这个问题，第 2 课会再谈。）下面在随机的 logit 上数值验证。

# %% [markdown] lang="en"
# ## 1.3 The training algorithm: $k$ discriminator steps, then one generator step
#
# The theory wants the optimal $D$ at every step, which we cannot have; **Algorithm 1** of the paper alternates
# instead:
#
# > For each training iteration:
# > 1. Repeat $k$ times: sample $m$ noise vectors $z^{(i)}\sim p_z$ and $m$ real examples $x^{(i)}\sim p_{data}$;
# >    update the discriminator by **ascending** its gradient
# >    $\nabla_{\theta_d}\frac1m\sum_{i=1}^m\big[\log D(x^{(i)})+\log\big(1-D(G(z^{(i)}))\big)\big]$;
# > 2. sample $m$ fresh noise vectors and update the generator by **descending**
# >    $\nabla_{\theta_g}\frac1m\sum_{i=1}^m\log\big(1-D(G(z^{(i)}))\big)$.
#
# The paper's experiments used $k=1$, the cheapest choice. gankit's `GAN(d_steps=k)` is this $k$; the discriminator
# minimises $-V$ (maximising $V$ is minimising $-V$), which is `losses.minimax_d_loss`.
#
# Much Keras-2-era code (including a widely copied Keras 2 tutorial on handwritten digits) trains the discriminator
# differently: it **concatenates** $m$ real and $m$ fake images into one batch of $2m$ with labels $m$ ones and $m$
# zeros, and trains with binary cross-entropy (BCE):
#
# ```
# X = concatenate(real_batch, G(noise))        # the batch is doubled
# y = [1] * m + [0] * m
# d.train_on_batch(X, y)                       # one discriminator step
# d_on_g.train_on_batch(new_noise, [1] * m)    # one generator step (k = 1)
# ```
#
# Is that the same loss as $-V$? BCE takes the **mean** over all $2m$ samples:
#
# $$\mathrm{BCE}=\frac{1}{2m}\Big[\sum_{i=1}^m -\log D(x^{(i)}) + \sum_{i=1}^m -\log\big(1-D(G(z^{(i)}))\big)\Big]
# =\frac12\Big(-\hat V\Big),$$
#
# the mean of the two halves' means — exactly **half** of gankit's `minimax_d_loss`. The gradient points the same
# way and differs by a constant factor of 2: with an optimizer that adapts to the gradient's scale, such as Adam, this
# hardly matters; with SGD it amounts to halving the learning rate. The
# `lossD = (lossD_real + lossD_fake) / 2` of a popular Chinese blog post with minimal GAN code is the same half. (One more difference: if the discriminator has batch
# normalisation, the concatenated batch mixes the statistics of real and fake samples; gankit feeds them to the
# discriminator separately, which avoids that — more in lesson 2.) Below, a numerical check on random logits.

# %%
rng = np.random.default_rng(0)
m = 32
real_logits = rng.normal(1.5, 2.0, size=(m, 1)).astype("float32")   # D's logits on a real batch
fake_logits = rng.normal(-1.0, 2.0, size=(m, 1)).astype("float32")  # ... and on a generated batch

# The Keras-2 tutorial's way: one doubled batch, labels 1 then 0, BCE (a mean over all 2m samples).
bce = keras.losses.BinaryCrossentropy(from_logits=True)
doubled = float(bce(np.concatenate([np.ones((m, 1)), np.zeros((m, 1))]), np.concatenate([real_logits, fake_logits])))
# gankit's way: -V, the two halves' means added.
minus_v = float(losses.minimax_d_loss(real_logits, fake_logits))
print(L.t(f"两倍大批次上的 BCE     = {doubled:.6f}", f"BCE on the doubled batch = {doubled:.6f}"))
print(L.t(f"minimax_d_loss (−V) = {minus_v:.6f}（它的一半：{minus_v / 2:.6f}）",
          f"minimax_d_loss (−V)      = {minus_v:.6f}   (half of it: {minus_v / 2:.6f})"))
assert np.isclose(doubled, 0.5 * minus_v, rtol=1e-5)

# %% [markdown] lang="zh"
# ## 1.4 饱和损失与非饱和损失
#
# 先把损失写出来。判别器输出 logit $\ell$，$D=\sigma(\ell)=1/(1+e^{-\ell})$。直接算 $\log\sigma(\ell)$ 在 $\ell$ 很负时会出问题：
# $\sigma(-200)\approx10^{-87}$ 在 float32 里下溢成 0，取对数得到 $-\infty$。换成 softplus $\big(\mathrm{softplus}(u)=\log(1+e^u)\big)$ 就没有这个问题：
#
# $$\log\sigma(\ell)=-\mathrm{softplus}(-\ell),\qquad \log\big(1-\sigma(\ell)\big)=-\mathrm{softplus}(\ell).$$
#
# 生成器有两种损失可选：
#
# - **饱和损失**（原始的极小极大形式）：最小化 $\mathcal L_G^{\text{sat}}=\mathbb E_z\big[\log(1-D(G(z)))\big]=-\mathbb E\big[\mathrm{softplus}(\ell)\big]$；
# - **非饱和损失**（论文第 3 节的建议）：最小化 $\mathcal L_G^{\text{NS}}=-\mathbb E_z\big[\log D(G(z))\big]=\mathbb E\big[\mathrm{softplus}(-\ell)\big]$。
#
# 两者的不动点相同（都希望 $D(G(z))\to1$），但梯度大不一样。对 logit 求导：
#
# $$\frac{\partial}{\partial\ell}\log\big(1-\sigma(\ell)\big)=-\sigma(\ell)=-D,\qquad
# \frac{\partial}{\partial\ell}\big[-\log\sigma(\ell)\big]=-\big(1-\sigma(\ell)\big)=-(1-D).$$
#
# 训练刚开始时生成器很差，判别器能以很高的把握拒绝假样本，$D(G(z))\approx0$：饱和损失的梯度约等于 $D$，几乎为零——
# 生成器**梯度消失**，学不动；非饱和损失的梯度约为 1，正好在最需要的时候最强。前面那篇中文博客的代码
# `criterion(output, ones)` 算的就是 $-\log D(G(z))$，gankit 的 `GAN` 默认也是 `loss="non_saturating"`。
#
# 先用几行代码写出损失，检查它们和 gankit 库里的函数相等，再用 `GradientTape` 对库函数求梯度、画图。

# %% [markdown] lang="en"
# ## 1.4 Saturating and non-saturating losses
#
# First, the losses themselves. The discriminator outputs a logit $\ell$, with $D=\sigma(\ell)=1/(1+e^{-\ell})$.
# Computing $\log\sigma(\ell)$ directly breaks for very negative $\ell$: $\sigma(-200)\approx10^{-87}$ underflows to 0
# in float32 and its log is $-\infty$. Written with softplus $\big(\mathrm{softplus}(u)=\log(1+e^u)\big)$ there is no
# such problem:
#
# $$\log\sigma(\ell)=-\mathrm{softplus}(-\ell),\qquad \log\big(1-\sigma(\ell)\big)=-\mathrm{softplus}(\ell).$$
#
# The generator has two losses to choose from:
#
# - the **saturating loss** (the original minimax form): minimise
#   $\mathcal L_G^{\text{sat}}=\mathbb E_z\big[\log(1-D(G(z)))\big]=-\mathbb E\big[\mathrm{softplus}(\ell)\big]$;
# - the **non-saturating loss** (the paper's advice, section 3): minimise
#   $\mathcal L_G^{\text{NS}}=-\mathbb E_z\big[\log D(G(z))\big]=\mathbb E\big[\mathrm{softplus}(-\ell)\big]$.
#
# Both have the same fixed point (both want $D(G(z))\to1$), but their gradients are very different. With respect to
# the logit:
#
# $$\frac{\partial}{\partial\ell}\log\big(1-\sigma(\ell)\big)=-\sigma(\ell)=-D,\qquad
# \frac{\partial}{\partial\ell}\big[-\log\sigma(\ell)\big]=-\big(1-\sigma(\ell)\big)=-(1-D).$$
#
# Early in training the generator is poor and the discriminator rejects its samples with confidence,
# $D(G(z))\approx0$: the saturating loss's gradient is about $D$, nearly zero — the generator's gradient
# **vanishes** and it cannot learn; the non-saturating gradient is about 1, strongest exactly when it is needed.
# The Chinese blog post's `criterion(output, ones)` computes $-\log D(G(z))$, and gankit's `GAN` defaults to
# `loss="non_saturating"`.
#
# We first write the losses in a few lines and check that they equal gankit's library functions, then differentiate
# the library functions with `GradientTape` and plot.

# %%
def d_loss_inline(real_logits, fake_logits):
    # -V = -E[log D(x)] - E[log(1 - D(G(z)))], using log σ(l) = -softplus(-l) and log(1 - σ(l)) = -softplus(l)
    return tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(tf.nn.softplus(fake_logits))


def g_loss_saturating_inline(fake_logits):      # E[log(1 - D(G(z)))]
    return -tf.reduce_mean(tf.nn.softplus(fake_logits))


def g_loss_non_saturating_inline(fake_logits):  # -E[log D(G(z))]
    return tf.reduce_mean(tf.nn.softplus(-fake_logits))


assert np.isclose(float(d_loss_inline(real_logits, fake_logits)), float(losses.minimax_d_loss(real_logits, fake_logits)))
assert np.isclose(float(g_loss_saturating_inline(fake_logits)), float(losses.minimax_g_loss(fake_logits)))
assert np.isclose(float(g_loss_non_saturating_inline(fake_logits)), float(losses.nonsaturating_g_loss(fake_logits)))
print(L.t("三个手写的损失与 gankit.losses 一致。", "The three inline losses equal gankit.losses."))

# Why logits: the naive log(sigmoid(l)) overflows to -inf in float32, the softplus form does not.
far = tf.constant([-200.0])
naive = float(tf.math.log(tf.sigmoid(far))[0])
stable = float(-tf.nn.softplus(-far)[0])
print(L.t(f"log σ(−200)：直接计算 = {naive}，用 softplus = {stable}",
          f"log σ(−200): naive = {naive}, via softplus = {stable}"))
assert np.isinf(naive) and np.isclose(stable, -200.0)

# %%
d_fake = np.logspace(-4, np.log10(0.9999), 300)          # values of D(G(z)) to look at
logits = tf.constant(np.log(d_fake / (1 - d_fake)), tf.float32)


def per_sample(loss_fn):
    """Each sample's loss and d(loss)/d(logit), through a gankit loss (a batch mean, hence the factor n)."""
    n = len(d_fake)
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = loss_fn(logits)
    grad = tape.gradient(loss, logits).numpy() * n
    values = np.array([float(loss_fn(logits[i:i + 1])) for i in range(n)])
    return values, grad


sat_loss, sat_grad = per_sample(losses.minimax_g_loss)
ns_loss, ns_grad = per_sample(losses.nonsaturating_g_loss)
assert np.allclose(sat_grad, -d_fake, atol=1e-5)        # d/dl log(1 − σ(l)) = −D
assert np.allclose(ns_grad, -(1 - d_fake), atol=1e-5)   # d/dl [−log σ(l)]  = −(1 − D)
i = np.searchsorted(d_fake, 1e-3)
print(L.t(f"D(G(z)) = {d_fake[i]:.4f} 时的 |梯度|：饱和损失 {abs(sat_grad[i]):.4f}，"
          f"非饱和损失 {abs(ns_grad[i]):.4f}",
          f"D(G(z)) = {d_fake[i]:.4f}:  |gradient| saturating = {abs(sat_grad[i]):.4f},  "
          f"non-saturating = {abs(ns_grad[i]):.4f}"))
L.record(grad_saturating_at_1e3=abs(sat_grad[i]), grad_non_saturating_at_1e3=abs(ns_grad[i]))

fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
axes[0].plot(d_fake, sat_loss, label=tr("饱和 $\\log(1-D(G(z)))$", "saturating $\\log(1-D(G(z)))$"))
axes[0].plot(d_fake, ns_loss, label=tr("非饱和 $-\\log D(G(z))$", "non-saturating $-\\log D(G(z))$"))
axes[0].set_xlabel("$D(G(z))$")
axes[0].set_ylabel(tr("生成器损失（越小越好）", "generator loss (lower is better)"))
axes[0].set_ylim(-5, 5)
axes[1].loglog(d_fake, np.abs(sat_grad), label=tr("饱和", "saturating"))
axes[1].loglog(d_fake, np.abs(ns_grad), label=tr("非饱和", "non-saturating"))
axes[1].set_xlabel("$D(G(z))$")
axes[1].set_ylabel("$|\\partial \\mathcal{L}_G / \\partial \\ell|$")
axes[1].axvspan(1e-4, 1e-2, color="tab:red", alpha=0.1)
axes[1].text(1.2e-4, 2e-3, tr("训练初期：\n判别器轻松拒绝假样本", "early training:\nD rejects the fakes"), fontsize=8)
for ax in axes:
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
L.show(fig, "saturating_vs_non_saturating")

# %% [markdown] lang="zh"
# ## 1.5 一维玩具：看着 $p_g$ 挪到 $p_{data}$ 上
#
# 先在最简单的数据上看博弈如何进行。真实分布是一维正态分布 $p_{data}=\mathcal N(2,\,0.5^2)$
# （`gankit.data.load("gaussian_1d")`）。生成器把 4 维噪声经过两个 32 单元的隐藏层映射成一个实数——输出层**不加 tanh**，
# 因为数据不在 $[-1,1]$ 里；判别器把一个实数映射成一个 logit。两个网络都用 gankit 的全连接积木 `nets.mlp_generator` /
# `nets.mlp_discriminator` 搭出来，再交给 `models.GAN`，训练循环就是 1.3 节的算法 1（$k=1$，非饱和损失，两个 Adam(3e-4)）。
#
# 一个 Keras 回调（callback）在若干个时刻记下两样东西：生成样本的直方图（$p_g$）和判别器在各个 $x$ 上的输出 $D(x)$。
# 对照 1.2 节的理论：一开始 $D$ 在真实数据那一侧接近 1；随着 $p_g$ 挪过去、和 $p_{data}$ 重合，
# $D$ 的曲线应该被压平到 $\tfrac12$ 附近（原论文图 1 画的正是这个过程）。

# %% [markdown] lang="en"
# ## 1.5 A 1-D toy: watch $p_g$ move onto $p_{data}$
#
# First, the game on the simplest data. The real distribution is the 1-D normal $p_{data}=\mathcal N(2,\,0.5^2)$
# (`gankit.data.load("gaussian_1d")`). The generator maps 4-D noise through two hidden layers of 32 units to one real
# number — with **no tanh** at the output, since the data do not live in $[-1,1]$; the discriminator maps a real
# number to a logit. Both networks are built from gankit's fully connected blocks `nets.mlp_generator` /
# `nets.mlp_discriminator` and handed to `models.GAN`, whose training loop is Algorithm 1 of section 1.3 ($k=1$,
# non-saturating loss, one Adam(3e-4) per network).
#
# A Keras callback records two things at a few moments: a histogram of generated samples ($p_g$) and the
# discriminator's output $D(x)$ over $x$. Compare with the theory of 1.2: at first $D$ is close to 1 on the real
# data's side; as $p_g$ moves over and overlaps $p_{data}$, $D$'s curve should flatten towards $\tfrac12$ (the
# process drawn in Figure 1 of the paper).

# %%
class Snapshots(keras.callbacks.Callback):
    """Keep samples of p_g and the curve D(x) at chosen epochs (0 = before training)."""

    def __init__(self, at_epochs, grid, n=5000):
        super().__init__()
        self.at, self.grid, self.n, self.frames = sorted(at_epochs), grid, n, {}

    def grab(self, epoch):
        samples = self.model.generate(self.n, seed=1)[:, 0]
        self.frames[epoch] = (samples, self.model.score(self.grid[:, None]))

    def on_train_begin(self, logs=None):
        if 0 in self.at:
            self.grab(0)

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 in self.at:
            self.grab(epoch + 1)


keras.utils.set_random_seed(0)
LATENT_1D = 4
toy = gdata.load("gaussian_1d", batch_size=128, limit=8192)      # 64 steps per epoch
toy_gan = models.GAN(
    generator=nets.mlp_generator(LATENT_1D, (1,), hidden=(32, 32), output_activation=None),
    discriminator=nets.mlp_discriminator((1,), hidden=(32, 32)),
    latent_dim=LATENT_1D, seed=0)
toy_gan.compile()                                                 # Adam(3e-4) for G and for D

at = L.pick(full=[0, 1, 2, 4, 8, 16, 30], quick=[0, 1, 2, 4, 6])
grid = np.linspace(-2.0, 5.0, 300).astype("float32")
snaps = Snapshots(at, grid)
start = time.time()
toy_history = toy_gan.fit(toy, epochs=at[-1], callbacks=[snaps], verbose=0)
print(L.t(f"训练 {at[-1]} 轮（每轮 64 步）用时 {time.time() - start:.1f} 秒",
          f"{at[-1]} epochs of 64 steps in {time.time() - start:.1f} s"))

cols = len(at) if len(at) <= 5 else 4
rows = int(np.ceil(len(at) / cols))
fig, axes = plt.subplots(rows, cols, figsize=(3.1 * cols, 2.7 * rows), sharex=True, sharey=True, squeeze=False)
for ax, epoch in zip(axes.flat, at):
    samples, d_curve = snaps.frames[epoch]
    ax.hist(samples, bins=60, range=(-2, 5), density=True, color="tab:green", alpha=0.5, label="$p_g$")
    ax.plot(grid, normal_pdf(grid, 2.0, 0.5), "k--", lw=1, label="$p_{data}$")
    ax.plot(grid, d_curve, color="tab:blue", label="$D(x)$")
    ax.axhline(0.5, color="0.6", lw=0.8, ls=":")
    ax.set_ylim(0, 1.3)
    ax.set_title(tr(f"第 {epoch} 轮", f"epoch {epoch}") + f" · {epoch * 64} " + tr("步", "steps"), fontsize=9)
for ax in list(axes.flat)[len(at):]:
    ax.axis("off")
axes.flat[0].legend(fontsize=7, loc="upper left")
L.show(fig, "toy_1d")

first, last = snaps.frames[at[0]][0], snaps.frames[at[-1]][0]
in_data = (grid > 1.0) & (grid < 3.0)          # where p_data has most of its mass
d_dev_first = np.abs(snaps.frames[at[0]][1][in_data] - 0.5).max()
d_dev_last = np.abs(snaps.frames[at[-1]][1][in_data] - 0.5).max()
print(L.t(f"G(z) 的均值：{first.mean():.3f} → {last.mean():.3f}（数据：2.0）",
          f"mean of G(z): {first.mean():.3f} → {last.mean():.3f}   (data: 2.0)"))
print(L.t(f"G(z) 的标准差：{first.std():.3f} → {last.std():.3f}（数据：0.5）",
          f"std  of G(z): {first.std():.3f} → {last.std():.3f}   (data: 0.5)"))
print(L.t(f"1 < x < 3 上 |D(x) − 1/2| 的最大值：{d_dev_first:.3f} → {d_dev_last:.3f}",
          f"max |D(x) − 1/2| on 1 < x < 3: {d_dev_first:.3f} → {d_dev_last:.3f}"))
L.record(toy_mean_start=first.mean(), toy_mean_end=last.mean(), toy_std_end=last.std(), toy_d_dev_end=d_dev_last)
L.record_history("toy", toy_history)
assert abs(last.mean() - 2.0) < 0.5 * abs(first.mean() - 2.0), "the generator should have moved onto the data"

# %% [markdown] lang="zh"
# 几点观察：
#
# - 生成样本的均值很快就挪到了 2 附近；**方差**要慢得多——判别器只能从“哪里多了、哪里少了”感觉到方差不对，
#   这个信号比“整体偏了”弱得多。完整模式多训练几轮，$p_g$ 的宽度才会收窄到 $0.5$ 左右。
# - 判别器的曲线最后在数据所在的区域贴近 $\tfrac12$：它已经分不出真假，这正是 1.2 节预言的均衡。
#   远离数据的地方（两边的尾巴）几乎没有样本，$D$ 在那里的值没有意义。
# - 曲线并不是平稳地收敛，而是会来回摆动：$D$ 一旦“发现”某一侧生成样本偏多，$G$ 就被推向另一侧。
#   交替的梯度下降不保证收敛到纳什均衡，这是 GAN 训练的一个根本难点（第 6、10 课会继续讨论）。

# %% [markdown] lang="en"
# Things to notice:
#
# - The mean of the generated samples reaches about 2 quickly; the **spread** takes much longer — the discriminator
#   senses a wrong variance only through "too many here, too few there", a far weaker signal than "everything is
#   shifted". In full mode, with more epochs, the width of $p_g$ narrows to about $0.5$.
# - In the end the discriminator's curve hugs $\tfrac12$ where the data live: it can no longer tell real from fake —
#   the equilibrium predicted in section 1.2. Far from the data (the tails) there are hardly any samples, and $D$'s
#   values there mean nothing.
# - The curves do not settle smoothly; they swing back and forth: as soon as $D$ "notices" too many fakes on one side,
#   $G$ is pushed to the other. Alternating gradient descent is not guaranteed to converge to a Nash equilibrium —
#   a fundamental difficulty of GAN training (more in lessons 6 and 10).

# %% [markdown] lang="zh"
# ## 1.6 第一个图像 GAN：MNIST 上的全连接 GAN
#
# 现在照着那篇中文博客《GAN系列算法原理及极简代码解析》的网络，在 MNIST 手写数字上训练一个 GAN。它非常小，两个网络都只有一个隐藏层，连卷积都没有：
#
# | | 结构 | 参数量 |
# |---|---|---|
# | 判别器 $D$ | 784 → 128（LeakyReLU 0.01）→ 1（logit） | 100,609 |
# | 生成器 $G$ | $z$ 64 维 → 256（LeakyReLU 0.01）→ 784（tanh）→ $28\times28$ | 218,128 |
#
# 两个网络各用一个 Adam，学习率 $3\times10^{-4}$；这正是 `gankit.models.GAN` 的默认设置。
#
# **为什么把像素缩放到 $[-1,1]$？** 生成器最后一层是 tanh，输出只能落在 $(-1,1)$ 里。真实图片必须处在同一个范围，否则
# 判别器根本不用看笔画，只看数值范围就能分辨真假。gankit 用 $x/127.5-1$ 把 $[0,255]$ 映射到 $[-1,1]$，
# 和博客代码里的 `Normalize((0.5,), (0.5,))` 一样。博客作者还特意提到：如果换成 MNIST 自己的均值和标准差
# $(0.1307, 0.3081)$，训练就会发散——下面的代码算给你看原因：那样归一化后白色像素变成 $2.82$，tanh 永远输出不了，
# 判别器只要找“有没有大于 1 的像素”就能百分之百识破假图。另一个好处是输入以 0 为中心、正负对称：
# 如果输入全是正数，一个神经元所有权重的梯度符号都相同，只能“之”字形地走向最优解；
# tanh 本身也关于 0 对称，在 0 附近梯度最大。
#
# **批次大小。** 博客代码用 32。本课用 64：在 CPU 上每一步的固定开销占大头，批次翻倍后一轮的步数减半，
# 一轮的时间也差不多减半；对这个小网络和 Adam(3e-4)，64 同样训练得很稳。
#
# **时间。** 完整模式训练 30 轮（每轮 60000 张图、937 步），在 2 核 AVX-512 CPU 上（只有 AVX2 的 CPU 更慢）训练约 2 分钟（整课完整模式也只要 2 分多钟，见本课末尾的实测）：不少样本已经能认出是哪个数字（0、1、7、9……），
# 但带着椒盐状的噪点——这差不多是只有一个隐藏层的全连接网络的极限，第 2 课的 DCGAN 会干净得多。
# 快速模式只用 2048 张图训练 8 轮（256 步），几秒钟就结束：样本还是一片噪声，只有平均亮度开始向 MNIST 的黑色背景靠拢
# （代码最后会检查这一点）；要看到“黑背景、中间一团亮”的雏形，大约需要一千步。
# 有 GPU 的话也快不了多少：网络太小，瓶颈在每一步的固定开销上。

# %% [markdown] lang="en"
# ## 1.6 A first image GAN: a fully connected GAN on MNIST
#
# Now a GAN on MNIST handwritten digits, with the networks of that Chinese blog post on minimal GAN code. It is tiny: one hidden layer in each
# network and not a single convolution:
#
# | | architecture | parameters |
# |---|---|---|
# | discriminator $D$ | 784 → 128 (LeakyReLU 0.01) → 1 (logit) | 100,609 |
# | generator $G$ | $z$ of 64 dims → 256 (LeakyReLU 0.01) → 784 (tanh) → $28\times28$ | 218,128 |
#
# Each network has its own Adam with learning rate $3\times10^{-4}$; these are `gankit.models.GAN`'s defaults.
#
# **Why scale pixels to $[-1,1]$?** The generator ends in tanh, so its outputs lie in $(-1,1)$. Real images must live
# in the same range, or the discriminator need not look at strokes at all: the range alone would give the fakes away.
# gankit maps $[0,255]$ to $[-1,1]$ with $x/127.5-1$, the same as the blog's `Normalize((0.5,), (0.5,))`. The blog's
# author remarks that with MNIST's own mean and standard deviation $(0.1307, 0.3081)$ training diverges — the code
# below shows why: after that normalisation a white pixel becomes $2.82$, which tanh can never output, so the
# discriminator catches every fake just by looking for pixels above 1. A second benefit is that inputs are centred and
# symmetric around 0: if all inputs were positive, the gradients of all of a neuron's weights would share one sign
# and could only zig-zag towards the optimum; tanh itself is symmetric about 0, with its largest slope there.
#
# **Batch size.** The blog uses 32. This lesson uses 64: on a CPU a fixed cost per step dominates, so doubling the
# batch halves the steps per epoch and roughly halves the epoch's time; for this small network with Adam(3e-4), 64
# trains just as steadily.
#
# **Time.** Full mode trains 30 epochs (60,000 images, 937 steps each), about 2 minutes of training on a 2-core AVX-512 CPU (slower on CPUs with only AVX2; the whole lesson in full mode takes just over 2 minutes, measured at its end): many samples are then recognisable
# digits (0, 1, 7, 9 …), though speckled with salt-and-pepper noise — about the limit of a fully connected
# network with one hidden layer; lesson 2's DCGAN is much cleaner. Quick mode trains 8 epochs on 2,048 images
# (256 steps) and is over in seconds: the samples are still noise, only their mean brightness has started to move
# towards MNIST's dark background (the code checks this at the end); the first "dark background, bright blob in the
# middle" shapes need about a thousand steps. A GPU hardly helps here: the networks are so small that the per-step
# overhead is the bottleneck.

# %%
images, labels, source = gdata.load_arrays("mnist")
print(L.t(f"MNIST 来自 {source}：{images.shape}，{images.dtype}，取值 {images.min()}…{images.max()}",
          f"MNIST from {source}: {images.shape}, {images.dtype}, values {images.min()}…{images.max()}"))
sample = images[:2000].astype("float32")
signed = gdata.to_signed(sample).numpy()                  # gankit: x / 127.5 − 1
standardised = (sample / 255.0 - 0.1307) / 0.3081         # MNIST's own mean / std
print(f"x/127.5 − 1:            [{signed.min():.2f}, {signed.max():.2f}]")
print(f"(x/255 − 0.1307)/0.3081: [{standardised.min():.2f}, {standardised.max():.2f}]  → "
      + L.t(f"{(standardised > 1).mean():.1%} 的像素超出 tanh 的范围",
            f"{(standardised > 1).mean():.1%} of the pixels are beyond tanh's reach"))
assert signed.min() >= -1.0 and signed.max() <= 1.0
assert standardised.max() > 2.5

fig, ax = plt.subplots(figsize=(8, 2.8))
ax.hist(signed.ravel(), bins=80, range=(-1.5, 3), alpha=0.6, label="$x/127.5-1$ (gankit)")
ax.hist(standardised.ravel(), bins=80, range=(-1.5, 3), alpha=0.6, label="$(x/255-0.1307)/0.3081$")
ax.axvspan(-1, 1, color="tab:green", alpha=0.08, label=tr("tanh 的输出范围", "range of tanh"))
ax.set_yscale("log")
ax.set_xlabel(tr("像素值", "pixel value"))
ax.legend(fontsize=8)
L.show(fig, "mnist_scaling")

# %%
keras.utils.set_random_seed(0)
gan = models.GAN(seed=0)      # the blog's MLPs: G 64→256→784 (tanh), D 784→128→1, LeakyReLU(0.01)
gan.compile()                 # one Adam(3e-4) per network
print("G:", [type(layer).__name__ for layer in gan.generator.layers], gan.generator.count_params())
print("D:", [type(layer).__name__ for layer in gan.discriminator.layers], gan.discriminator.count_params())
assert gan.generator.count_params() == (64 * 256 + 256) + (256 * 784 + 784)
assert gan.discriminator.count_params() == (784 * 128 + 128) + (128 + 1)

# %%
class EpochTimer(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.time()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.time() - self.started)


BATCH = 64
EPOCHS = L.epochs(full=30, quick=8)
mnist = gdata.load("mnist", batch_size=BATCH, limit=L.pick(None, 2048), labels=False)
steps = int(mnist.cardinality())
before = gan.generate(256, seed=0)
grids = viz.SampleGrid(L.out / "samples", n=64, seed=0)   # the same 64 noise vectors after every epoch
timer = EpochTimer()
history = gan.fit(mnist, epochs=EPOCHS, callbacks=[*L.callbacks("gan"), grids, timer], verbose=0)
L.record_history("gan", history)

per_epoch = float(np.median(timer.seconds)) if timer.seconds else float("nan")  # none: loaded, already trained
print(L.t(f"{EPOCHS} 轮 × {steps} 步，总用时 {sum(timer.seconds):.0f} 秒，每轮约 {per_epoch:.1f} 秒"
          f"（整个 MNIST 一轮约 {per_epoch * 937 / steps:.0f} 秒）",
          f"{EPOCHS} epochs × {steps} steps in {sum(timer.seconds):.0f} s, about {per_epoch:.1f} s per epoch "
          f"(about {per_epoch * 937 / steps:.0f} s per epoch of the full MNIST)"))
L.record(mnist_seconds_per_epoch=per_epoch, mnist_steps_per_epoch=steps)

# %% [markdown] lang="zh"
# 损失曲线可以作为“训练有没有崩”的粗略参考，但**不能**说明图像质量。两条虚线是理论均衡处的值：
# 当 $D\equiv\tfrac12$ 时，判别器损失 $-V=\log 4\approx1.386$，生成器的非饱和损失 $-\log\tfrac12=\log 2\approx0.693$。
# 小网络的判别器通常一直占上风（判别器损失低于 $\log 4$、生成器损失高于 $\log 2$），但这并不妨碍生成器进步——
# 要看进步，得看同一批固定噪声生成的图。

# %% [markdown] lang="en"
# Loss curves are a rough check that training has not collapsed, but they do **not** measure image quality. The two
# dotted lines are the values at the theoretical equilibrium: with $D\equiv\tfrac12$ the discriminator's loss is
# $-V=\log 4\approx1.386$ and the generator's non-saturating loss is $-\log\tfrac12=\log 2\approx0.693$. With small
# networks the discriminator usually stays ahead (its loss below $\log 4$, the generator's above $\log 2$), which does
# not stop the generator from improving — to see progress, look at pictures from a fixed batch of noise.

# %%
fig = viz.plot_losses(history, title=tr("MNIST 全连接 GAN 的损失", "MNIST MLP GAN losses"))
ax = fig.axes[0]
ax.axhline(np.log(4), color="tab:blue", ls=":", lw=1)
ax.axhline(np.log(2), color="tab:orange", ls=":", lw=1)
ax.text(0.99, np.log(4), "log 4", transform=ax.get_yaxis_transform(), ha="right", va="bottom", fontsize=8)
ax.text(0.99, np.log(2), "log 2", transform=ax.get_yaxis_transform(), ha="right", va="bottom", fontsize=8)
L.show(fig, "mnist_losses")

picks = sorted({0, len(grids.frames) // 3, 2 * len(grids.frames) // 3, len(grids.frames) - 1})
fig, axes = plt.subplots(1, len(picks), figsize=(4.4 * len(picks), 4.6))
for ax, k in zip(np.atleast_1d(axes), picks):
    ax.imshow(grids.frames[k], cmap="gray", vmin=0, vmax=255)
    ax.set_title(tr(f"第 {k + 1} 轮", f"epoch {k + 1}"))
    ax.axis("off")
L.show(fig, "mnist_progress")
L.save_grid(gan.generate(100, seed=1), "mnist_final", nrow=10)

after = gan.generate(256, seed=0)
real_mean = float(signed.mean())
gap_before, gap_after = abs(before.mean() - real_mean), abs(after.mean() - real_mean)
print(L.t(f"平均像素值：真实 {real_mean:.3f}，训练前 {before.mean():.3f}，训练后 {after.mean():.3f}",
          f"mean pixel: real {real_mean:.3f}, before training {before.mean():.3f}, after {after.mean():.3f}"))
L.record(mnist_mean_gap_before=gap_before, mnist_mean_gap_after=gap_after)
assert after.min() >= -1 and after.max() <= 1
assert gap_after < gap_before - 0.1, "the generator should have learned that MNIST is mostly dark background"

# %% [markdown] lang="zh"
# ## 1.7 从结构化学习看 GAN：为什么要两个网络？
#
# 李宏毅老师的 GAN 课程（中文博客《浅谈生成对抗网络》有一份整理）从“结构化学习”的角度解释 GAN。机器学习就是找一个函数 $f: X\to Y$：
# 回归输出一个数，分类输出一个类别，而**结构化学习**要输出一个有内部结构的对象——一个句子、一张图、一棵树，
# 各个部分之间相互依赖。它难在两点：
#
# - 输出空间极大，几乎每个要生成的对象在训练集里都没有出现过（可以看成一次性 / 零样本学习）；
# - 模型必须有**大局观**：一张图是不是数字“1”，要看所有像素之间的关系，而不是单个像素。
#
# **只用生成器行不行？** 可以，比如自编码器或 VAE 的解码器：让输出逐像素地接近训练图片。问题是逐像素的损失把每个像素的误差当作互相独立的：
# 笔画中间少了一个像素和角落里多出一个孤立的亮点，损失一样大，可在人眼里后者一看就是假的。
# 要学到像素之间的依赖，需要更深的网络；而且当答案不唯一时，逐像素损失会给出所有可能答案的平均——模糊的图（第 0 课的“鬼影”实验）。
#
# **只用判别器行不行？** 判别器天生善于看全局：它一次看到整个对象，检查“笔画连不连贯”这类结构很容易。
# 可用它来生成，就要解 $\tilde x=\arg\max_x D(x)$，在高维空间里这是一个很难的搜索问题；而且训练判别器需要好的“负样本”，
# 只能迭代地进行：用当前的 $D$ 找出它打分最高的样本当负样本，重新训练 $D$，再找……
#
# **两者合作就是 GAN：** 生成器相当于一个学出来的、很快的 $\arg\max_x D(x)$ 求解器，同时不断为判别器提供越来越难的负样本；
# 判别器则把自己的“大局观”通过梯度教给生成器。生成器学会了生成，判别器学会了评价——缺了谁都不行。

# %% [markdown] lang="en"
# ## 1.7 The structured-learning view: why two networks?
#
# Hung-yi Lee's GAN course (summarised in the Chinese blog post "浅谈生成对抗网络") explains GANs through **structured learning**. Machine learning
# looks for a function $f: X\to Y$: regression outputs a number, classification a class, and **structured learning**
# outputs an object with internal structure — a sentence, an image, a tree — whose parts depend on each other. Two
# things make it hard:
#
# - the output space is huge and almost every object we want to produce never appeared in training (think of it as
#   one-shot or zero-shot learning);
# - the model needs **the big picture**: whether an image is a "1" depends on the relations among all its pixels, not
#   on any single pixel.
#
# **Can a generator alone do it?** Yes, for example the decoder of an autoencoder or a VAE, trained so that its output
# matches training images pixel by pixel. The trouble is that a per-pixel loss treats each pixel's error as
# independent: a pixel missing from the middle of a stroke costs as much as a lone bright dot in a corner, yet to a
# human eye the second one is an obvious fake. Learning the dependencies between pixels takes a deeper network; and
# when the answer is not unique, a per-pixel loss returns the average of all possible answers — a blurry picture
# (lesson 0's "ghost" experiment).
#
# **Can a discriminator alone do it?** A discriminator is good at the big picture by nature: it sees the whole object
# at once, so checking structure such as "is the stroke connected?" is easy. But to generate with it, we must solve
# $\tilde x=\arg\max_x D(x)$, a hard search in a high-dimensional space; and training the discriminator needs good
# negative examples, which can only be found iteratively: take the samples the current $D$ rates highest as
# negatives, retrain $D$, search again …
#
# **Together they make a GAN:** the generator is a learned, fast solver of $\arg\max_x D(x)$ that keeps supplying the
# discriminator with ever harder negatives; the discriminator passes its big-picture judgement to the generator
# through gradients. The generator learns to generate, the discriminator learns to judge — neither works well alone.

# %% [markdown] lang="zh"
# ## 1.8 从 Keras 2 到 Keras 3：`d.trainable = False` 的老办法
#
# Keras 2 时代的 GAN 教程（包括前面那份流传很广的手写数字教程）几乎都这样训练生成器：把生成器和判别器串成一个组合模型
# `d_on_g = Sequential([g, d])`，先设 `d.trainable = False` 再编译它，这样“训练组合模型时只更新 $G$”；
# 然后把 `d.trainable` 改回 `True`，再编译判别器自己。那份教程还在循环里每一步前后来回切换这个开关。
#
# 这个办法依赖 Keras 2 的一条规则：**`trainable` 在 `compile()` 时被记住**。Keras 2 的 FAQ 甚至专门举例：
# 同一层在编译 `frozen_model` 时被冻结、编译 `trainable_model` 时解冻，之后 `frozen_model.fit` 不会更新这层的权重。
#
# Keras 3 里这条规则不再成立。用 TensorFlow 后端时，要更新哪些变量是在**第一次构建训练函数**时（`compile()` 之后的第一次
# `train_on_batch` 或 `fit`）读出来、固定在计算图里的；而 `layer.trainable = ...` 还会顺带修改每个变量自身的 `trainable` 标记——
# 这些变量被两个模型共享。与其从源码推理，不如直接做实验：对四种写法，逐步检查每次调用之后 $G$ 和 $D$ 的权重有没有变化，
# 同时记录 Keras 发出了多少条警告。

# %% [markdown] lang="en"
# ## 1.8 Keras 2 → Keras 3: the old `d.trainable = False` recipe
#
# Keras-2-era GAN tutorials (that widely copied handwritten-digit tutorial among them) nearly all train the generator like this: chain generator
# and discriminator into a combined model `d_on_g = Sequential([g, d])`, set `d.trainable = False` before compiling it
# so that "training the combined model only updates $G$", then set `d.trainable` back to `True` and compile the
# discriminator on its own. That tutorial also flips the flag around every step of its loop.
#
# The recipe rests on a Keras 2 rule: **`trainable` is captured when `compile()` is called**. The Keras 2 FAQ even
# gives the example: one layer, frozen when `frozen_model` is compiled and unfrozen when `trainable_model` is compiled;
# afterwards `frozen_model.fit` does not update that layer's weights.
#
# In Keras 3 that rule no longer holds. With the TensorFlow backend, the variables to update are read **when the
# training function is first built** (the first `train_on_batch` or `fit` after `compile()`) and fixed in the traced
# graph; and `layer.trainable = ...` also flips each variable's own `trainable` flag — variables the two models share.
# Rather than argue from the source code, we run an experiment: for four ways of writing it, it checks after every call whether
# $G$'s and $D$'s weights changed, and counts the warnings Keras issued.

# %%
def tiny_pair():
    """A tiny G (4 → 8) and D (8 → 1, sigmoid), Keras-2 style."""
    keras.utils.set_random_seed(1)
    g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="tanh")], name="g")
    d = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1, activation="sigmoid")], name="d")
    return g, d


def sgd():
    return keras.optimizers.SGD(0.1)


real_8 = np.random.default_rng(0).normal(size=(16, 8)).astype("float32")
noise_4 = np.random.default_rng(1).uniform(-1, 1, size=(16, 4)).astype("float32")
labels_2m = np.array([1.0] * 16 + [0.0] * 16, "float32")
ones_m = np.ones(16, "float32")
rows = []


def watch(recipe, call, g, d, step):
    """Run one training call; record whether G's and D's weights changed and how many warnings came."""
    before_g, before_d = [w.numpy().copy() for w in g.weights], [w.numpy().copy() for w in d.weights]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        step()
    changed = lambda model, before: any(not np.allclose(a, w.numpy()) for a, w in zip(before, model.weights))
    rows.append((recipe, call, changed(g, before_g), changed(d, before_d), len(caught)))


# A · the Keras-2 tutorial: freeze, compile d_on_g; unfreeze, compile d; flip the flag around every generator step.
g, d = tiny_pair()
d_on_g = keras.Sequential([g, d])
d.trainable = False
d_on_g.compile(loss="binary_crossentropy", optimizer=sgd())
d.trainable = True
d.compile(loss="binary_crossentropy", optimizer=sgd())
for _ in range(2):
    X = np.concatenate([real_8, g.predict(noise_4, verbose=0)])
    watch("A", "d.train_on_batch(X, y)", g, d, lambda: d.train_on_batch(X, labels_2m))
    d.trainable = False
    watch("A", "d_on_g.train_on_batch(z, 1)", g, d, lambda: d_on_g.train_on_batch(noise_4, ones_m))
    d.trainable = True

# B · Keras-2 textbook: compile d, then freeze it "only for the combined model", never flip it back.
g, d = tiny_pair()
d.compile(loss="binary_crossentropy", optimizer=sgd())
d.trainable = False
gan_k2 = keras.Sequential([g, d])
gan_k2.compile(loss="binary_crossentropy", optimizer=sgd())
for _ in range(2):
    X = np.concatenate([real_8, g.predict(noise_4, verbose=0)])
    watch("B", "d.train_on_batch(X, y)", g, d, lambda: d.train_on_batch(X, labels_2m))
    watch("B", "gan.train_on_batch(z, 1)", g, d, lambda: gan_k2.train_on_batch(noise_4, ones_m))

# C · the Keras 2 FAQ pattern: frozen while d_on_g is compiled, unfrozen afterwards, no flipping in the loop.
g, d = tiny_pair()
d_on_g = keras.Sequential([g, d])
d.trainable = False
d_on_g.compile(loss="binary_crossentropy", optimizer=sgd())
d.trainable = True
d.compile(loss="binary_crossentropy", optimizer=sgd())
for _ in range(2):
    X = np.concatenate([real_8, g.predict(noise_4, verbose=0)])
    watch("C", "d.train_on_batch(X, y)", g, d, lambda: d.train_on_batch(X, labels_2m))
    watch("C", "d_on_g.train_on_batch(z, 1)", g, d, lambda: d_on_g.train_on_batch(noise_4, ones_m))

# D · the flag flipped *after* the first training call: d is frozen, yet train_on_batch still updates it.
g, d = tiny_pair()
d.compile(loss="binary_crossentropy", optimizer=sgd())
X = np.concatenate([real_8, g.predict(noise_4, verbose=0)])
watch("D", "d.train_on_batch  " + L.t("（可训练）", "(trainable)"), g, d, lambda: d.train_on_batch(X, labels_2m))
d.trainable = False
watch("D", "d.train_on_batch  " + L.t("（设为 False 后）", "(after False)"), g, d, lambda: d.train_on_batch(X, labels_2m))

print(f"{'':<3}" + L.t(f"{'调用':<32}{'G 变了吗':<9}{'D 变了吗':<9}警告数",
                       f"{'call':<34}{'G changed':<11}{'D changed':<11}warnings"))
yes_no = {True: L.t("是", "True"), False: L.t("否", "False")}
for recipe, call, g_changed, d_changed, n_warn in rows:
    print(f"{recipe:<3}{call:<34}{yes_no[bool(g_changed)]:<11}{yes_no[bool(d_changed)]:<11}{n_warn}")

moved = {(r, c): (gm, dm) for r, c, gm, dm, _ in rows}
L.record(keras3_recipe_B_d_trains=moved[("B", "d.train_on_batch(X, y)")][1],
         keras3_recipe_C_combined_moves_d=moved[("C", "d_on_g.train_on_batch(z, 1)")][1])

# %% [markdown] lang="zh"
# 用 Keras 3.15 运行时的结果如下（如果你的 Keras 版本不同，请以上面实际打印的表格为准）：
#
# - **A（那份 Keras 2 教程的原样写法）能正常工作**——但只是因为碰巧：每个模型第一次训练之前，开关刚好被拨到了正确的位置，
#   训练函数就按这个状态构建并固定下来。之后再怎么拨开关，其实都已经不起作用了（见 D）。
# - **B（Keras 2 教科书写法：编译完判别器后设为不可训练，只为组合模型冻结它）在 Keras 3 里判别器永远学不到东西**：
#   `d.train_on_batch` 什么都不更新，唯一的提示是一条笼统的“模型没有可训练的权重”警告，很容易被忽略。
#   生成器于是在和一个永远不变的随机判别器“对抗”。
# - **C（Keras 2 FAQ 的写法：编译组合模型时冻结、之后解冻）在 Keras 3 里组合模型也会更新判别器**，
#   而且是朝着“把假样本判为真”的方向更新——正好和判别器自己的目标相反。整个过程**没有任何警告**。
#   （Keras 3.15 的源码里其实有一段检查 `trainable` 在编译后被改动的警告，但它写在一条 `raise` 语句之后，永远执行不到。）
# - **D**：训练函数一旦构建，之后把 `trainable` 设为 `False` 也挡不住 `train_on_batch` 继续更新权重；而某次 `fit`
#   可能因为输入的形式不同而重新构建训练函数、又服从新的开关。行为取决于“什么时候发生了追踪（tracing）”这种内部细节，这正是问题所在。
#
# 所以在 Keras 3 里，`trainable` 开关不是一个可靠的“这一步只更新谁”的工具。更干净的做法是**一个模型、一个自定义的
# `train_step`、两个优化器**：每个网络的损失用自己的 `GradientTape` 求梯度，每个优化器只把梯度应用到自己那个网络的
# `trainable_weights` 上。这样“谁被更新”写在代码里，一目了然，不依赖任何开关。gankit 的 `GAN.train_step`
# （`gankit/models/gan.py`）就是这样写的，下面把它打印出来，再验证“判别器那一步不会动生成器”。

# %% [markdown] lang="en"
# Run with Keras 3.15, the results are as follows (with another Keras version, trust the table printed above):
#
# - **A (the Keras 2 tutorial as written) works** — but by coincidence: just before each model's first training call the
#   flag happens to be in the right position, and the training function is built and frozen with that state. Every
#   flip after that no longer does anything (see D).
# - **B (the Keras 2 textbook: make the compiled discriminator untrainable "only for the combined model") means the
#   discriminator never learns in Keras 3**: `d.train_on_batch` updates nothing, and the only hint is a vague "the
#   model does not have any trainable weights" warning that is easy to miss. The generator is then "competing" with a
#   frozen random discriminator.
# - **C (the Keras 2 FAQ pattern: frozen while the combined model is compiled, unfrozen afterwards) means the combined
#   model also updates the discriminator in Keras 3** — towards calling fakes real, the opposite of the
#   discriminator's own goal — **without a single warning**. (Keras 3.15's source does contain a warning for
#   `trainable` being changed after `compile()`, but it sits after a `raise` statement and can never run.)
# - **D**: once a training function is built, setting `trainable` to `False` does not stop `train_on_batch` from
#   updating the weights; a later `fit` may rebuild the function because its inputs arrive in another form, and then
#   obey the new flag. The behaviour depends on internal details such as when tracing happens — which is exactly the
#   problem.
#
# So in Keras 3 the `trainable` flag is not a reliable tool for "update only this network in this step". The clean
# way is **one model, one custom `train_step`, two optimizers**: each network's loss gets its own `GradientTape`, and
# each optimizer applies gradients only to its own network's `trainable_weights`. Who gets updated is then written in
# the code, plain to see, with no flag involved. gankit's `GAN.train_step` (`gankit/models/gan.py`) is written this
# way; below it is printed, followed by a check that the discriminator's step leaves the generator untouched.

# %%
print(inspect.getsource(models.GAN.train_step))
print(inspect.getsource(models.AdversarialModel.apply))

# One discriminator step by hand, exactly as train_step does it: only D's weights may move.
check = models.GAN(seed=0)
check.compile()
real_batch = next(iter(mnist))[:16]
g_before = [w.numpy().copy() for w in check.generator.weights]
d_before = [w.numpy().copy() for w in check.discriminator.weights]
with tf.GradientTape() as tape:
    fake_batch = check.generator(check.sample_latent(16), training=True)
    d_loss = check.d_loss_fn(check.discriminator(real_batch, training=True),
                             check.discriminator(fake_batch, training=True))
check.apply(check.d_optimizer, tape, d_loss, check.discriminator)
g_moved = any(not np.array_equal(a, w.numpy()) for a, w in zip(g_before, check.generator.weights))
d_moved = any(not np.array_equal(a, w.numpy()) for a, w in zip(d_before, check.discriminator.weights))
print(L.t(f"判别器一步之后：G 变了吗？{g_moved}；D 变了吗？{d_moved}",
          f"after one discriminator step: G changed? {g_moved}; D changed? {d_moved}"))
assert d_moved and not g_moved

# %% [markdown] lang="zh"
# ## 1.9 本课的指标
#
# 损失说明不了图像质量，那就直接量样本。`gankit.metrics` 用项目自己训练的 MNIST 分类器（离线可用，第 10 课详细讲）给 1.6 节的 GAN 打分：
# **分类器 FID**（越低越好；“真实训练图像”那一行是同样样本数下的下限）、**分类器得分**（Inception 分数的类比，最高 10）、
# **精确率 / 召回率**（样本像不像真实数据 / 真实数据的多样性覆盖了多少）。完整模式用 2000 个样本，快速模式用 300 个。
# 这些数字也会出现在运行结束时的总结里，完整模式的结果汇总在 README 的结果表中。

# %% [markdown] lang="en"
# ## 1.9 This lesson's metrics
#
# Losses say nothing about image quality, so we measure the samples directly. `gankit.metrics` scores 1.6's GAN with
# the project's own MNIST classifier (works offline; lesson 10 explains it all): **classifier FID** (lower is better;
# the "real train images" row is the floor at the same sample size), **classifier score** (the Inception Score's
# analogue, at most 10), and **precision / recall** (do samples look real / how much of the real variety is covered).
# Full mode uses 2000 samples, quick mode 300. The numbers also appear in the run's closing summary, and full-mode
# results are collected in the README's results table.

# %%
from gankit import metrics
from gankit.evaluate import table

N_METRICS = L.pick(full=2000, quick=300)
scores = metrics.evaluate_generator(gan, "mnist", n=N_METRICS)
print(table([("GAN (MLP)", scores), (L.t("（真实训练图像）", "(real train images)"), metrics.evaluate_real("mnist", n=N_METRICS))],
            "mnist", N_METRICS))
L.record_metrics("GAN (MLP)", "mnist", minutes=sum(timer.seconds) / 60,
                 **{k: scores[k] for k in ("fid", "fid_real", "classifier_score", "precision", "recall")})
assert np.isfinite(scores["fid"]) and scores["fid"] > scores["fid_real"]

# %% [markdown] lang="zh"
# <!-- full-mode-results:start -->
# ### 完整模式的结果
#
# 下面是一次真实的完整模式运行（Linux x86_64, 2 CPU cores (AVX-512 with bfloat16)，共 2 分钟）得到的图和数值，由 `tools/lesson_results.py` 从运行目录复制而来，不是手写的。
#
# ![训练结束时生成的手写数字](../../assets/lessons/01/mnist_final.png)
#
# ![同一批噪声在各轮的样本](../../assets/lessons/01/mnist_progress.png)
#
# ![一维玩具数据：p_g 移到 p_data 上](../../assets/lessons/01/toy_1d.png)
#
# | 模型 | 数据集 | 训练用时 | 指标 |
# |---|---|---|---|
# | GAN (MLP) | mnist | 1.8 分钟 | 分类器 FID 337.6 (真实数据 2.7) · 分类器得分 3.20 · 精确率 0.93 · 召回率 0.01 |

# %% [markdown] lang="en"
# ### What full mode gives
#
# The figures and numbers below come from a real full-mode run (Linux x86_64, 2 CPU cores (AVX-512 with bfloat16), 2 minutes in all), copied from its run folder by `tools/lesson_results.py`, not typed by hand.
#
# ![digits generated at the end of training](../../assets/lessons/01/mnist_final.png)
#
# ![the same noise batch, epoch by epoch](../../assets/lessons/01/mnist_progress.png)
#
# ![the 1-D toy: p_g moves onto p_data](../../assets/lessons/01/toy_1d.png)
#
# | model | dataset | training | metrics |
# |---|---|---|---|
# | GAN (MLP) | mnist | 1.8 min | classifier FID 337.6 (real data 2.7) · classifier score 3.20 · precision 0.93 · recall 0.01 |
# <!-- full-mode-results:end -->

# %% [markdown] lang="zh"
# ## 学到了什么
#
# 1. GAN = 生成器 $G$（噪声 → 样本）+ 判别器 $D$（样本 → “是真的”的概率），二者进行极小极大博弈
#    $\min_G\max_D\ \mathbb E_x[\log D(x)]+\mathbb E_z[\log(1-D(G(z)))]$；生成器只通过判别器传回的梯度学习。
# 2. 固定 $G$ 时最优判别器 $D^*=p_{data}/(p_{data}+p_g)$；代入后生成器最小化 $2\,\mathrm{JS}(p_{data}\|p_g)-\log4$，
#    全局最优为 $p_g=p_{data}$、$D\equiv\tfrac12$。
# 3. 算法 1：$k$ 步判别器 + 1 步生成器；“真假拼批 + BCE”算的是 $-V$ 的一半，方向相同。生成器用非饱和损失 $-\log D(G(z))$，
#    在 $D(G(z))\approx0$ 时梯度约为 1；损失从 logit 出发、用 softplus 计算才数值稳定。
# 4. 图像缩放到 $[-1,1]$，与生成器的 tanh 输出范围一致；从结构化学习看，生成器善于生成、判别器善于把握全局，二者取长补短。
# 5. Keras 3 里不要靠 `trainable` 开关来控制“这一步更新谁”；用一个自定义 `train_step`、两个 `GradientTape`、两个优化器。
#
# ## 练习
#
# 1. **（简单）** 用 1.2 节的数值积分代码，让 $p_g=\mathcal N(\mu,1)$ 的均值 $\mu$ 从 $-6$ 变到 $2$，画出 $C(G)$ 随 $\mu$ 的变化。
#    再把 $p_g$ 换成和 $p_{data}$ 完全不重叠的均匀分布（例如 $U(6,8)$），$\mathrm{JS}$ 等于多少？
#
#    <details><summary>提示</summary>
#
#    两个分布不重叠时，在 $p_{data}>0$ 的地方 $m=\tfrac12p_{data}$，在 $p_g>0$ 的地方 $m=\tfrac12p_g$，两个 KL 都等于 $\log 2$。
#    所以 $\mu$ 很远时 $C(G)$ 几乎是常数 $2\log2-\log4=0$：生成器从 JS 散度里几乎得不到信号——第 6 课会从这里出发。
#    </details>
#
# 2. **（中等）** 在一维玩具上先单独训练判别器几百步（生成器不动），让它在 $G$ 还很差时就很强；
#    然后分别用饱和损失和非饱和损失对生成器的权重求梯度，比较梯度的范数。差多少倍？和 1.4 节的曲线对得上吗？
#
#    <details><summary>提示</summary>
#
#    用 `tf.GradientTape` 计算 `losses.minimax_g_loss(D(G(z)))` 和 `losses.nonsaturating_g_loss(D(G(z)))` 对
#    `G.trainable_weights` 的梯度，再用 `tf.linalg.global_norm` 求范数。$D(G(z))$ 越接近 0，两者的差距越大。
#    </details>
#
# 3. **（中等）** 修好 1.8 节的写法 B：在 Keras 3 里怎样才能让 `d.train_on_batch` 重新训练判别器，同时组合模型只更新生成器？
#    用同样的“权重有没有变”检查来验证。
#
#    <details><summary>提示</summary>
#
#    Keras 3 在**第一次调用** `train_on_batch` 时才读取要更新哪些变量。所以开关要在每个模型第一次训练之前拨到正确的位置，
#    而不是在 `compile()` 时。
#    </details>
#
# 4. **（开放）** 把玩具数据换成两个正态分布的混合（自己用 numpy 生成，例如 $\mathcal N(-2, 0.5^2)$ 和 $\mathcal N(2, 0.5^2)$ 各一半），
#    看生成器能不能同时覆盖两个峰。换几个随机种子、改一改 `d_steps`，结果稳定吗？这是第 6 课“模式崩溃”的预告。
#
#    <details><summary>提示</summary>
#
#    用 `tf.data.Dataset.from_tensor_slices(samples).shuffle(...).batch(128)` 代替 `gdata.load("gaussian_1d")`，
#    其余代码不变；用 1.5 节的 `Snapshots` 回调画出 $p_g$ 的直方图。
#    </details>
#
# 前三题的参考解答在 `solutions/01_gan.py`。
#
# ## 参考文献
#
# - Ian Goodfellow, Jean Pouget-Abadie, Mehdi Mirza, Bing Xu, David Warde-Farley, Sherjil Ozair, Aaron Courville,
#   Yoshua Bengio. *Generative Adversarial Nets*. NIPS 2014. [arXiv:1406.2661](https://arxiv.org/abs/1406.2661)
#   ——式 (1) 的价值函数、命题 1、定理 1、算法 1 和第 3 节的非饱和损失都出自这里。
# - Ian Goodfellow. *NIPS 2016 Tutorial: Generative Adversarial Networks*. 2016.
#   [arXiv:1701.00160](https://arxiv.org/abs/1701.00160)——造假者与警察的比喻、饱和与非饱和损失的讨论。
#
# **延伸阅读**
#
# - 李宏毅（台湾大学）机器学习课程中的 GAN 系列讲座（中文，含“枯叶蝶与麻雀”和“结构化学习”的讲解）：
#   [课程主页](https://speech.ee.ntu.edu.tw/~hylee/ml/2021-spring.php)。
# - Keras 官方示例 *DCGAN to generate face images*：[keras.io/examples/generative/dcgan_overriding_train_step](https://keras.io/examples/generative/dcgan_overriding_train_step/)
#   ——用自定义 `train_step` 写 GAN 的 Keras 3 标准写法，与 1.8 节的结论一致。

# %% [markdown] lang="en"
# ## What you learned
#
# 1. A GAN = a generator $G$ (noise → sample) + a discriminator $D$ (sample → probability that it is real), playing
#    the minimax game $\min_G\max_D\ \mathbb E_x[\log D(x)]+\mathbb E_z[\log(1-D(G(z)))]$; the generator learns only
#    through the gradients the discriminator sends back.
# 2. For a fixed $G$ the optimal discriminator is $D^*=p_{data}/(p_{data}+p_g)$; with it the generator minimises
#    $2\,\mathrm{JS}(p_{data}\|p_g)-\log4$, whose global optimum is $p_g=p_{data}$ with $D\equiv\tfrac12$.
# 3. Algorithm 1: $k$ discriminator steps + one generator step; "concatenate real and fake + BCE" computes half of
#    $-V$, the same direction. The generator uses the non-saturating loss $-\log D(G(z))$, whose gradient is about 1
#    near $D(G(z))\approx0$; losses computed from logits with softplus are numerically stable.
# 4. Images are scaled to $[-1,1]$, the range of the generator's tanh; in the structured-learning view the generator
#    is good at generating and the discriminator at the big picture, and each covers the other's weakness.
# 5. In Keras 3, do not rely on the `trainable` flag to decide "who is updated in this step"; use one custom
#    `train_step`, two `GradientTape`s and two optimizers.
#
# ## Exercises
#
# 1. **(Easy)** With the numerical-integration code of 1.2, move the mean $\mu$ of $p_g=\mathcal N(\mu,1)$ from $-6$
#    to $2$ and plot $C(G)$ against $\mu$. Then make $p_g$ a uniform distribution that does not overlap $p_{data}$
#    at all (say $U(6,8)$): what is $\mathrm{JS}$?
#
#    <details><summary>Hint</summary>
#
#    Without overlap, $m=\tfrac12p_{data}$ wherever $p_{data}>0$ and $m=\tfrac12p_g$ wherever $p_g>0$, so both KL terms
#    equal $\log 2$. Far away, $C(G)$ is therefore almost the constant $2\log2-\log4=0$: the JS divergence gives the
#    generator hardly any signal — lesson 6 starts from here.
#    </details>
#
# 2. **(Medium)** On the 1-D toy, first train the discriminator alone for a few hundred steps (the generator stays
#    put), so that it is strong while $G$ is still poor; then take the gradient of the saturating and of the
#    non-saturating loss with respect to the generator's weights and compare their norms. By what factor do they
#    differ? Does it agree with the curves of 1.4?
#
#    <details><summary>Hint</summary>
#
#    Use `tf.GradientTape` on `losses.minimax_g_loss(D(G(z)))` and `losses.nonsaturating_g_loss(D(G(z)))` with respect
#    to `G.trainable_weights`, and `tf.linalg.global_norm` for the norm. The closer $D(G(z))$ is to 0, the larger the
#    gap.
#    </details>
#
# 3. **(Medium)** Repair recipe B of section 1.8: in Keras 3, how do you make `d.train_on_batch` train the
#    discriminator again while the combined model updates only the generator? Verify it with the same "did the
#    weights change" check.
#
#    <details><summary>Hint</summary>
#
#    Keras 3 reads which variables to update at the **first call** of `train_on_batch`. So the flag must be in the
#    right position just before each model's first training call, not at `compile()`.
#    </details>
#
# 4. **(Open)** Replace the toy data with a mixture of two normals (make it yourself with numpy, e.g. half
#    $\mathcal N(-2, 0.5^2)$ and half $\mathcal N(2, 0.5^2)$) and see whether the generator covers both peaks. Try a
#    few random seeds and values of `d_steps`: is the result stable? A preview of lesson 6's "mode collapse".
#
#    <details><summary>Hint</summary>
#
#    Use `tf.data.Dataset.from_tensor_slices(samples).shuffle(...).batch(128)` instead of
#    `gdata.load("gaussian_1d")` and keep the rest; the `Snapshots` callback of 1.5 draws the histograms of $p_g$.
#    </details>
#
# Worked solutions to the first three are in `solutions/01_gan.py`.
#
# ## References
#
# - Ian Goodfellow, Jean Pouget-Abadie, Mehdi Mirza, Bing Xu, David Warde-Farley, Sherjil Ozair, Aaron Courville,
#   Yoshua Bengio. *Generative Adversarial Nets*. NIPS 2014. [arXiv:1406.2661](https://arxiv.org/abs/1406.2661):
#   the value function of Eq. 1, Proposition 1, Theorem 1, Algorithm 1 and the non-saturating loss of section 3.
# - Ian Goodfellow. *NIPS 2016 Tutorial: Generative Adversarial Networks*. 2016.
#   [arXiv:1701.00160](https://arxiv.org/abs/1701.00160): the forger-and-police analogy, saturating and
#   non-saturating losses.
#
# **Further reading**
#
# - Hung-yi Lee's (National Taiwan University) GAN lectures in his machine-learning course (in Mandarin; the
#   butterfly-and-sparrow story and the structured-learning view):
#   [course page](https://speech.ee.ntu.edu.tw/~hylee/ml/2021-spring.php).
# - The Keras example *DCGAN to generate face images*:
#   [keras.io/examples/generative/dcgan_overriding_train_step](https://keras.io/examples/generative/dcgan_overriding_train_step/),
#   the standard Keras 3 way of writing a GAN with a custom `train_step`, in line with section 1.8.

# %%
L.summary()

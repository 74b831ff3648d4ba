# %% [markdown] lang="zh"
# # 第 6 课 · WGAN 与 WGAN-GP
#
# 前几课的 GAN 都能跑起来，但训练过程很“娇气”：判别器不能太强也不能太弱，损失曲线看不出图像好坏，
# 生成器还常常只学会少数几种样本。这一课把这些毛病追到根上，再看 Wasserstein GAN 怎样对症下药：
#
# 1. **原始 GAN 为什么难训练**：两个分布的支撑集不重叠时，JS 散度恒等于 $\log 2$，梯度为 0（数值计算并画图）；
#    $-\log D$ 技巧则把 KL 散度和负的 JS 散度混在一起，鼓励“保守”的样本，导致**模式崩溃**；
# 2. **Wasserstein 距离**（推土机距离）、Kantorovich–Rubinstein 对偶、1-Lipschitz 的**评论家（critic）**；
# 3. **WGAN 的四处改动**：去掉 sigmoid、去掉 log、**权重裁剪**、用 RMSProp；每训练 5 次评论家训练 1 次生成器；
# 4. **WGAN-GP**：权重裁剪的毛病，以及用**梯度惩罚**代替它；
# 5. **动手**：8 个高斯分布排成一圈的玩具数据——原始 GAN、LSGAN 和 WGAN-GP 各覆盖了几个模式（数出来、画出来）；
#    评论家的损失能跟着样本质量走；在 Fashion-MNIST 上训练 WGAN-GP；
# 6. **LSGAN**（最小二乘 GAN）以及《Are GANs Created Equal?》这篇大规模对比告诉我们什么。
#
# 快速模式（`GANKIT_QUICK=1`）一分钟左右跑完，只检查代码；完整模式把每个实验都训练到位，在 2 核 AVX-512 CPU 上约需半小时（只有 AVX2 的 CPU 更慢）。

# %% [markdown] lang="en"
# # Lesson 6 · WGAN and WGAN-GP
#
# The GANs of the previous lessons do train, but they are touchy: the discriminator must be neither too strong nor
# too weak, the loss curves say nothing about how good the pictures are, and the generator often learns only a few
# kinds of samples. This lesson traces those troubles to their root and shows how the Wasserstein GAN treats them:
#
# 1. **Why the original GAN is hard to train**: when two distributions have disjoint supports the JS divergence is
#    stuck at $\log 2$ and its gradient is 0 (computed and plotted); the $-\log D$ trick mixes a KL divergence with a
#    negative JS divergence and rewards "safe" samples, which leads to **mode collapse**;
# 2. **The Wasserstein (earth mover's) distance**, Kantorovich–Rubinstein duality and a 1-Lipschitz **critic**;
# 3. **WGAN's four changes**: no sigmoid, no log, **weight clipping**, RMSProp; 5 critic updates per generator
#    update;
# 4. **WGAN-GP**: what goes wrong with weight clipping, and the **gradient penalty** that replaces it;
# 5. **Hands on**: 8 Gaussians on a ring — how many modes the original GAN, LSGAN and WGAN-GP cover (counted and
#    drawn); the critic's loss follows sample quality; WGAN-GP on Fashion-MNIST;
# 6. **LSGAN** (least squares GAN) and what the large-scale study "Are GANs Created Equal?" tells us.
#
# Quick mode (`GANKIT_QUICK=1`) runs in about a minute and only checks the code; full mode trains every experiment
# properly and takes about half an hour on a 2-core AVX-512 CPU (slower on CPUs with only AVX2).

# %%
import pathlib, sys
_root = next((p for p in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents] if (p / "gankit").is_dir()), None)
if _root and str(_root) not in sys.path:
    sys.path.insert(0, str(_root))
from gankit.lesson import Lesson
L = Lesson(6)
L.needs("fashion_mnist")  # its datasets, checked before the first section

# %%
import inspect
import time
import warnings

warnings.filterwarnings("ignore", message="Glyph")  # a missing CJK font only warns; figures still render
warnings.filterwarnings("ignore", message=".*shuffle=True.*")

import numpy as np
import keras
import tensorflow as tf
import matplotlib.pyplot as plt

from gankit import data, losses, metrics, models, nets, viz

tf.get_logger().setLevel("ERROR")
tt = L.label  # figure text: Chinese where a Chinese font exists, else English
print(f"Keras {keras.__version__} · TensorFlow {tf.__version__} · "
      + L.t("快速模式" if L.quick else "完整模式", "quick mode" if L.quick else "full mode"))

# %% [markdown] lang="zh"
# ## 6.1 原始 GAN 为什么难训练：JS 散度卡在 $\log 2$
#
# 第 1 课证明了：判别器最优时，生成器在最小化 $2\,\mathrm{JS}(p_{data}\|p_g)-\log4$。问题出在 JS 散度本身。
# 设 $m=\tfrac12(p+q)$，
#
# $$\mathrm{JS}(p\|q)=\tfrac12\int p\log\frac{p}{m}\,dx+\tfrac12\int q\log\frac{q}{m}\,dx .$$
#
# 如果 $p$ 和 $q$ 的支撑集**不重叠**，那么在 $p>0$ 的地方 $q=0$、$m=p/2$，第一项等于 $\tfrac12\log2$；第二项同理。
# 于是 $\mathrm{JS}=\log 2$——**不管两个分布相距多远**。对生成器来说，这意味着“挪近一点”和“原地不动”的损失一样，梯度为 0。
#
# 这不是罕见的情形：图像分布集中在高维空间里的低维流形上，随机初始化的生成器给出的分布也在一个低维流形上，
# 两个低维流形几乎必然“不重叠或重叠部分可忽略”（[Arjovsky 与 Bottou, 2017](https://arxiv.org/abs/1701.04862)）。这时存在一个完美的判别器，
# 判别器越接近最优，生成器得到的梯度就越接近 0；判别器训练得不好，梯度又不准。只有不好不坏才行，而这个火候很难把握。
#
# 下面在一维上算一算：真实分布 $P_r=U[0,\,0.5]$，生成分布 $P_\theta=U[\theta,\,\theta+0.5]$，把 $\theta$ 从 $-2$ 挪到 $2$，
# 在细网格上做数值积分，同时算出 Wasserstein 距离（6.3 节介绍；一维时 $W_1=\int|F_r-F_\theta|\,dx$，$F$ 是累积分布函数）。

# %% [markdown] lang="en"
# ## 6.1 Why the original GAN is hard to train: the JS divergence stuck at $\log 2$
#
# Lesson 1 showed that with an optimal discriminator the generator minimises $2\,\mathrm{JS}(p_{data}\|p_g)-\log4$.
# The trouble lies in the JS divergence itself. With $m=\tfrac12(p+q)$,
#
# $$\mathrm{JS}(p\|q)=\tfrac12\int p\log\frac{p}{m}\,dx+\tfrac12\int q\log\frac{q}{m}\,dx .$$
#
# If $p$ and $q$ have **disjoint supports**, then wherever $p>0$ we have $q=0$ and $m=p/2$, so the first term is
# $\tfrac12\log2$, and likewise the second. Hence $\mathrm{JS}=\log 2$ — **however far apart the distributions are**.
# For the generator, "move a little closer" and "stay put" cost the same: the gradient is 0.
#
# This is not a rare case: images concentrate on a low-dimensional manifold of a high-dimensional space, a randomly
# initialised generator's distribution lies on a low-dimensional manifold too, and two such manifolds almost surely
# do not overlap, or overlap negligibly ([Arjovsky and Bottou, 2017](https://arxiv.org/abs/1701.04862)). Then a perfect
# discriminator exists; the closer the discriminator gets to it, the closer to 0 the generator's gradient; a poorly
# trained discriminator gives inaccurate gradients instead. It has to be trained "just right", and that is hard to hit.
#
# Let us compute it in 1-D: real distribution $P_r=U[0,\,0.5]$, generated $P_\theta=U[\theta,\,\theta+0.5]$, with
# $\theta$ moved from $-2$ to $2$, integrating numerically on a fine grid; alongside, the Wasserstein distance
# (introduced in 6.3; in 1-D $W_1=\int|F_r-F_\theta|\,dx$ with $F$ the cumulative distribution function).

# %%
grid = np.linspace(-3.0, 3.5, 130001)
dx = grid[1] - grid[0]


def uniform_pdf(lo, width=0.5):
    return ((grid >= lo) & (grid < lo + width)) / width


def kl(p, q):
    """KL(p || q) on the grid; terms where p = 0 contribute 0."""
    mask = p > 0
    return float(np.sum(p[mask] * np.log(p[mask] / q[mask])) * dx)


def js(p, q):
    m = 0.5 * (p + q)
    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


def w1(p, q):
    return float(np.sum(np.abs(np.cumsum(p) - np.cumsum(q))) * dx * dx)


p_real = uniform_pdf(0.0)
thetas = np.linspace(-2.0, 2.0, 161)
js_values = np.array([js(p_real, uniform_pdf(t)) for t in thetas])
w_values = np.array([w1(p_real, uniform_pdf(t)) for t in thetas])

disjoint = np.abs(thetas) >= 0.5 + 1e-9
print(f"log 2 = {np.log(2):.4f}; " + L.t("支撑集不相交时的 JS：", "JS for disjoint supports: ")
      + f"min {js_values[disjoint].min():.4f}, max {js_values[disjoint].max():.4f}")
print("W1 - |theta|" + L.t(f"：最大差距 {np.abs(w_values - np.abs(thetas)).max():.4f}",
                          f": largest gap {np.abs(w_values - np.abs(thetas)).max():.4f}"))
assert np.allclose(js_values[disjoint], np.log(2), atol=1e-3)   # flat at log 2 ...
assert np.allclose(np.gradient(js_values, thetas)[np.abs(thetas) > 0.6], 0.0, atol=1e-2)  # ... so no gradient
assert np.allclose(w_values, np.abs(thetas), atol=1e-3)          # W1 = |theta|: it says how far

fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
axes[0].plot(grid, p_real, "k", label="$P_r=U[0,0.5]$")
axes[0].plot(grid, uniform_pdf(1.2), color="tab:green", label=r"$P_\theta$, $\theta=1.2$")
axes[0].set_xlim(-0.5, 2.0)
axes[0].set_xlabel("x")
axes[0].legend(fontsize=8)
axes[0].set_title(tt("两个不重叠的分布", "two disjoint distributions"))
axes[1].plot(thetas, js_values, label=r"$\mathrm{JS}(P_r\|P_\theta)$")
axes[1].plot(thetas, w_values, label=r"$W_1(P_r,P_\theta)$")
axes[1].axhline(np.log(2), color="0.5", ls=":", lw=1, label=r"$\log 2$")
axes[1].set_xlabel(r"$\theta$")
axes[1].legend(fontsize=8)
axes[1].set_title(tt("JS 在不重叠后是常数，W 随距离增长", "JS is flat once disjoint; W grows with the distance"))
L.show(fig, "js_vs_wasserstein")
L.record(js_disjoint=float(js_values[disjoint].mean()))

# %% [markdown] lang="zh"
# 左图是 $\theta=1.2$ 时的两个分布；右图里，只要 $|\theta|\ge0.5$（两者不再重叠），JS 就是一条高度为 $\log2\approx0.693$ 的水平线，
# 导数为 0；而 $W_1=|\theta|$ 始终告诉我们“还差多远、往哪边挪”。WGAN 论文的例 1 用的是二维平面上两条平行线段，结论相同：
# 只有 $\theta=0$ 时 $\mathrm{JS}=0$，其余处处 $\mathrm{JS}=\log2$，而 $W=|\theta|$。

# %% [markdown] lang="en"
# The left plot shows the two distributions at $\theta=1.2$. On the right, as soon as $|\theta|\ge0.5$ (no more
# overlap) JS is a horizontal line at $\log2\approx0.693$ with zero derivative, while $W_1=|\theta|$ always says
# "how far, and which way". Example 1 of the WGAN paper uses two parallel segments in the plane, with the same
# conclusion: $\mathrm{JS}=0$ only at $\theta=0$ and $\log2$ everywhere else, while $W=|\theta|$.

# %% [markdown] lang="zh"
# ## 6.2 $-\log D$ 技巧与模式崩溃
#
# 为了避开饱和，第 1 课让生成器最小化 $-\log D(G(z))$。代入最优判别器 $D^*=p_r/(p_r+p_g)$，可以推出
# （Arjovsky 与 Bottou, 2017, 定理 2.5 的证明）：
#
# $$\mathbb E_{x\sim p_g}\big[-\log D^*(x)\big]=\mathrm{KL}(p_g\|p_r)-2\,\mathrm{JS}(p_r\|p_g)+2\log2+\mathbb E_{x\sim p_r}\big[\log D^*(x)\big].$$
#
# 推导只用两步：$\mathrm{KL}(p_g\|p_r)=\mathbb E_{p_g}\big[\log\frac{1-D^*}{D^*}\big]$，以及第 1 课的
# $2\,\mathrm{JS}-2\log2=\mathbb E_{p_r}[\log D^*]+\mathbb E_{p_g}[\log(1-D^*)]$。
# 生成器更新一步时，$D^*$ 是当前生成器对应的最优判别器，**固定不动**、不参与求导；这时最后两项 $2\log2+\mathbb E_{p_r}[\log D^*]$
# 不含生成器的参数，对生成器的梯度为 0。（如果 $D^*$ 随 $G$ 一起重新求最优，$\mathbb E_{p_r}[\log D^*]$ 也会跟着变，这个结论就不成立。）于是生成器在
#
# - **最小化** $\mathrm{KL}(p_g\|p_r)$，同时 **最大化** $\mathrm{JS}(p_r\|p_g)$——一边要拉近、一边要推远，梯度不稳定；
# - 而且 $\mathrm{KL}(p_g\|p_r)$ 是不对称的：在 $p_g>0$ 而 $p_r\approx0$ 处（生成了不像真的样本），惩罚趋于无穷；
#   在 $p_r>0$ 而 $p_g\approx0$ 处（漏掉了一类真实样本），惩罚几乎为 0。
#
# 所以生成器“宁可丧失多样性，也不愿丧失准确性”：只生成最稳妥的那一类。一篇流传很广的中文 GAN 博客打了个比方：假钞团伙发现只造一种面额最容易成功，
# 于是全部精力都放在这一种上——这就是**模式崩溃**。下面用一个双峰的真实分布验证这个等式，并比较两个候选生成器：
# 只覆盖一个峰的“崩溃”生成器，和铺开盖住两个峰的“宽”生成器。

# %% [markdown] lang="en"
# ## 6.2 The $-\log D$ trick and mode collapse
#
# To avoid saturation, lesson 1 had the generator minimise $-\log D(G(z))$. Plugging in the optimal discriminator
# $D^*=p_r/(p_r+p_g)$ gives (Arjovsky and Bottou, 2017, proof of Theorem 2.5):
#
# $$\mathbb E_{x\sim p_g}\big[-\log D^*(x)\big]=\mathrm{KL}(p_g\|p_r)-2\,\mathrm{JS}(p_r\|p_g)+2\log2+\mathbb E_{x\sim p_r}\big[\log D^*(x)\big].$$
#
# Two steps derive it: $\mathrm{KL}(p_g\|p_r)=\mathbb E_{p_g}\big[\log\frac{1-D^*}{D^*}\big]$, and lesson 1's
# $2\,\mathrm{JS}-2\log2=\mathbb E_{p_r}[\log D^*]+\mathbb E_{p_g}[\log(1-D^*)]$.
# During one generator step $D^*$, the optimal discriminator for the current generator, is **held fixed** and not
# differentiated; then the last two terms, $2\log2+\mathbb E_{p_r}[\log D^*]$, contain no generator parameters and
# give the generator no gradient. (If $D^*$ were re-optimised together with $G$, $\mathbb E_{p_r}[\log D^*]$ would
# change too and this would not hold.) So the generator
#
# - **minimises** $\mathrm{KL}(p_g\|p_r)$ while **maximising** $\mathrm{JS}(p_r\|p_g)$ — pulling closer and pushing
#   apart at once, which makes the gradient unstable;
# - and $\mathrm{KL}(p_g\|p_r)$ is asymmetric: where $p_g>0$ but $p_r\approx0$ (samples that do not look real) the
#   penalty goes to infinity; where $p_r>0$ but $p_g\approx0$ (a kind of real sample left out) the penalty is almost 0.
#
# So the generator "would rather lose diversity than lose accuracy": it produces only the safest kind of sample.
# A widely read Chinese blog post on GANs puts it this way: counterfeiters find that one denomination is the easiest to get away with, and put all
# their effort into it — **mode collapse**. Below, a two-peaked real distribution checks the identity, and two
# candidate generators are compared: a "collapsed" one covering one peak, and a "broad" one spread over both.

# %%
x = np.linspace(-10.0, 10.0, 200001)
dxx = x[1] - x[0]


def normal_pdf(mean, std):
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi))


def kl_x(p, q):
    mask = p > 1e-300
    return float(np.sum(p[mask] * np.log(p[mask] / np.maximum(q[mask], 1e-300))) * dxx)


def js_x(p, q):
    m = 0.5 * (p + q)
    return 0.5 * kl_x(p, m) + 0.5 * kl_x(q, m)


def expect(p, f):
    return float(np.sum(p * f) * dxx)


p_r = 0.5 * normal_pdf(-2.0, 0.5) + 0.5 * normal_pdf(2.0, 0.5)
COLLAPSED, BROAD = L.t("坍缩", "collapsed"), L.t("宽而散", "broad")
candidates = {COLLAPSED: normal_pdf(2.0, 0.5), BROAD: normal_pdf(0.0, 2.1)}
print(f"{'p_g':<10}{'KL(pg||pr)':>11}{'KL(pr||pg)':>11}{'JS':>8}{'E[-log D*]':>12}" + L.t(f"{'恒等式右边':>6}", f"{'identity':>10}"))
neglog = {}
for name, p_g in candidates.items():
    d_star = np.clip(p_r / (p_r + p_g + 1e-300), 1e-300, 1.0)
    lhs = expect(p_g, -np.log(d_star))
    rhs = kl_x(p_g, p_r) - 2 * js_x(p_r, p_g) + 2 * np.log(2) + expect(p_r, np.log(d_star))
    assert abs(lhs - rhs) < 1e-4
    neglog[name] = lhs
    print(f"{name:<10}{kl_x(p_g, p_r):>11.3f}{kl_x(p_r, p_g):>11.3f}{js_x(p_r, p_g):>8.3f}{lhs:>12.3f}{rhs:>10.3f}")
assert neglog[COLLAPSED] < neglog[BROAD]

fig, ax = plt.subplots(figsize=(8, 3))
ax.plot(x, p_r, "k--", label="$p_r$")
for (name, p_g), colour in zip(candidates.items(), ("tab:red", "tab:blue")):
    ax.plot(x, p_g, color=colour, label=f"$p_g$ {name}: " + r"$E[-\log D^*]$" + f" = {neglog[name]:.2f}")
ax.set_xlim(-7, 7)
ax.set_xlabel("x")
ax.legend(fontsize=8)
ax.set_title(tt("-log D 的损失更偏爱只覆盖一个峰的生成器", "the -log D loss prefers the generator that covers one peak"))
L.show(fig, "mode_collapse_kl")

# %% [markdown] lang="zh"
# 表中两个候选生成器与 $p_r$ 的 JS 散度差不多（0.22 对 0.20，“宽”的那个还更近一点），但 $-\log D^*$ 损失却差了一倍多：
# “崩溃”的生成器只付出 $\mathrm{KL}(p_g\|p_r)\approx\log2$（它的样本全都像真的，只是少了一半种类），
# “宽”的生成器却因为在两峰之间放了样本而被重罚。梯度下降会把生成器推向前者。反方向的 $\mathrm{KL}(p_r\|p_g)$ 正好相反（15.3 对 0.72）——
# 这个不对称就是模式崩溃的来源。

# %% [markdown] lang="en"
# The two candidates are about equally far from $p_r$ in JS divergence (0.22 against 0.20, the broad one even a little
# closer), yet their $-\log D^*$ losses differ by more than a factor of two: the collapsed generator pays only
# $\mathrm{KL}(p_g\|p_r)\approx\log2$ (every sample looks real; half the kinds are missing), while the broad one is
# punished for putting samples between the peaks. Gradient descent pushes the generator towards the former. The
# reverse $\mathrm{KL}(p_r\|p_g)$ says the opposite (15.3 against 0.72) — this asymmetry is where mode collapse comes
# from.

# %% [markdown] lang="zh"
# ## 6.3 Wasserstein 距离、KR 对偶与 1-Lipschitz 评论家
#
# **Wasserstein-1 距离**（推土机距离，EM 距离）把两个分布想成两堆土，问：把一堆土搬成另一堆的形状，最少要做多少功（土量 × 距离）？
#
# $$W(P_r,P_g)=\inf_{\gamma\in\Pi(P_r,P_g)}\ \mathbb E_{(x,y)\sim\gamma}\big[\|x-y\|\big]\qquad\text{（Arjovsky 等, 2017, 式 (1)）},$$
#
# 其中 $\Pi(P_r,P_g)$ 是所有边缘分布分别为 $P_r$、$P_g$ 的联合分布（“搬运方案”）。即便两个分布毫不重叠，$W$ 仍然反映它们的远近（6.1 节的 $W_1=|\theta|$）。
#
# 下确界没法直接算。**Kantorovich–Rubinstein 对偶**把它换成对函数的上确界（Arjovsky 等, 2017, 式 (2)）：
#
# $$W(P_r,P_g)=\sup_{\|f\|_L\le1}\ \mathbb E_{x\sim P_r}\big[f(x)\big]-\mathbb E_{x\sim P_g}\big[f(x)\big],$$
#
# 上确界取遍所有 **1-Lipschitz** 函数：$|f(a)-f(b)|\le\|a-b\|$，等价于（可微时）梯度的范数处处不超过 1。
# “不知道 $f$ 是什么，就用神经网络学出来”：WGAN 用一个网络 $f_w$ 近似这个 $f$，叫**评论家（critic）**（有的中文资料叫它“测距网络”）。
# 它输出的是一个分数而不是概率，做的是回归而不是分类，所以最后一层**不加 sigmoid**。评论家最大化 $\mathbb E_{P_r}[f_w]-\mathbb E_{P_g}[f_w]$，
# 得到距离的估计；生成器再最小化这个距离，而第一项与生成器无关，于是生成器的损失就是 $-\mathbb E_z[f_w(G(z))]$。
#
# 一维时两边都能直接算：原问题的最优方案是把两组样本各自排序后一一配对；对偶问题的最优 $f$ 满足
# $f'(x)=\mathrm{sign}\big(F_g(x)-F_r(x)\big)$——斜率处处是 $\pm1$ 的折线。下面验证两者相等，并把这个最优评论家画出来。

# %% [markdown] lang="en"
# ## 6.3 The Wasserstein distance, KR duality and the 1-Lipschitz critic
#
# The **Wasserstein-1 distance** (earth mover's distance, EM distance) pictures two distributions as two piles of
# earth and asks: what is the least work (amount × distance) needed to reshape one pile into the other?
#
# $$W(P_r,P_g)=\inf_{\gamma\in\Pi(P_r,P_g)}\ \mathbb E_{(x,y)\sim\gamma}\big[\|x-y\|\big]\qquad\text{(Arjovsky et al., 2017, Eq. 1)},$$
#
# where $\Pi(P_r,P_g)$ is the set of joint distributions with marginals $P_r$ and $P_g$ ("transport plans"). Even for
# distributions that do not overlap at all, $W$ reflects how far apart they are (the $W_1=|\theta|$ of 6.1).
#
# The infimum cannot be computed directly. **Kantorovich–Rubinstein duality** turns it into a supremum over functions
# (Arjovsky et al., 2017, Eq. 2):
#
# $$W(P_r,P_g)=\sup_{\|f\|_L\le1}\ \mathbb E_{x\sim P_r}\big[f(x)\big]-\mathbb E_{x\sim P_g}\big[f(x)\big],$$
#
# over all **1-Lipschitz** functions: $|f(a)-f(b)|\le\|a-b\|$, equivalently (when differentiable) a gradient norm of
# at most 1 everywhere. "If you do not know a function, learn it with a network": WGAN approximates $f$ with a network
# $f_w$ called the **critic** (some Chinese write-ups call it a "distance-measuring network"). It outputs a score, not a
# probability — it regresses rather than classifies — so its last layer has **no sigmoid**. The critic maximises
# $\mathbb E_{P_r}[f_w]-\mathbb E_{P_g}[f_w]$ to estimate the distance; the generator then minimises that distance,
# and since the first term does not depend on it, its loss is $-\mathbb E_z[f_w(G(z))]$.
#
# In 1-D both sides can be computed exactly: the optimal plan of the primal sorts both samples and pairs them in
# order; the optimal $f$ of the dual has $f'(x)=\mathrm{sign}\big(F_g(x)-F_r(x)\big)$ — a polyline of slopes $\pm1$.
# Below, the two are checked equal, and the optimal critic is drawn.

# %%
rng = np.random.default_rng(0)
real_1d = np.concatenate([rng.normal(-2.0, 0.4, 2500), rng.normal(1.5, 0.6, 2500)])
fake_1d = rng.normal(0.5, 0.8, 5000)

primal = float(np.mean(np.abs(np.sort(real_1d) - np.sort(fake_1d))))  # the sorted pairing is optimal in 1-D

t = np.linspace(-6, 6, 24001)
F_r = np.searchsorted(np.sort(real_1d), t, side="right") / len(real_1d)
F_g = np.searchsorted(np.sort(fake_1d), t, side="right") / len(fake_1d)
slope = np.sign(F_g - F_r)                        # |f'| <= 1: a 1-Lipschitz critic
f_star = np.concatenate([[0.0], np.cumsum(0.5 * (slope[1:] + slope[:-1]) * np.diff(t))])
dual = float(np.mean(np.interp(real_1d, t, f_star)) - np.mean(np.interp(fake_1d, t, f_star)))
print(L.t(f"原问题（排序配对）W1 = {primal:.4f}", f"primal (sorted pairing) W1 = {primal:.4f}"))
print(L.t(f"对偶问题 E_r[f*] - E_g[f*] = {dual:.4f}", f"dual E_r[f*] - E_g[f*]     = {dual:.4f}"))
assert abs(primal - dual) < 0.01
assert np.all(np.abs(np.diff(f_star)) <= np.diff(t) + 1e-9)  # f* is 1-Lipschitz

fig, ax = plt.subplots(figsize=(8, 3.2))
ax.hist(real_1d, bins=120, density=True, alpha=0.4, color="k", label=tt("真实样本", "real"))
ax.hist(fake_1d, bins=120, density=True, alpha=0.4, color="tab:green", label=tt("生成样本", "generated"))
ax2 = ax.twinx()
ax2.plot(t, f_star, color="tab:red", label=tt("最优评论家 f*", "optimal critic f*"))
ax2.set_ylabel("f*(x)")
ax.set_xlim(-4.5, 4.5)
ax.set_xlabel("x")
fig.legend(loc="lower center", ncol=3, fontsize=8, bbox_to_anchor=(0.5, -0.08))
ax.set_title(tt(f"KR 对偶：W1 = {primal:.3f}", f"KR duality: W1 = {primal:.3f}"))
L.show(fig, "kr_duality")
L.record(w1_primal=primal, w1_dual=dual)

# %% [markdown] lang="zh"
# 红线就是评论家该学成的样子：在真实样本多的地方高、生成样本多的地方低，坡度处处不超过 1。它对生成样本的梯度（斜率）恒为 $\pm1$，
# 不会因为判别“太准”而消失——这正是生成器需要的信号。

# %% [markdown] lang="en"
# The red line is what a critic should learn: high where real samples are plentiful, low where generated ones are,
# never steeper than 1. Its gradient (slope) at the generated samples is always $\pm1$ and does not vanish however
# "sure" the critic is — exactly the signal the generator needs.

# %% [markdown] lang="zh"
# ## 6.4 WGAN：只改四处
#
# 怎样让神经网络 $f_w$ 满足 Lipschitz 条件？WGAN 的办法最简单：每次更新评论家之后，把它的每个参数裁剪到 $[-c,c]$（$c=0.01$）。
# 参数有界，网络就是 $K$-Lipschitz 的（$K$ 取决于 $c$ 和网络结构），估计出的是 $K\cdot W$，对优化方向没有影响。
# 与原始 GAN 相比，算法只改了四处（Arjovsky 等, 2017, 算法 1）：
#
# 1. 判别器（评论家）最后一层去掉 sigmoid；
# 2. 生成器和评论家的损失不取 log：评论家最小化 $\mathbb E[f_w(G(z))]-\mathbb E[f_w(x)]$，生成器最小化 $-\mathbb E[f_w(G(z))]$；
# 3. 每次更新评论家后把参数裁剪到 $[-c,c]$；
# 4. 不用带动量的优化器（momentum、Adam），用 RMSProp（学习率 $5\times10^{-5}$）。论文的理由是实验观察：评论家用 Adam 这类基于动量的方法时，
#    训练有时会不稳定，而 RMSProp 在非平稳的问题上也表现良好。中文资料里常见的“SGD 也行”出自博客的转述，论文并没有这样说。
#
# 此外，评论家越接近最优，$W$ 的估计就越准，生成器的梯度也越准（这里不怕“判别器太好”），所以每训练生成器 1 次，
# 先训练评论家 $n_{critic}=5$ 次。
#
# 作者的代码里还有两处论文没写的细节。一是 RMSProp 的衰减率 $\rho$：PyTorch 默认 0.99，Keras 默认 0.9，gankit 跟作者一样用 0.99。
# 二是“预热”：前 25 次生成器更新（以后每 500 次中的一次）各先训练评论家 100 次，而不是 5 次。在本课的圆环上，两种 $\rho$
# 覆盖的模式数和切片 $W_1$ 距离都差不多；预热要多做约 13% 的评论家更新，却看不出改善，所以 gankit 不做预热。
#
# gankit 的 `models.WGAN` 把这 5 次评论家更新和 1 次生成器更新放在**同一个** `train_step` 里，`fit` 把它编译成一张计算图
# （Python 的 `for` 循环在追踪时展开成 5 份）。我们的选择是：`fit` 的一个批次含 $n_{critic}\times m$ 个真实样本，
# 第 $i$ 次评论家更新用第 $i$ 段的 $m$ 个样本和一批新的噪声 $z$——与两篇论文的算法 1 一致（每次评论家迭代都重新采样真实批次和噪声），
# 生成器那一步再用 $m$ 个新的 $z$。这样 `fit` 的一步就是论文里的一次“生成器迭代”，一个轮次里每个真实样本恰好被评论家看一次；
# 若把同一个批次反复用 5 次，评论家容易记住这一批，而且一个轮次的计算量变成 5 倍。

# %% [markdown] lang="en"
# ## 6.4 WGAN: only four changes
#
# How can a network $f_w$ be made Lipschitz? WGAN's answer is the simplest one: after every critic update, clip each
# of its parameters to $[-c,c]$ ($c=0.01$). With bounded parameters the network is $K$-Lipschitz ($K$ depends on $c$
# and the architecture); it then estimates $K\cdot W$, which does not change the direction of optimisation.
# Compared with the original GAN the algorithm changes in only four places (Arjovsky et al., 2017, Algorithm 1):
#
# 1. the discriminator's (critic's) last layer loses its sigmoid;
# 2. no log in either loss: the critic minimises $\mathbb E[f_w(G(z))]-\mathbb E[f_w(x)]$, the generator minimises
#    $-\mathbb E[f_w(G(z))]$;
# 3. after every critic update the parameters are clipped to $[-c,c]$;
# 4. no momentum-based optimiser (momentum, Adam): RMSProp with learning rate $5\times10^{-5}$. The paper's reason is
#    empirical: a momentum-based method such as Adam on the critic sometimes made training unstable, while RMSProp
#    does well even on non-stationary problems. The "SGD works too" found in many Chinese write-ups comes from a blog
#    post, not from the paper.
#
# Also, the closer the critic is to its optimum, the better the estimate of $W$ and the generator's gradient (no
# "discriminator too good" problem here), so the critic is trained $n_{critic}=5$ times per generator update.
#
# The authors' code has two details the paper does not state. RMSProp's decay rate $\rho$: PyTorch's default is 0.99,
# Keras' 0.9; gankit uses the authors' 0.99. And a warm-up: for the first 25 generator updates (and every 500th after
# that) the critic is trained 100 times instead of 5. On this lesson's ring the two values of $\rho$ cover the same
# modes at about the same sliced $W_1$ distance, and the warm-up costs about 13% more critic updates with no visible
# gain, so gankit leaves it out.
#
# gankit's `models.WGAN` puts these 5 critic updates and the generator update into **one** `train_step`, which `fit`
# compiles into one graph (the Python `for` loop is unrolled 5 times while tracing). Our choice: one `fit` batch
# holds $n_{critic}\times m$ real examples, critic update $i$ uses the $i$-th slice of $m$ examples with fresh noise
# $z$ — as in Algorithm 1 of both papers, which draw a new real minibatch and new noise for every critic iteration —
# and the generator step uses $m$ fresh $z$. One `fit` step is then one "generator iteration" of the papers, and in
# one epoch the critic sees each real example exactly once; reusing one batch five times would let the critic
# memorise it and make each epoch five times as expensive.

# %%
# only the critic loop of models.WGAN.train_step (the slicing of the batch is left out) and the clipping itself
step_src = inspect.getsource(models.WGAN.train_step).splitlines()
loop = [i for i, line in enumerate(step_src) if "for i in range(self.n_critic)" in line][0]
fake_at = [i for i, line in enumerate(step_src) if "fake = self.generator" in line][0]
clip_at = [i for i, line in enumerate(step_src) if "self.clip_critic()" in line][0]
print("\n".join([step_src[loop], "            ..."] + step_src[fake_at:clip_at + 1]))
clip_src = inspect.getsource(models.WGAN.clip_critic).splitlines()
print("\n".join(line for line in clip_src if "assign" in line or "for w in" in line))

# %% [markdown] lang="zh"
# ## 6.5 WGAN-GP：用梯度惩罚代替权重裁剪
#
# 权重裁剪这个办法太粗糙。Gulrajani 等人（2017）做实验发现两个问题：
#
# - **能力弱化**：评论家为了在裁剪范围内尽量拉开真假样本的分数，会把几乎所有参数推到 $\pm c$ 两个端点上，
#   网络退化成非常简单的函数，学不到数据的细节；
# - **梯度爆炸或消失**：$c$ 稍大，梯度逐层放大；稍小，逐层缩小。$c$ 很难调。
#
# 他们的替代方案基于一个性质（Gulrajani 等, 2017, 命题 1）：设 $\pi$ 是 $P_r$ 与 $P_g$ 之间的**最优搬运方案**（6.3 节下确界取到的那个 $\gamma$），
# $(x,y)\sim\pi$ 是按它配对的一对样本，那么最优评论家在连接 $x$ 与 $y$ 的线段上梯度范数等于 1。可是训练时并不知道最优配对：
# WGAN-GP 把一个真实样本和一个生成样本**随机配对**，在它们的连线上取点施加约束。这是一种启发式做法——论文的理由是处处约束梯度做不到，
# 只在真假样本之间的区域约束“看来就够了”，并用实验验证了效果，但它不是命题 1 的直接推论。
# 于是直接惩罚梯度范数偏离 1 的程度（Gulrajani 等, 2017, 式 (3)）：
#
# $$L=\underbrace{\mathbb E_{\tilde x\sim P_g}\big[D(\tilde x)\big]-\mathbb E_{x\sim P_r}\big[D(x)\big]}_{\text{原来的评论家损失}}
# +\lambda\,\mathbb E_{\hat x\sim P_{\hat x}}\Big[\big(\|\nabla_{\hat x}D(\hat x)\|_2-1\big)^2\Big],\qquad
# \hat x=\alpha x+(1-\alpha)\tilde x,\ \ \alpha\sim U(0,1).$$
#
# 要点（也是实现时最容易错的地方）：
#
# 1. $\alpha$ 对**每个样本**单独抽一个，形状是 $(batch,1,1,1)$，广播到这个样本的所有像素——$\hat x$ 落在一对真假样本的连线上；
#    不能整批共用一个 $\alpha$，也不能每个像素各抽一个；
# 2. 梯度范数用 $\sqrt{\sum g^2+10^{-12}}$：$\epsilon$ 放在根号**里面**。$\sqrt{\cdot}$ 在 0 处导数为无穷，
#    梯度恰好为 0 时（比如真假样本相同）会得到 NaN；
# 3. **评论家不能用批归一化**：惩罚的是每个样本各自的梯度，而批归一化让一个样本的分数依赖整批其他样本。
#    可以用层归一化（layer norm），或者不用归一化；
# 4. $\lambda=10$，$n_{critic}=5$，Adam（学习率 $10^{-4}$，$\beta_1=0$，$\beta_2=0.9$）——有了梯度惩罚，动量又可以用了。
#
# 先把惩罚项按公式写成几行，再和 `gankit.losses.gradient_penalty` 对照；最后用一个线性评论家 $f(x)=w\cdot x$ 检查：
# 它的梯度处处是 $w$，惩罚应该正好等于 $\lambda(\|w\|-1)^2$。

# %% [markdown] lang="en"
# ## 6.5 WGAN-GP: a gradient penalty instead of weight clipping
#
# Weight clipping is a crude tool. Gulrajani et al. (2017) found two problems by experiment:
#
# - **Capacity underuse**: to separate real and fake scores as much as the clipping allows, the critic pushes almost
#   all its parameters to the two ends $\pm c$; the network degenerates into a very simple function and misses the
#   data's details;
# - **Exploding or vanishing gradients**: with $c$ a little too large, gradients grow layer by layer; a little too
#   small, they shrink. $c$ is hard to tune.
#
# Their replacement rests on a property (Gulrajani et al., 2017, Proposition 1): if $\pi$ is the **optimal transport
# plan** between $P_r$ and $P_g$ (the $\gamma$ that attains the infimum of 6.3) and $(x,y)\sim\pi$ is a pair coupled by
# it, the optimal critic has gradient norm 1 on the segment from $x$ to $y$. Training does not know the optimal
# coupling, though: WGAN-GP pairs a real and a generated example **at random** and enforces the constraint on the
# segment between them. That is a heuristic — the paper argues that constraining the gradient everywhere is
# intractable and that doing it between real and fake samples "seems sufficient", and shows experimentally that it
# works — not a consequence of Proposition 1. So penalise the gradient norm's deviation from 1 directly
# (Gulrajani et al., 2017, Eq. 3):
#
# $$L=\underbrace{\mathbb E_{\tilde x\sim P_g}\big[D(\tilde x)\big]-\mathbb E_{x\sim P_r}\big[D(x)\big]}_{\text{the original critic loss}}
# +\lambda\,\mathbb E_{\hat x\sim P_{\hat x}}\Big[\big(\|\nabla_{\hat x}D(\hat x)\|_2-1\big)^2\Big],\qquad
# \hat x=\alpha x+(1-\alpha)\tilde x,\ \ \alpha\sim U(0,1).$$
#
# The points to get right (and the easiest to get wrong):
#
# 1. $\alpha$ is drawn **once per example**, shape $(batch,1,1,1)$, broadcast over that example's pixels — $\hat x$
#    lies on the segment between one real and one fake example; not one $\alpha$ for the whole batch, not one per pixel;
# 2. the gradient norm is $\sqrt{\sum g^2+10^{-12}}$, with the $\epsilon$ **inside** the root: $\sqrt{\cdot}$ has an
#    infinite derivative at 0, so a gradient that is exactly 0 (say, real equal to fake) would give NaN;
# 3. **no batch norm in the critic**: the penalty is on each example's own gradient, and batch norm makes one
#    example's score depend on the rest of the batch. Use layer norm, or no normalisation;
# 4. $\lambda=10$, $n_{critic}=5$, Adam (learning rate $10^{-4}$, $\beta_1=0$, $\beta_2=0.9$) — with the penalty,
#    momentum is usable again.
#
# First the penalty written out in a few lines from the formula, compared with `gankit.losses.gradient_penalty`; then
# a linear critic $f(x)=w\cdot x$, whose gradient is $w$ everywhere, so the penalty must be exactly
# $\lambda(\|w\|-1)^2$.

# %%
def penalty_by_hand(critic, real, fake, alpha, lam=10.0):
    x_hat = tf.convert_to_tensor(alpha * real + (1.0 - alpha) * fake)  # one alpha per example
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat)
    g = tape.gradient(scores, x_hat)
    norm = tf.sqrt(tf.reduce_sum(tf.square(g), axis=[1, 2, 3]) + 1e-12)   # epsilon inside the root
    return lam * tf.reduce_mean(tf.square(norm - 1.0))


keras.utils.set_random_seed(0)
critic = nets.dcgan_critic((28, 28, 1), filters=8)           # layer norm, no batch norm
real_b = np.random.default_rng(1).uniform(-1, 1, (6, 28, 28, 1)).astype("float32")
fake_b = np.random.default_rng(2).uniform(-1, 1, (6, 28, 28, 1)).astype("float32")
alpha = np.random.default_rng(3).uniform(0, 1, (6, 1, 1, 1)).astype("float32")
ours = float(penalty_by_hand(critic, real_b, fake_b, alpha))
lib = float(losses.gradient_penalty(critic, real_b, fake_b, weight=10.0, alpha=alpha))
print(L.t(f"手算 {ours:.6f}", f"by hand {ours:.6f}") + f"   gankit.losses.gradient_penalty {lib:.6f}")
assert abs(ours - lib) < 1e-5 * max(1.0, abs(ours))

w = np.random.default_rng(4).normal(size=28 * 28).astype("float32")
w *= 2.5 / np.linalg.norm(w)                                         # ||w|| = 2.5


def linear(v, training=False):
    return tf.reduce_sum(tf.reshape(v, (-1, 28 * 28)) * w, axis=1, keepdims=True)


gp_linear = float(losses.gradient_penalty(linear, real_b, fake_b))
print(L.t(f"线性评论家，||w|| = 2.5：惩罚项 {gp_linear:.4f}，应为 10 * (2.5 - 1)^2 = {10 * 1.5 ** 2:.4f}",
          f"linear critic, ||w|| = 2.5: penalty {gp_linear:.4f}, expected 10 * (2.5 - 1)^2 = {10 * 1.5 ** 2:.4f}"))
assert abs(gp_linear - 22.5) < 1e-3
# real == fake: the gradient may be 0 at x_hat, the epsilon keeps everything finite
assert np.isfinite(float(losses.gradient_penalty(critic, real_b, real_b)))

# %% [markdown] lang="zh"
# ## 6.6 动手：8 个高斯组成的圆环
#
# 玩具数据是 8 个二维高斯分布，均匀排在半径为 2 的圆上（Unrolled GAN、VEEGAN、WGAN-GP 论文都用过），每个模式的标准差
# $\sigma=0.05$（论文多用 0.02；我们放宽一点，让 CPU 上几分钟的训练就能把样本收拢到模式附近）。怎样数“覆盖了几个模式”？
# 按 Unrolled GAN / VEEGAN 论文的做法：
#
# - 一个生成样本若落在离它最近的中心 $3\sigma$ 以内，就算**高质量样本**；
# - 一个模式若分到了至少 $\frac{1}{4K}$ 的高质量样本（$K=8$ 个模式，即 3.1%，是“公平份额” $\frac1K$ 的四分之一），就算**被覆盖**。
#   这样零星几个误打误撞的样本不算数，而一个被访问得少些、但确实学到了的模式仍然算。
#
# 这就是 `gankit.metrics.mode_coverage(points, centres, std)`，它返回（覆盖的模式数，高质量样本比例），用 2500 个生成样本来数。
#
# 三个模型用**同样的**网络：生成器和评论家/判别器都是 3 个隐藏层、每层 128 个单元的全连接网络（`nets.mlp_generator` /
# `nets.mlp_discriminator`），隐向量 16 维，每次更新的批大小 $m=64$：
#
# - **原始 GAN**（非饱和损失）与 **LSGAN**（6.9 节）：Adam，学习率 $5\times10^{-4}$，$\beta_1=0.5$；
# - **WGAN-GP**：$\lambda=10$，$n_{critic}=5$，Adam（$\beta_1=0$，$\beta_2=0.9$），学习率从论文的 $10^{-4}$ 提到 $5\times10^{-4}$，
#   好在 CPU 上 4000 次生成器迭代内收敛（论文的玩具实验跑了 10 万次迭代）。
#
# 完整模式每个模型用 3 个随机种子各训练 4000 次生成器迭代（WGAN-GP 的每次迭代含 5 次评论家更新）；
# 快速模式只用 1 个种子、300 次迭代，数字只说明代码能跑。

# %% [markdown] lang="en"
# ## 6.6 Hands on: a ring of 8 Gaussians
#
# The toy data are 8 two-dimensional Gaussians evenly spaced on a circle of radius 2 (used by the Unrolled GAN,
# VEEGAN and WGAN-GP papers), each with standard deviation $\sigma=0.05$ (the papers mostly use 0.02; we loosen it so
# that a few minutes of CPU training can pull the samples onto the modes). How do we count "modes covered"? As the
# Unrolled GAN / VEEGAN papers do:
#
# - a generated sample is **high quality** if it lies within $3\sigma$ of its nearest centre;
# - a mode is **covered** if it receives at least $\frac{1}{4K}$ of the high-quality samples ($K=8$ modes, so 3.1%, a
#   quarter of the "fair share" $\frac1K$). A stray handful of lucky samples does not count, while a mode that is
#   visited less often but really learnt does.
#
# That is `gankit.metrics.mode_coverage(points, centres, std)`, which returns (modes covered, share of high-quality
# samples), counted on 2500 generated samples.
#
# All three models use **the same** networks: generator and critic/discriminator are fully connected with 3 hidden
# layers of 128 units (`nets.mlp_generator` / `nets.mlp_discriminator`), a 16-dimensional latent vector, and $m=64$
# examples per update:
#
# - **the original GAN** (non-saturating loss) and **LSGAN** (section 6.9): Adam, learning rate $5\times10^{-4}$,
#   $\beta_1=0.5$;
# - **WGAN-GP**: $\lambda=10$, $n_{critic}=5$, Adam ($\beta_1=0$, $\beta_2=0.9$) with the learning rate raised from the
#   paper's $10^{-4}$ to $5\times10^{-4}$, so that it converges within 4000 generator iterations on a CPU (the paper's
#   toy runs took 100,000 iterations).
#
# Full mode trains each model for 4000 generator iterations (each of WGAN-GP's holding 5 critic updates) with 3
# random seeds. Quick mode uses 1 seed and 300 iterations: its numbers only show that the code runs.

# %%
RING_STD = 0.05
HIDDEN, LATENT, M = (128, 128, 128), 16, 64
RING_STEPS = L.pick(full=4000, quick=300)
CHUNK = L.pick(full=250, quick=100)            # measure every CHUNK generator iterations
SEEDS = L.pick(full=[0, 1, 2], quick=[0])
KINDS = ("GAN", "LSGAN", "WGAN-GP")
centres = data.ring_centres()
ring_eval = data.toy_points("gaussian_ring", n=2500, std=RING_STD, seed=999)


def sliced_w1(a, b, n_dirs=64):
    """A 'true' distance between two 2-D samples of equal size: W1 averaged over random 1-D projections."""
    dirs = np.random.default_rng(0).normal(size=(n_dirs, 2))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    return float(np.mean(np.abs(np.sort(a @ dirs.T, axis=0) - np.sort(b @ dirs.T, axis=0))))


def ring_model(kind, seed):
    keras.utils.set_random_seed(seed)
    if kind == "WGAN-GP":
        model = models.WGANGP(image_shape=(2,), latent_dim=LATENT, hidden=HIDDEN, seed=seed)
        adam = lambda: keras.optimizers.Adam(5e-4, beta_1=0.0, beta_2=0.9)  # noqa: E731
        return model, adam, M * model.n_critic     # one fit batch = n_critic slices of m
    model = models.GAN(generator=nets.mlp_generator(LATENT, (2,), hidden=HIDDEN, output_activation=None),
                       discriminator=nets.mlp_discriminator((2,), hidden=HIDDEN), latent_dim=LATENT,
                       image_shape=(2,), loss="least_squares" if kind == "LSGAN" else "non_saturating", seed=seed)
    return model, lambda: keras.optimizers.Adam(5e-4, beta_1=0.5), M


class RingWatch(keras.callbacks.Callback):
    """Every CHUNK generator iterations: the losses, the sliced W1 to real data and the mode count."""

    def __init__(self):
        super().__init__()
        self.rows = []

    def on_epoch_end(self, epoch, logs=None):
        points = self.model.generate(2500, seed=1)
        covered, hq = metrics.mode_coverage(points, centres, RING_STD)
        self.rows.append({"step": (epoch + 1) * CHUNK, "sliced_w1": sliced_w1(points, ring_eval),
                          "covered": covered, "hq": hq, **{k: float(v) for k, v in (logs or {}).items()}})


def train_ring(kind, seed):
    model, optimizer, batch = ring_model(kind, seed)
    model.compile(g_optimizer=optimizer(), d_optimizer=optimizer())
    points = data.toy_points("gaussian_ring", n=50000, std=RING_STD, seed=seed)
    ds = tf.data.Dataset.from_tensor_slices(points).shuffle(50000, seed=seed).repeat().batch(batch, drop_remainder=True)
    watch = RingWatch()
    model.fit(ds, epochs=RING_STEPS // CHUNK, steps_per_epoch=CHUNK,
              callbacks=[watch, *L.callbacks(f"ring {kind} {seed}", resume=False)], verbose=0)
    samples = model.generate(2500, seed=123)
    covered, hq = metrics.mode_coverage(samples, centres, RING_STD)
    return {"model": model, "samples": samples, "covered": covered, "hq": hq, "curve": watch.rows}


ring = {}
start = time.time()
for seed in SEEDS:
    for kind in KINDS:
        t0 = time.time()
        ring[kind, seed] = train_ring(kind, seed)
        r = ring[kind, seed]
        print(L.t(f"{kind:<8} 种子 {seed}：覆盖 {r['covered']}/8 个峰，高质量样本 {100 * r['hq']:5.1f}%"
                  f"（{time.time() - t0:.0f} 秒）",
                  f"{kind:<8} seed {seed}: {r['covered']}/8 modes, {100 * r['hq']:5.1f}% high quality "
                  f"({time.time() - t0:.0f} s)"))
ring_seconds = time.time() - start
print(L.t(f"圆环实验共用时 {ring_seconds / 60:.1f} 分钟", f"ring experiments: {ring_seconds / 60:.1f} minutes"))
L.record(ring_minutes=ring_seconds / 60)
for kind in KINDS:
    L.record(**{f"ring.{kind}.modes_per_seed": " ".join(str(ring[kind, s]["covered"]) for s in SEEDS),
                f"ring.{kind}.hq_mean": float(np.mean([ring[kind, s]["hq"] for s in SEEDS]))})
if not L.quick:  # the claim of this lesson, checked on every seed in full mode
    assert all(ring["WGAN-GP", s]["covered"] == 8 for s in SEEDS), "WGAN-GP missed a mode"

# %%
fig, axes = plt.subplots(len(SEEDS), len(KINDS) + 1, figsize=(3.2 * (len(KINDS) + 1), 3.2 * len(SEEDS)),
                         squeeze=False)
for row, seed in enumerate(SEEDS):
    axes[row, 0].scatter(*ring_eval.T, s=2, color="k", alpha=0.3)
    axes[row, 0].set_title(tt("真实数据", "real data"))
    for col, kind in enumerate(KINDS, start=1):
        r = ring[kind, seed]
        ax = axes[row, col]
        ax.scatter(*r["samples"].T, s=2, alpha=0.3, color=f"C{col - 1}")
        ax.scatter(*centres.T, s=30, marker="x", color="k")
        ax.set_title(tt(f"{kind} · 种子 {seed}：{r['covered']}/8，高质量 {100 * r['hq']:.0f}%",
                        f"{kind} · seed {seed}: {r['covered']}/8, HQ {100 * r['hq']:.0f}%"), fontsize=9)
    for ax in axes[row]:
        ax.set_xlim(-3, 3)
        ax.set_ylim(-3, 3)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
fig.tight_layout()
L.show(fig, "ring_samples")

print(f"{'':<9}" + "".join(L.t(f"种子 {s:<6}", f"seed {s:<6}") for s in SEEDS) + L.t("平均高质量比例", "mean HQ share"))
for kind in KINDS:
    print(f"{kind:<9}" + "".join(f"{ring[kind, s]['covered']}/8{'':<7}" for s in SEEDS)
          + f"{100 * np.mean([ring[kind, s]['hq'] for s in SEEDS]):.1f}%")

# %% [markdown] lang="zh"
# 我们完整模式运行的结果（上面的表格会打印你这次运行的结果）：
#
# | 模型 | 种子 0 | 种子 1 | 种子 2 | 平均高质量比例 |
# |---|---|---|---|---|
# | 原始 GAN | 7/8 | 4/8 | 4/8 | 50.1% |
# | LSGAN | 4/8 | 4/8 | 4/8 | 85.4% |
# | WGAN-GP | **8/8** | **8/8** | **8/8** | 58.7% |
#
# 看散点图：原始 GAN 的样本沿着圆环铺成一条弧，有的种子上弧线跨过了 7 个模式，但只有三分之一的样本落在模式附近；
# LSGAN 三个种子都只收拢到 4 个模式（隔一个取一个），落在模式附近的样本却最多——“准确但不多样”，正是 6.2 节说的取舍。
#
# 注意原始 GAN 不一定每次都只剩一个模式：网络、学习率、训练长度不同，结果差别很大，有时它也能覆盖好几个模式。
# 这正是问题所在——它会不会崩溃取决于运气和调参；而 WGAN-GP 在每个种子上都覆盖了全部 8 个模式。

# %% [markdown] lang="en"
# Our full-mode run gave (the table above prints your own run):
#
# | model | seed 0 | seed 1 | seed 2 | mean high-quality share |
# |---|---|---|---|---|
# | original GAN | 7/8 | 4/8 | 4/8 | 50.1% |
# | LSGAN | 4/8 | 4/8 | 4/8 | 85.4% |
# | WGAN-GP | **8/8** | **8/8** | **8/8** | 58.7% |
#
# Look at the scatter plots: the original GAN spreads its samples along an arc of the ring — on one seed the arc passes
# 7 modes, but only a third of the samples lie near a mode; LSGAN gathers onto just 4 modes (every other one) on all
# three seeds, yet puts the most samples near a mode — "accurate but not diverse", the trade-off of section 6.2.
#
# Note that the original GAN does not always end with a single mode: network, learning rate and training length
# change the outcome a lot, and sometimes it covers several modes. That is precisely the problem — whether it
# collapses is a matter of luck and tuning — while WGAN-GP covered all 8 modes on every seed.

# %% [markdown] lang="zh"
# ## 6.7 评论家的损失能反映样本质量
#
# 原始 GAN 的判别器损失在训练中上下波动，既不说明生成器变好了，也不说明变差了。WGAN 的评论家给出的是 Wasserstein 距离的估计
# $\mathbb E[f(x)]-\mathbb E[f(G(z))]$（日志里的 `w_distance`），它应当随样本变好而下降。下面把它和一个“真正的”距离画在一起：
# 生成样本与真实样本之间的**切片 Wasserstein 距离**（随机取 64 个方向，把二维点投影到一维，在每个方向上按排序配对算 $W_1$，再取平均）。

# %% [markdown] lang="en"
# ## 6.7 The critic's loss tracks sample quality
#
# The original GAN's discriminator loss wanders up and down during training and says neither that the generator is
# improving nor that it is getting worse. WGAN's critic gives an estimate of the Wasserstein distance,
# $\mathbb E[f(x)]-\mathbb E[f(G(z))]$ (`w_distance` in the logs), which should fall as the samples improve. Below it
# is plotted against a "true" distance: the **sliced Wasserstein distance** between generated and real samples
# (project the 2-D points onto 64 random directions, compute $W_1$ by sorted pairing on each, average).

# %%
first_seed = SEEDS[0]
gp_curve, gan_curve = ring["WGAN-GP", first_seed]["curve"], ring["GAN", first_seed]["curve"]
fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
for ax, curve, key, name in [(axes[0], gp_curve, "w_distance", tt("WGAN-GP 评论家的 W 估计", "WGAN-GP critic's W estimate")),
                             (axes[1], gan_curve, "d_loss", tt("GAN 判别器损失", "GAN discriminator loss"))]:
    steps = [row["step"] for row in curve]
    ax.plot(steps, [row[key] for row in curve], color="tab:red", label=name)
    ax.set_xlabel(tt("生成器迭代次数", "generator iterations"))
    ax.set_ylabel(name, color="tab:red")
    ax2 = ax.twinx()
    ax2.plot(steps, [row["sliced_w1"] for row in curve], color="tab:blue", ls="--")
    ax2.set_ylabel(tt("切片 W1（真实距离）", "sliced W1 (true distance)"), color="tab:blue")
fig.tight_layout()
L.show(fig, "critic_tracks_quality")
# correlation once the critic has caught up (after the first quarter of training; see the text below)
late = lambda c: [r for r in c if r["step"] > RING_STEPS // 4]  # noqa: E731
corr = {name: float(np.corrcoef([r[key] for r in late(c)], [r["sliced_w1"] for r in late(c)])[0, 1])
        if len(late(c)) > 2 else float("nan")
        for name, c, key in [("WGAN-GP", gp_curve, "w_distance"), ("GAN", gan_curve, "d_loss")]}
print(L.t("训练后 3/4 段与切片 W1 的相关系数：", "correlation with sliced W1 over the last 3/4 of training: ")
      + ", ".join(f"{k} {v:+.2f}" for k, v in corr.items()))
L.record(**{f"corr_with_sliced_w1.{k}": v for k, v in corr.items()})

# %% [markdown] lang="zh"
# 左图：最初几百次迭代里评论家的估计先**上升**——评论家还没训练好，它给出的是 $W$ 的一个偏低的估计（下界），随着评论家变强而收紧；
# 此后评论家的估计（红线）和真实距离（蓝色虚线）一起下降。训练后 3/4 段两者明显正相关（我们完整模式实测的相关系数是 +0.79），
# 而且真实距离在约 1000 次迭代后下降变缓时，评论家的估计仍在继续下降，反映出样本进一步向模式中心收拢（高质量比例上升）。
# 右图中原始 GAN 的判别器损失在 1.0–1.3 之间来回摆动，相关系数是 −0.37：样本变好时它反而常常上升，没法用来读出训练进度。
# 一篇流传很广的中文 GAN 博客说 WGAN 让训练“终于有一个像交叉熵、准确率这样的数值来指示训练的进程”，指的就是这一点——前提是评论家已经训练到接近最优。
#
# **误区**：同一篇博客还说 WGAN“彻底解决了训练不稳定的问题”“基本解决了 collapse mode 的问题”，并且“最简单的多层全连接网络就可以做到”。
# 这些说法过头了：权重裁剪版 WGAN 收敛慢、对 $c$ 敏感（这正是 WGAN-GP 要解决的问题）；评论家的估计只在它接近最优时才可信，
# 而且只在**同一次训练**内可比——换一个网络结构或 $\lambda$，数值尺度就变了，不能拿来比较不同的模型。

# %% [markdown] lang="en"
# On the left, during the first few hundred iterations the critic's estimate **rises**: the critic is not trained yet,
# and what it gives is a low estimate of $W$ (a lower bound) that tightens as the critic gets stronger. After that the
# critic's estimate (red) and the true distance (blue, dashed) fall together: over the last 3/4 of training they are
# clearly positively correlated (+0.79 in our full-mode run), and when the true distance flattens after about 1000 iterations the
# critic's estimate keeps falling, reflecting samples that gather ever closer to the mode centres (a rising
# high-quality share). On the right the original GAN's discriminator loss swings between 1.0 and 1.3, with correlation
# −0.37: it often rises as the samples improve, so training progress cannot be read from it. This is what a widely
# read Chinese blog post on GANs means when it says WGAN gives "at last a number, like cross-entropy or accuracy, that
# shows how training is going" — provided the critic is trained close to its optimum.
#
# **Myth**: the same blog post says WGAN "completely solves the instability of GAN training", "basically solves
# mode collapse", and that "the simplest multi-layer fully connected network is enough". These claims go too far:
# weight-clipped WGAN converges slowly and is sensitive to $c$ (the very problem WGAN-GP addresses); the critic's
# estimate is trustworthy only when the critic is near its optimum, and comparable only **within one run** — change
# the architecture or $\lambda$ and its scale changes, so it cannot rank different models.

# %% [markdown] lang="zh"
# ### 权重裁剪的毛病，看得见
#
# 下面用权重裁剪版的 `models.WGAN`（RMSProp $5\times10^{-5}$，$c=0.01$）在同一个圆环上训练评论家和生成器，然后比较两件事：
# 评论家参数的直方图（WGAN-GP 论文图 1(b)：裁剪后的参数堆积在 $\pm c$ 两端），以及评论家对输入的梯度范数
# （1-Lipschitz 的最优评论家在真假样本之间的梯度范数应当是 1）。

# %% [markdown] lang="en"
# ### Weight clipping's troubles, made visible
#
# Below, the weight-clipped `models.WGAN` (RMSProp $5\times10^{-5}$, $c=0.01$) trains on the same ring; then two
# things are compared: the histogram of the critic's parameters (WGAN-GP paper, figure 1(b): clipped parameters pile up
# at the two ends $\pm c$), and the critic's gradient norm with respect to its input (a 1-Lipschitz optimal critic has
# gradient norm 1 between real and fake samples).

# %%
keras.utils.set_random_seed(first_seed)
wgan = models.WGAN(image_shape=(2,), latent_dim=LATENT, hidden=HIDDEN, seed=first_seed)   # clip 0.01, RMSProp(5e-5)
wgan.compile()
clip_steps = L.pick(full=1000, quick=100)
ring_points = data.toy_points("gaussian_ring", n=50000, std=RING_STD, seed=first_seed)
ring_ds = tf.data.Dataset.from_tensor_slices(ring_points).repeat().batch(M * wgan.n_critic)
wgan.fit(ring_ds, epochs=1, steps_per_epoch=clip_steps, verbose=0)
assert int(wgan.d_optimizer.iterations) == wgan.n_critic * int(wgan.g_optimizer.iterations)


def input_gradient_norms(critic, real, fake):
    alpha = np.random.default_rng(0).uniform(size=(len(real), 1)).astype("float32")
    x_hat = tf.constant(alpha * real + (1 - alpha) * fake)
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat)
    return np.linalg.norm(np.array(tape.gradient(scores, x_hat)), axis=1)


gp_model = ring["WGAN-GP", first_seed]["model"]
clip_weights = np.concatenate([np.ravel(w) for w in wgan.critic.trainable_weights])
gp_weights = np.concatenate([np.ravel(w) for w in gp_model.critic.trainable_weights])
real_pts = ring_eval[:1000]
norms = {"WGAN (clip)": input_gradient_norms(wgan.critic, real_pts, wgan.generate(1000, seed=5)),
         "WGAN-GP": input_gradient_norms(gp_model.critic, real_pts, gp_model.generate(1000, seed=5))}
at_edge = float(np.mean(np.abs(clip_weights) > 0.0099))
print(L.t(f"裁剪后有 {100 * at_edge:.0f}% 的参数贴在 ±0.01 上", f"{100 * at_edge:.0f}% of the clipped weights sit at ±0.01"))
for k, v in norms.items():
    print(f"{k:<12} " + L.t(f"输入梯度范数的中位数：{np.median(v):.4f}", f"input-gradient norm: median {np.median(v):.4f}"))
L.record(clip_weights_at_edge=at_edge, **{f"grad_norm_median.{k}": float(np.median(v)) for k, v in norms.items()})
assert np.abs(clip_weights).max() <= 0.01 + 1e-7

fig, axes = plt.subplots(1, 3, figsize=(13, 3.2))
axes[0].hist(clip_weights, bins=60, color="tab:orange")
axes[0].set_title(tt("WGAN（裁剪）评论家参数", "WGAN (clipping) critic weights"))
axes[1].hist(gp_weights, bins=60, color="tab:green")
axes[1].set_title(tt("WGAN-GP 评论家参数", "WGAN-GP critic weights"))
axes[2].hist([np.log10(v) for v in norms.values()], bins=40, label=list(norms))
axes[2].axvline(0.0, color="k", ls=":")
axes[2].set_xlabel(r"$\log_{10}\|\nabla_{\hat x} D(\hat x)\|$")
axes[2].legend(fontsize=8)
axes[2].set_title(tt("评论家对输入的梯度范数", "critic's input-gradient norm"))
fig.tight_layout()
L.show(fig, "clipping_vs_gp")

# %% [markdown] lang="zh"
# 裁剪版评论家的参数大量堆在 $\pm0.01$ 两端（左图两侧的高柱），它对输入的梯度范数比 1 小几个数量级：
# 它确实是 Lipschitz 的，但远没有用满“坡度不超过 1”的额度，能力被浪费了，生成器拿到的梯度也很小——所以它学得很慢。
# WGAN-GP 的参数分布自然，梯度范数集中在 1 附近（右图竖虚线）。

# %% [markdown] lang="en"
# The clipped critic's parameters pile up at $\pm0.01$ (the tall bars at both sides of the left plot) and its
# input-gradient norm is orders of magnitude below 1: it is Lipschitz all right, but uses only a sliver of its
# "slope at most 1" allowance — wasted capacity, and small gradients for the generator, which is why it learns
# slowly. WGAN-GP's parameters spread naturally and its gradient norms gather around 1 (the dotted line on the right).

# %% [markdown] lang="zh"
# ## 6.8 WGAN-GP 生成 Fashion-MNIST
#
# 换到图像：生成器是第 2 课的 DCGAN 生成器，评论家是 DCGAN 的判别器去掉批归一化、改用层归一化（`nets.dcgan_critic`），
# $\lambda=10$，$n_{critic}=5$。为了让 CPU 跑得动，卷积的基础通道数取 16（第 2 课是 64）。`fit` 的批大小是 $5\times64=320$：
# 每次评论家更新用其中 64 张，一个轮次是 187 次生成器迭代。
#
# 优化器我们**没有**用论文的 Adam($10^{-4}$, $\beta_1=0$, $\beta_2=0.9$)，而是 Adam($2\times10^{-4}$, $\beta_1=0.5$, $\beta_2=0.9$)。
# 原因是实测：用论文的设置训练 10 个轮次（2 核 AVX-512 CPU 上约 14 分钟），只能看出衬衫、裤子的大致轮廓；换成后者，8 个轮次就能认出 T 恤、
# 套头衫、连衣裙、运动鞋和短靴。论文的设置是为几万到几十万次迭代准备的，而我们只有不到 1500 次。梯度惩罚让带动量的 Adam 重新变得可用，
# 这一点本身就是 WGAN-GP 相对 WGAN 的改进之一。
#
# 完整模式（8 个轮次，1496 次生成器迭代）训练后，生成的服装能够认出来，但仍然粗糙，多训练几个轮次会更清晰；快速模式只取 640 张图训练 2 步，图像还是噪声。

# %% [markdown] lang="en"
# ## 6.8 WGAN-GP on Fashion-MNIST
#
# On to images: the generator is lesson 2's DCGAN generator, the critic is the DCGAN discriminator with layer norm in
# place of batch norm (`nets.dcgan_critic`), $\lambda=10$, $n_{critic}=5$. To keep a CPU able to run it, the
# convolutions start from 16 channels (64 in lesson 2). The `fit` batch is $5\times64=320$: each critic update uses 64
# of them, and an epoch is 187 generator iterations.
#
# For the optimiser we do **not** use the paper's Adam($10^{-4}$, $\beta_1=0$, $\beta_2=0.9$) but Adam($2\times10^{-4}$,
# $\beta_1=0.5$, $\beta_2=0.9$). The reason is measured: with the paper's settings, 10 epochs (about 14 minutes on a
# 2-core AVX-512 CPU) only give rough outlines of shirts and trousers; with the latter, after 8 epochs T-shirts, pullovers,
# dresses, sneakers and ankle boots can be told apart. The paper's settings are meant for tens or hundreds of thousands
# of iterations, and we have fewer than 1500. That momentum (Adam) is usable again at all is itself one of the things
# the gradient penalty brings over WGAN.
#
# After full mode (8 epochs, 1496 generator iterations) the garments are recognisable but still rough, and more epochs sharpen them.
# Quick mode trains 2 steps on 640 pictures, so its pictures are still noise.

# %%
FASHION_EPOCHS = L.epochs(full=8, quick=1)
N_CRITIC, M_IMG = 5, 64
fashion = data.load("fashion_mnist", batch_size=N_CRITIC * M_IMG, limit=L.pick(None, 640), labels=False)
keras.utils.set_random_seed(0)
wgan_gp = models.WGANGP(image_shape=(28, 28, 1), filters=16, n_critic=N_CRITIC, seed=0)
# the paper's Adam(1e-4, beta_1=0, beta_2=0.9) learns too slowly for a CPU budget (see the text above)
adam = lambda: keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.9)  # noqa: E731
wgan_gp.compile(g_optimizer=adam(), d_optimizer=adam())
grids = viz.SampleGrid(L.out / "fashion", n=64, seed=0)
start = time.time()
history = wgan_gp.fit(fashion, epochs=FASHION_EPOCHS, callbacks=[*L.callbacks("wgan_gp"), grids], verbose=0)
fashion_minutes = (time.time() - start) / 60
print(L.t(f"{FASHION_EPOCHS} 个轮次用时 {fashion_minutes:.1f} 分钟", f"{FASHION_EPOCHS} epochs in {fashion_minutes:.1f} minutes"))
L.record_history("wgan_gp_fashion", history)
L.record(fashion_epochs=FASHION_EPOCHS, fashion_minutes=fashion_minutes)
assert all(np.all(np.isfinite(v)) for v in history.history.values())
L.save_grid(wgan_gp.generate(64, seed=0), "fashion_wgan_gp")

# %% [markdown] lang="zh"
# ## 6.9 LSGAN：另一种修补
#
# 最小二乘 GAN（LSGAN，Mao 等人 2017）走的是另一条路：保留原始 GAN 的框架，把判别器的交叉熵换成平方误差（判别器同样不加 sigmoid；
# Mao 等, 2017, 式 (2)）：
#
# $$\min_D\ \tfrac12\mathbb E_{x}\big[(D(x)-b)^2\big]+\tfrac12\mathbb E_{z}\big[(D(G(z))-a)^2\big],\qquad
# \min_G\ \tfrac12\mathbb E_{z}\big[(D(G(z))-c)^2\big],$$
#
# gankit 取 $a=0$、$b=c=1$。交叉熵只关心样本在判决边界哪一侧：一个生成样本一旦被判为“真”，即使离真实数据还很远，$-\log D$ 的梯度也接近 0；
# 平方误差则按离目标值的**距离**继续惩罚，把这些样本往真实数据拉，梯度不会因为判别器“很有把握”而消失。下图画出两种生成器损失对 logit 的梯度。
# 论文证明，当 $b-c=1$、$b-a=2$ 时，LSGAN 最小化的是 Pearson $\chi^2$ 散度。
#
# 在 gankit 里，LSGAN 只是损失的一个选项：`models.DCGAN(loss="least_squares")` 或 `models.GAN(loss="least_squares")`，
# 6.6 节圆环上的 LSGAN 就是这样建的。

# %% [markdown] lang="en"
# ## 6.9 LSGAN: another fix
#
# The least squares GAN (LSGAN, Mao et al. 2017) takes another road: keep the original GAN's framework and replace the
# discriminator's cross-entropy with squared error (again no sigmoid on the discriminator; Mao et al., 2017, Eq. 2):
#
# $$\min_D\ \tfrac12\mathbb E_{x}\big[(D(x)-b)^2\big]+\tfrac12\mathbb E_{z}\big[(D(G(z))-a)^2\big],\qquad
# \min_G\ \tfrac12\mathbb E_{z}\big[(D(G(z))-c)^2\big],$$
#
# with $a=0$, $b=c=1$ in gankit. Cross-entropy only cares which side of the decision boundary a sample is on: once a
# generated sample is judged "real", the gradient of $-\log D$ is close to 0 even if the sample is still far from the
# data; squared error keeps penalising it by its **distance** from the target and pulls it towards the data, so the
# gradient does not vanish because the discriminator is "sure". The plot shows both generator losses' gradients with
# respect to the logit. The paper proves that with $b-c=1$ and $b-a=2$ LSGAN minimises the Pearson $\chi^2$ divergence.
#
# In gankit LSGAN is just a loss option: `models.DCGAN(loss="least_squares")` or `models.GAN(loss="least_squares")`
# — the LSGAN on the ring of 6.6 was built that way.

# %%
logits = tf.constant(np.linspace(-6, 6, 241).astype("float32"))
grads = {}
for name, fn in [("-log D (non-saturating)", losses.nonsaturating_g_loss),
                 ("least squares", losses.least_squares_g_loss),
                 ("Wasserstein", losses.wasserstein_g_loss)]:
    with tf.GradientTape() as tape:
        tape.watch(logits)
        # sum of per-example losses: each example's own gradient
        loss = fn(logits) * tf.cast(tf.size(logits), tf.float32)
    grads[name] = np.array(tape.gradient(loss, logits))
fig, ax = plt.subplots(figsize=(7, 3.2))
for name, g in grads.items():
    ax.plot(np.array(logits), np.abs(g), label=name)
ax.set_xlabel(tt("生成样本的 logit / 分数", "logit / score of a generated sample"))
ax.set_ylabel(tt("|生成器损失的梯度|", "|gradient of the generator loss|"))
ax.legend(fontsize=8)
L.show(fig, "generator_gradients")
assert grads["-log D (non-saturating)"][-1] > -0.01 and abs(grads["least squares"][-1]) > 4

lsgan = models.DCGAN(image_shape=(28, 28, 1), filters=8, latent_dim=32, loss="least_squares", seed=0)
lsgan.compile()
print(lsgan.d_loss_fn.__name__, lsgan.g_loss_fn.__name__)

# %% [markdown] lang="zh"
# ## 6.10 《Are GANs Created Equal?》：没有哪个损失处处最好
#
# WGAN-GP 一度被称为“state of the art”。随后 Google Brain 的大规模对比研究（[Lucic 等, 2018](https://arxiv.org/abs/1711.10337)）给各种 GAN
# （原始 GAN、LSGAN、WGAN、WGAN-GP、DRAGAN、BEGAN……）同样的计算预算、大范围搜索超参数，再用 FID 比较，结论是：
#
# - **没有哪一种碾压其他**：不同数据集上的排名不同；只要超参数调得够、随机种子试得够多，大多数模型能达到相近的 FID；
# - 比较时要看**分布**而不是最好的一次：同一模型换个随机种子，结果差别可以比模型之间的差别还大（6.6 节的圆环也是如此）；
# - 算力有限时，好不好还取决于“调一次就能用”的概率。
#
# 苏剑林在知乎上对此的解读值得记住：这篇论文比较的是“大家都能稳定训练到收敛时谁的效果更好”，而 WGAN 这类模型的贡献恰恰在于
# **让训练稳定地收敛**——原始 GAN 崩溃的概率更大。把“稳定收敛”当作前提来比较，等于抹掉了 WGAN 的主要贡献。工业界更看重稳定性，
# 也是这个道理。

# %% [markdown] lang="en"
# ## 6.10 "Are GANs Created Equal?": no loss is best everywhere
#
# WGAN-GP was for a while called the "state of the art". Then Google Brain's large-scale study (Lucic et al. 2018,
# [arXiv:1711.10337](https://arxiv.org/abs/1711.10337)) gave many GANs (the original GAN, LSGAN, WGAN, WGAN-GP, DRAGAN, BEGAN …) the same
# computational budget and a wide hyper-parameter search, and compared them by FID. Its conclusions:
#
# - **none dominates the others**: rankings change from dataset to dataset; with enough hyper-parameter tuning and
#   enough random restarts most models reach similar FID;
# - compare **distributions**, not the best run: the spread over random seeds of one model can exceed the differences
#   between models (as on the ring of 6.6);
# - on a limited budget, what counts is also the chance that a setting works the first time.
#
# Su Jianlin's reading (an answer on Zhihu) is worth keeping: the study compares "who does better when every
# model trains stably to convergence", whereas the contribution of WGAN-style models is precisely **making training
# converge reliably** — the original GAN collapses more often. Taking stable convergence as a given erases WGAN's main
# contribution. The same reasoning explains why industry values stability.

# %% [markdown] lang="zh"
# ## 6.11 本课的指标
#
# 把本课的结果整理成指标，放进运行结束时的总结（完整模式的结果汇总在 README 的结果表中）：圆环上每种模型在各个种子上覆盖模式数的平均值和高质量样本比例（6.6 节），
# 以及 6.8 节 Fashion-MNIST 上 WGAN-GP 的**分类器 FID**、**分类器得分**和**精确率 / 召回率**（用 gankit 自己的分类器，离线可用，第 10 课详细讲；
# 完整模式 2000 个样本，快速模式 300 个）。

# %% [markdown] lang="en"
# ## 6.11 This lesson's metrics
#
# The lesson's results as metrics for the run's closing summary (full-mode results are collected in the README's
# results table): for each model on the ring, the mean number of modes covered over the seeds and the high-quality
# share (section 6.6); and for 6.8's WGAN-GP on Fashion-MNIST the **classifier FID**, **classifier score** and
# **precision / recall** (gankit's own classifier, offline; lesson 10 explains them; 2000 samples in full mode, 300 in
# quick mode).

# %%
from gankit import metrics
from gankit.evaluate import table

for kind in KINDS:
    L.record_metrics(kind, "gaussian_ring", modes=float(np.mean([ring[kind, s]["covered"] for s in SEEDS])),
                     hq_share=float(np.mean([ring[kind, s]["hq"] for s in SEEDS])))
N_METRICS = L.pick(full=2000, quick=300)
scores = metrics.evaluate_generator(wgan_gp, "fashion_mnist", n=N_METRICS)
print(table([("WGAN-GP", scores), (L.t("（真实训练图像）", "(real train images)"),
                                   metrics.evaluate_real("fashion_mnist", n=N_METRICS))], "fashion_mnist", N_METRICS))
L.record_metrics("WGAN-GP", "fashion_mnist", minutes=fashion_minutes,
                 **{k: scores[k] for k in ("fid", "fid_real", "classifier_score", "precision", "recall")})
assert np.isfinite(scores["fid"]) and scores["fid"] > scores["fid_real"]

# %% [markdown] lang="zh"
# ## 学到了什么
#
# 1. 支撑集不重叠时 JS 散度恒为 $\log2$、梯度为 0；$-\log D$ 技巧（$D^*$ 固定时）等价于最小化 $\mathrm{KL}(p_g\|p_r)-2\,\mathrm{JS}$，偏爱“保守”样本，导致模式崩溃。
# 2. Wasserstein 距离在分布不重叠时仍反映远近；KR 对偶把它写成 1-Lipschitz 函数上的上确界，由不加 sigmoid 的评论家来近似。
# 3. WGAN：去 sigmoid、去 log、权重裁剪到 $[-c,c]$、RMSProp、$n_{critic}=5$；裁剪让参数堆在 $\pm c$、梯度远小于 1，所以学得慢。
# 4. WGAN-GP 用 $\lambda(\|\nabla_{\hat x}D(\hat x)\|_2-1)^2$ 代替裁剪：$\alpha$ 每个样本一个、$\epsilon$ 在根号里、评论家不用批归一化；在随机配对的连线上取 $\hat x$ 是启发式做法。
# 5. 圆环上 WGAN-GP 在 3 个种子上都覆盖 8/8 个模式，评论家的 $W$ 估计跟着样本质量走；LSGAN 是另一种修补，大规模对比表明没有哪个损失处处最好，WGAN 的贡献在于稳定收敛。
#
# ## 练习
#
# 从易到难排列；有代码的练习，参考答案在 `solutions/06_wgan.py`（`GANKIT_QUICK=1` 时几秒钟跑完）。
#
# 1. **（基础）** 在 6.1 节里把 $P_\theta$ 换成更宽的均匀分布 $U[\theta,\theta+1]$（$P_r$ 仍是 $U[0,0.5]$）。$\theta$ 在什么范围内 JS 是常数？那时 $W_1$ 等于多少？
#
#    <details><summary>提示</summary>两个区间 $[0,0.5]$ 与 $[\theta,\theta+1]$ 什么时候不相交？不相交时，$W_1$ 等于两个均值之差的绝对值（所有的土都朝同一个方向搬）。数值上复用 6.1 节的 `js` 和 `w1`，给 `uniform_pdf` 传 `width=1.0`。</details>
#
# 2. **（基础）** 照 6.9 节的公式，自己用几行 NumPy 写出 LSGAN 的判别器损失和生成器损失（$a=0$，$b=c=1$），与 `gankit.losses.least_squares_d_loss`、`least_squares_g_loss` 对照；再算出 logit 为 6 时非饱和损失与最小二乘损失对这个 logit 的梯度。
#
#    <details><summary>提示</summary>gankit 的损失都是 logits 的纯函数，对批次取平均，别漏了 $\tfrac12$。对单个样本，$-\log\sigma(s)$ 对 $s$ 的导数是 $\sigma(s)-1$，$\tfrac12(s-1)^2$ 的导数是 $s-1$。</details>
#
# 3. **（进阶）** 在圆环上训练两个 WGAN-GP，一个 `gp_weight=10`，一个 `gp_weight=0`（其余完全相同），比较评论家在 $\hat x$ 上的梯度范数，以及覆盖的模式数。没有惩罚时会发生什么？
#
#    <details><summary>提示</summary>复用 6.6 节的 `ring_model` 思路（`models.WGANGP(image_shape=(2,), gp_weight=...)`）和 6.7 节的 `input_gradient_norms`。没有惩罚也没有裁剪时，什么也不限制评论家的坡度：它只要把真假样本的分数拉得越开越好。</details>
#
# 4. **（开放）** 仿照《Are GANs Created Equal?》，设计一个公平的比较：WGAN-GP 和 LSGAN 在圆环上谁更好？“同样的预算”指同样的生成器迭代次数、同样的梯度计算次数，还是同样的时间？每个模型跑几个种子？报告什么？
#
#    <details><summary>提示</summary>WGAN-GP 每次生成器迭代含 5 次评论家更新和一次额外的反向传播（梯度惩罚），按迭代次数比较对 LSGAN 不公平。把每个种子的结果都画出来（箱线图或散点），而不只报最好的一次；这一题没有唯一答案。</details>

# %% [markdown] lang="en"
# ## What you learned
#
# 1. For disjoint supports the JS divergence is stuck at $\log2$ with zero gradient; the $-\log D$ trick (with $D^*$ held fixed) amounts to minimising $\mathrm{KL}(p_g\|p_r)-2\,\mathrm{JS}$, which favours "safe" samples and leads to mode collapse.
# 2. The Wasserstein distance reflects how far apart distributions are even when they do not overlap; KR duality writes it as a supremum over 1-Lipschitz functions, approximated by a critic without a sigmoid.
# 3. WGAN: no sigmoid, no log, weights clipped to $[-c,c]$, RMSProp, $n_{critic}=5$; clipping piles the weights at $\pm c$ and leaves gradients far below 1, so it learns slowly.
# 4. WGAN-GP replaces clipping with $\lambda(\|\nabla_{\hat x}D(\hat x)\|_2-1)^2$: one $\alpha$ per example, $\epsilon$ inside the root, no batch norm in the critic; taking $\hat x$ on segments between randomly paired samples is a heuristic.
# 5. On the ring WGAN-GP covers 8/8 modes on all 3 seeds and its critic's $W$ estimate follows sample quality; LSGAN is another fix, and the large-scale study finds no loss best everywhere — WGAN's contribution is reliable convergence.
#
# ## Exercises
#
# From easy to open; solutions to the exercises with code are in `solutions/06_wgan.py` (a few seconds with
# `GANKIT_QUICK=1`).
#
# 1. **(Easy)** In 6.1 make $P_\theta$ wider, $U[\theta,\theta+1]$ ($P_r$ stays $U[0,0.5]$). For which $\theta$ is JS constant? What is $W_1$ there?
#
#    <details><summary>Hint</summary>When are the intervals $[0,0.5]$ and $[\theta,\theta+1]$ disjoint? When they are, $W_1$ is the absolute difference of the two means (all the earth moves the same way). Numerically, reuse 6.1's `js` and `w1` and pass `width=1.0` to `uniform_pdf`.</details>
#
# 2. **(Easy)** Following the formulas of 6.9, write LSGAN's discriminator and generator losses in a few lines of NumPy ($a=0$, $b=c=1$) and compare them with `gankit.losses.least_squares_d_loss` and `least_squares_g_loss`; then compute the gradient of the non-saturating and the least squares generator loss with respect to a logit of 6.
#
#    <details><summary>Hint</summary>gankit's losses are pure functions of logits that average over the batch; do not forget the $\tfrac12$. For one example, the derivative of $-\log\sigma(s)$ is $\sigma(s)-1$ and that of $\tfrac12(s-1)^2$ is $s-1$.</details>
#
# 3. **(Intermediate)** Train two WGAN-GPs on the ring, one with `gp_weight=10` and one with `gp_weight=0` (all else equal), and compare the critic's gradient norm at $\hat x$ and the modes covered. What happens without the penalty?
#
#    <details><summary>Hint</summary>Follow 6.6's `ring_model` (`models.WGANGP(image_shape=(2,), gp_weight=...)`) and reuse 6.7's `input_gradient_norms`. With neither penalty nor clipping nothing limits the critic's slope: it just pushes real and fake scores as far apart as it can.</details>
#
# 4. **(Open)** In the spirit of "Are GANs Created Equal?", design a fair comparison: is WGAN-GP or LSGAN better on the ring? Does "the same budget" mean the same generator iterations, the same number of gradient computations, or the same time? How many seeds per model? What do you report?
#
#    <details><summary>Hint</summary>Each WGAN-GP generator iteration holds 5 critic updates and an extra backward pass (the penalty), so equal iterations are unfair to LSGAN. Plot every seed's result (box plot or dots), not just the best run; there is no single answer.</details>

# %%
L.summary()

# %% [markdown] lang="zh"
# ## 参考文献
#
# - Arjovsky, M., Bottou, L. (2017). *Towards Principled Methods for Training Generative Adversarial Networks*. ICLR 2017. [arXiv:1701.04862](https://arxiv.org/abs/1701.04862)
# - Arjovsky, M., Chintala, S., Bottou, L. (2017). *Wasserstein GAN*. ICML 2017. [arXiv:1701.07875](https://arxiv.org/abs/1701.07875)
# - Gulrajani, I., Ahmed, F., Arjovsky, M., Dumoulin, V., Courville, A. (2017). *Improved Training of Wasserstein GANs*. NeurIPS 2017. [arXiv:1704.00028](https://arxiv.org/abs/1704.00028)
# - Mao, X., Li, Q., Xie, H., Lau, R. Y. K., Wang, Z., Smolley, S. P. (2017). *Least Squares Generative Adversarial Networks*. ICCV 2017. [arXiv:1611.04076](https://arxiv.org/abs/1611.04076)
# - Lucic, M., Kurach, K., Michalski, M., Gelly, S., Bousquet, O. (2018). *Are GANs Created Equal? A Large-Scale Study*. NeurIPS 2018. [arXiv:1711.10337](https://arxiv.org/abs/1711.10337)
# - Metz, L., Poole, B., Pfau, D., Sohl-Dickstein, J. (2017). *Unrolled Generative Adversarial Networks*. ICLR 2017. [arXiv:1611.02163](https://arxiv.org/abs/1611.02163)
# - Srivastava, A., Valkov, L., Russell, C., Gutmann, M. U., Sutton, C. (2017). *VEEGAN: Reducing Mode Collapse in GANs using Implicit Variational Learning*. NeurIPS 2017. [arXiv:1705.07761](https://arxiv.org/abs/1705.07761)
# - Goodfellow, I. et al. (2014). *Generative Adversarial Nets*. NeurIPS 2014. [arXiv:1406.2661](https://arxiv.org/abs/1406.2661)
#
# **延伸阅读**
#
# - 李宏毅《机器学习》课程的 GAN 系列讲座（其中一讲专讲 WGAN 与 JS 散度的问题）：[课程主页](https://speech.ee.ntu.edu.tw/~hylee/ml/2021-spring.php)
# - Alex Irpan, *Read-through: Wasserstein GAN*（对 WGAN 论文的逐段解读）：[博客](https://www.alexirpan.com/2017/02/22/wasserstein-gan.html)

# %% [markdown] lang="en"
# ## References
#
# - Arjovsky, M., Bottou, L. (2017). *Towards Principled Methods for Training Generative Adversarial Networks*. ICLR 2017. [arXiv:1701.04862](https://arxiv.org/abs/1701.04862)
# - Arjovsky, M., Chintala, S., Bottou, L. (2017). *Wasserstein GAN*. ICML 2017. [arXiv:1701.07875](https://arxiv.org/abs/1701.07875)
# - Gulrajani, I., Ahmed, F., Arjovsky, M., Dumoulin, V., Courville, A. (2017). *Improved Training of Wasserstein GANs*. NeurIPS 2017. [arXiv:1704.00028](https://arxiv.org/abs/1704.00028)
# - Mao, X., Li, Q., Xie, H., Lau, R. Y. K., Wang, Z., Smolley, S. P. (2017). *Least Squares Generative Adversarial Networks*. ICCV 2017. [arXiv:1611.04076](https://arxiv.org/abs/1611.04076)
# - Lucic, M., Kurach, K., Michalski, M., Gelly, S., Bousquet, O. (2018). *Are GANs Created Equal? A Large-Scale Study*. NeurIPS 2018. [arXiv:1711.10337](https://arxiv.org/abs/1711.10337)
# - Metz, L., Poole, B., Pfau, D., Sohl-Dickstein, J. (2017). *Unrolled Generative Adversarial Networks*. ICLR 2017. [arXiv:1611.02163](https://arxiv.org/abs/1611.02163)
# - Srivastava, A., Valkov, L., Russell, C., Gutmann, M. U., Sutton, C. (2017). *VEEGAN: Reducing Mode Collapse in GANs using Implicit Variational Learning*. NeurIPS 2017. [arXiv:1705.07761](https://arxiv.org/abs/1705.07761)
# - Goodfellow, I. et al. (2014). *Generative Adversarial Nets*. NeurIPS 2014. [arXiv:1406.2661](https://arxiv.org/abs/1406.2661)
#
# **Further reading**
#
# - Hung-yi Lee's Machine Learning course, GAN lectures (one is on WGAN and the trouble with JS divergence): [course page](https://speech.ee.ntu.edu.tw/~hylee/ml/2021-spring.php)
# - Alex Irpan, *Read-through: Wasserstein GAN*, a section-by-section reading of the paper: [blog](https://www.alexirpan.com/2017/02/22/wasserstein-gan.html)

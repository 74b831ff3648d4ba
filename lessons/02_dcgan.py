# %%
import pathlib, sys
_root = next((p for p in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents] if (p / "gankit").is_dir()), None)
if _root and str(_root) not in sys.path:
    sys.path.insert(0, str(_root))
from gankit.lesson import Lesson
L = Lesson(2)
L.needs("fashion_mnist")  # its datasets, checked before the first section

# %% [markdown] lang="zh"
# # 第 2 课 · DCGAN：深度卷积生成对抗网络
#
# 第 1 课的生成器和判别器都是全连接网络（MLP）：一张 28×28 的图片被拉平成 784 个数，哪些像素彼此相邻，
# 网络只能自己慢慢去猜。图像天生适合卷积网络，可在 2015 年以前，把卷积网络直接放进 GAN 往往训练不起来。
# Radford、Metz 和 Chintala 的论文 *Unsupervised Representation Learning with Deep Convolutional Generative
# Adversarial Networks*（DCGAN，ICLR 2016；Radford 等，2015）**没有改动 GAN 的目标函数**，而是通过大量实验总结出一套网络结构准则，
# 让卷积 GAN 能够稳定训练。此后几乎所有图像 GAN 都以它为起点。
#
# 本课内容：
#
# 1. DCGAN 的结构准则，以及转置卷积（“分数步长卷积”）到底在做什么；
# 2. 亲手搭一遍 DCGAN，再用代码逐条检查 gankit 的网络是否符合准则；
# 3. 误区：一篇介绍 GAN 的中文博客文章对 DCGAN 的两处错误描述；
# 4. “之前”与“之后”：一份流传很广的 Keras 2 教程里的网络与 DCGAN 在相同训练预算下的对比；
# 5. 批归一化的动量，以及采样时 `training=True` 与 `training=False` 的区别；
# 6. 在 Fashion-MNIST 上正式训练 DCGAN（完整模式下也可以换成 MNIST 或动漫头像）；
# 7. 隐空间：插值、向量运算，以及借判别器挑出“好看”的样本；
# 8. 保存与加载模型。
#
# 快速模式（`GANKIT_QUICK=1`）只用很少的数据和步数，一分钟左右跑完，用来检查代码能否运行；
# 快速模式下的生成图只是模糊的色块，想看到清晰的衣服，请用完整模式。

# %% [markdown] lang="en"
# # Lesson 2 · DCGAN: deep convolutional GANs
#
# In lesson 1 the generator and the discriminator were fully connected networks (MLPs): a 28×28 picture was
# flattened into 784 numbers, and the network had to work out by itself which pixels are neighbours. Images
# call for convolutional networks, yet before 2015 putting convolutional networks straight into a GAN usually
# failed to train. The paper by Radford, Metz and Chintala, *Unsupervised Representation Learning with Deep
# Convolutional Generative Adversarial Networks* (DCGAN, ICLR 2016; Radford et al., 2015), **left the GAN objective unchanged**; from
# many experiments it distilled a set of architecture guidelines under which convolutional GANs train stably.
# Nearly every image GAN since starts from it.
#
# In this lesson:
#
# 1. DCGAN's architecture guidelines, and what a transposed ("fractional-strided") convolution really does;
# 2. build a DCGAN by hand, then check gankit's networks against the guidelines in code;
# 3. Myth: two wrong statements about DCGAN in a Chinese blog article introducing GANs;
# 4. "before" and "after": the network of a widely copied Keras 2 tutorial against DCGAN, on the same training budget;
# 5. batch normalisation's momentum, and sampling with `training=True` versus `training=False`;
# 6. the real training run: DCGAN on Fashion-MNIST (in full mode MNIST or anime faces instead, if you like);
# 7. the latent space: interpolation, vector arithmetic, and letting the discriminator pick "nice" samples;
# 8. saving and loading the model.
#
# Quick mode (`GANKIT_QUICK=1`) uses very little data and very few steps and finishes in about a minute; it
# checks that the code runs. Its samples are blurry blobs: for recognisable garments, use full mode.

# %%
import time
import warnings

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers
from matplotlib import font_manager

from gankit import data, losses, models, nets, viz

warnings.filterwarnings("ignore", message="Glyph")
warnings.filterwarnings("ignore", message=".*shuffle=True")  # gankit.data.load has shuffled the dataset already

# Chinese figure text only where a Chinese font is installed; otherwise English rather than empty boxes.
_cjk = sorted({f.name for f in font_manager.fontManager.ttflist
               if any(k in f.name for k in ("CJK", "Hei", "YaHei", "PingFang", "WenQuanYi", "Source Han"))})
if _cjk:
    plt.rcParams["font.sans-serif"] = [_cjk[0], *plt.rcParams["font.sans-serif"]]
    plt.rcParams["axes.unicode_minus"] = False


def tt(zh, en):
    """Figure text in the lesson's language, where this machine can draw it."""
    return L.t(zh, en) if _cjk else en


def show_grids(panels, name, nrow=8, size=4.0):
    """Several batches of images side by side, one titled panel each (saved and shown by L.show)."""
    fig, axes = plt.subplots(1, len(panels), figsize=(size * len(panels), size + 0.5), squeeze=False)
    for ax, (title, images) in zip(axes[0], panels):
        grid = viz.image_grid(images, nrow)
        ax.imshow(grid, cmap="gray" if grid.ndim == 2 else None, vmin=0, vmax=255)
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    fig.tight_layout()
    return L.show(fig, name)


print("keras", keras.__version__, L.t("· 后端", "· backend"), keras.backend.backend())

# %% [markdown] lang="zh"
# ## 1 · 同一个博弈，换一副网络
#
# DCGAN 的目标函数与第 1 课完全相同：判别器 $D$ 最大化、生成器 $G$ 最小化
#
# $$V(D,G)=\mathbb{E}_{x\sim p_\text{data}}\big[\log D(x)\big]+\mathbb{E}_{z\sim p_z}\big[\log\big(1-D(G(z))\big)\big],$$
#
# （Goodfellow 等，2014，式 (1)），生成器实际用的是非饱和形式 $-\mathbb{E}_{z}[\log D(G(z))]$。论文改动的只是网络结构和训练细节。
# 论文第 3 节的结构准则可以整理成下表：
#
# | 准则 | 生成器 $G$ | 判别器 $D$ |
# |---|---|---|
# | 不用池化 | 用步长为 2 的**转置卷积**（分数步长卷积）放大 | 用步长为 2 的**步长卷积**缩小 |
# | 批归一化 | 除输出层外每层都用 | 除输入层外每层都用 |
# | 不用全连接隐藏层 | 第一层只对 $z$ 做一次线性投影，再把结果重排成一组特征图（“project and reshape”） | 最后一层卷积的特征拉平后直接接一个输出 |
# | 激活函数 | 隐藏层 ReLU，输出层 tanh | 全部 LeakyReLU（负半轴斜率 0.2） |
#
# 第 4 节的训练细节：图像缩放到 tanh 的值域 $[-1, 1]$；所有权重从 $\mathcal N(0, 0.02^2)$ 初始化；
# 优化器 Adam，学习率 $2\times10^{-4}$（论文试过 $10^{-3}$，太大），$\beta_1=0.5$（默认的 0.9 会让训练振荡、不稳定）；
# 批大小 128。
#
# 这些准则各有道理：
#
# - **步长卷积代替池化**：下采样（和上采样）的方式由网络自己学，而不是用“取最大值”这种固定规则。
# - **批归一化**把每层的输入拉回零均值、单位方差，减轻糟糕初始化的影响，让梯度流进更深的层；论文说它对防止
#   生成器把所有样本塌到同一个点上很关键。但若每一层都加（包括 $G$ 的输出和 $D$ 的输入），样本会振荡、训练不稳定：
#   $G$ 的输出必须能表达真实图像自己的均值和方差，$D$ 的输入也应是原样的像素。
# - **tanh 输出**有界，与缩放到 $[-1,1]$ 的数据正好对上；**LeakyReLU** 在负半轴也有梯度，判别器传回给生成器的
#   信号就不会在大片“死掉”的单元处断掉。

# %% [markdown] lang="en"
# ## 1 · The same game with new networks
#
# DCGAN's objective is exactly lesson 1's: the discriminator $D$ maximises and the generator $G$ minimises
#
# $$V(D,G)=\mathbb{E}_{x\sim p_\text{data}}\big[\log D(x)\big]+\mathbb{E}_{z\sim p_z}\big[\log\big(1-D(G(z))\big)\big],$$
#
# (Goodfellow et al., 2014, Eq. 1), with the generator using the non-saturating form $-\mathbb{E}_{z}[\log D(G(z))]$ in practice. What the paper
# changes is the networks and the training details. The architecture guidelines of its section 3, as a table:
#
# | guideline | generator $G$ | discriminator $D$ |
# |---|---|---|
# | no pooling | enlarge with stride-2 **transposed convolutions** (fractional-strided) | shrink with stride-2 **strided convolutions** |
# | batch normalisation | in every layer except the output | in every layer except the input |
# | no fully connected hidden layers | the first layer only projects $z$ linearly and reshapes it into feature maps ("project and reshape") | the last convolution's features are flattened into a single output |
# | activations | ReLU inside, tanh at the output | LeakyReLU everywhere (slope 0.2 for negative inputs) |
#
# The training details of section 4: images scaled to tanh's range $[-1, 1]$; all weights initialised from
# $\mathcal N(0, 0.02^2)$; the Adam optimizer with learning rate $2\times10^{-4}$ (the paper found $10^{-3}$ too
# high) and $\beta_1=0.5$ (the default 0.9 made training oscillate and become unstable); batch size 128.
#
# Each guideline has a reason:
#
# - **Strided convolutions instead of pooling**: the network learns its own way to down-sample (and up-sample)
#   instead of following a fixed rule such as "take the maximum".
# - **Batch normalisation** brings every layer's input back to zero mean and unit variance, which softens bad
#   initialisation and helps gradients reach deeper layers; the paper calls it critical for keeping the
#   generator from collapsing all samples to a single point. Applied to every layer (including $G$'s output and
#   $D$'s input), however, it made samples oscillate and training unstable: $G$'s output must be able to carry
#   the real images' own mean and variance, and $D$ should see the pixels as they are.
# - **A tanh output** is bounded and matches data scaled to $[-1,1]$; **LeakyReLU** has a gradient for negative
#   inputs too, so the signal the discriminator passes back to the generator does not die in large patches of
#   "dead" units.

# %% [markdown] lang="zh"
# ### 转置卷积：“分数步长”是什么意思
#
# 输入边长 $i$、卷积核 $k$、步长 $s$、填充 $p$ 的卷积，输出边长 $o=\lfloor (i+2p-k)/s\rfloor+1$；
# 对应的转置卷积把尺寸反过来：$o=(i-1)\,s-2p+k$。Keras 的 `padding="same"` 更简单：步长卷积输出 $\lceil i/s\rceil$，
# 转置卷积输出 $i\cdot s$。所以 28×28 的 DCGAN 里，判别器走 28 → 14 → 7，生成器走 7 → 14 → 28。
#
# 卷积是线性映射，可以写成一个大而稀疏的矩阵乘法 $y=Cx$。转置卷积计算的正是 $C^\top y$：用同一组权重，
# 把每个输入值按卷积核“盖章”到输出上，重叠处相加。这也正是反向传播时卷积对输入求梯度的那一步。
# 它等价于先在输入像素之间插入 $s-1$ 个零，再做步长为 1 的卷积——相当于步长为 $1/s$，“分数步长”由此得名。
# 它**不是**卷积的逆运算，所以“反卷积”（deconvolution）这个常见叫法并不准确。
#
# 下面先用代码确认尺寸和 $\langle Cx, y\rangle=\langle x, C^\top y\rangle$ 这个恒等式，再看“盖章”的重叠：
# 卷积核边长不能被步长整除时（如 3×3、步长 2），输出像素被盖到的次数忽多忽少，形成棋盘格——
# 这是生成图里棋盘状伪影的来源之一（Odena 等，2016）。gankit 因此用 4×4 的卷积核
# （DCGAN 原作者的代码用 5×5，PyTorch 官方示例用 4×4）。

# %% [markdown] lang="en"
# ### Transposed convolution: what "fractional-strided" means
#
# A convolution with input side $i$, kernel $k$, stride $s$ and padding $p$ outputs side $o=\lfloor (i+2p-k)/s\rfloor+1$;
# the matching transposed convolution reverses the sizes: $o=(i-1)\,s-2p+k$. Keras' `padding="same"` is simpler:
# a strided convolution outputs $\lceil i/s\rceil$, a transposed one $i\cdot s$. So in a 28×28 DCGAN the
# discriminator goes 28 → 14 → 7 and the generator 7 → 14 → 28.
#
# A convolution is linear, a big sparse matrix product $y=Cx$. A transposed convolution computes exactly
# $C^\top y$: with the same weights, it "stamps" the kernel, scaled by each input value, onto the output and adds
# up the overlaps. This is also the step back-propagation takes to get a convolution's gradient with respect to its
# input. It equals inserting $s-1$ zeros between the input pixels and then convolving with stride 1, as if the
# stride were $1/s$: hence "fractional-strided". It is **not** the inverse of the convolution, so the common name
# "deconvolution" is misleading.
#
# The code below checks the sizes and the identity $\langle Cx, y\rangle=\langle x, C^\top y\rangle$, then looks at
# how the stamps overlap: when the kernel side is not divisible by the stride (3×3 with stride 2, say), output
# pixels are covered unevenly and a checkerboard appears, one source of checkerboard artefacts in generated
# images (Odena et al. 2016). That is why gankit uses 4×4 kernels (the DCGAN authors' code used 5×5; PyTorch's
# official example uses 4×4).

# %%
x28 = np.zeros((1, 28, 28, 1), "float32")
z7 = np.zeros((1, 7, 7, 128), "float32")
down = layers.Conv2D(64, 4, strides=2, padding="same")(x28)
up = layers.Conv2DTranspose(64, 4, strides=2, padding="same")(z7)
print(L.t("Conv2D，步长 2：         ", "Conv2D stride 2:          "), x28.shape[1:], "->", tuple(down.shape[1:]))
print(L.t("Conv2DTranspose，步长 2：", "Conv2DTranspose stride 2: "), z7.shape[1:], "->", tuple(up.shape[1:]))
assert down.shape[1] == 14 and up.shape[1] == 14

# <Cx, y> == <x, C^T y>: the transposed convolution is the adjoint of the strided one (same kernel).
rng = np.random.default_rng(0)
x = rng.standard_normal((1, 8, 8, 1)).astype("float32")
y = rng.standard_normal((1, 4, 4, 1)).astype("float32")
kernel = rng.standard_normal((4, 4, 1, 1)).astype("float32")
Cx = keras.ops.conv(x, kernel, strides=2, padding="same")                  # 8x8 -> 4x4
CTy = keras.ops.conv_transpose(y, kernel, strides=2, padding="same")       # 4x4 -> 8x8
lhs, rhs = float(keras.ops.sum(Cx * y)), float(keras.ops.sum(x * CTy))
print(f"<Cx, y> = {lhs:.5f}   <x, C^T y> = {rhs:.5f}")
assert np.isclose(lhs, rhs, rtol=1e-4)

# How many input pixels does each output pixel receive? Stamp all-ones kernels onto a 6x6 all-ones input.
ones = np.ones((1, 6, 6, 1), "float32")
coverage = {k: np.asarray(keras.ops.conv_transpose(ones, np.ones((k, k, 1, 1), "float32"), strides=2,
                                                   padding="same"))[0, :, :, 0] for k in (3, 4)}
fig, axes = plt.subplots(1, 2, figsize=(8, 4))
for ax, (k, cov) in zip(axes, coverage.items()):
    ax.imshow(cov, cmap="viridis", vmin=0, vmax=4)
    for (r, c), v in np.ndenumerate(cov):
        ax.text(c, r, int(v), ha="center", va="center", color="w", fontsize=7)
    ax.set_title(tt(f"{k}×{k} 卷积核，步长 2", f"{k}×{k} kernel, stride 2"))
    ax.axis("off")
fig.suptitle(tt("转置卷积：每个输出像素被“盖章”几次", "Transposed convolution: how often each output pixel is stamped"))
L.show(fig, "transposed_conv_overlap")
inner3, inner4 = coverage[3][2:-2, 2:-2], coverage[4][2:-2, 2:-2]
assert inner3.min() != inner3.max(), "3x3 / stride 2 covers unevenly: a checkerboard"
assert inner4.min() == inner4.max(), "4x4 / stride 2 covers the interior evenly"

# %% [markdown] lang="zh"
# ## 2 · 亲手搭一个 DCGAN，再交给 gankit
#
# 按照上面的准则，28×28×1 图像的 DCGAN 只需要几行：生成器把 100 维的 $z$ 投影成 7×7×128 的特征图，
# 两次步长为 2 的转置卷积放大到 14×14×64、再到 28×28×1；判别器反过来，两次步长卷积缩小到 14×14×64、7×7×128，
# 拉平后接一个输出。批归一化之前的卷积不需要偏置（`use_bias=False`），因为批归一化的 $\beta$ 已经起了偏置的作用。
# 判别器最后**没有 sigmoid**：它输出 logit $\ell$，$D(x)=\sigma(\ell)$ 由 gankit 的损失函数在内部计算，数值上更稳定。
#
# 下面先手写一遍，再确认它与 `gankit.nets.dcgan_generator` / `dcgan_discriminator`（也就是 `gankit.models.DCGAN`
# 用的网络）逐层一致。

# %% [markdown] lang="en"
# ## 2 · Build a DCGAN by hand, then hand it to gankit
#
# Following the guidelines, a DCGAN for 28×28×1 images takes a few lines: the generator projects the 100-dimensional
# $z$ to 7×7×128 feature maps and enlarges them with two stride-2 transposed convolutions to 14×14×64 and then
# 28×28×1; the discriminator goes the other way, two strided convolutions down to 14×14×64 and 7×7×128, then
# flattens into one output. Convolutions followed by batch norm need no bias (`use_bias=False`): batch norm's
# $\beta$ already plays that part. The discriminator ends **without a sigmoid**: it outputs a logit $\ell$, and
# $D(x)=\sigma(\ell)$ is computed inside gankit's loss functions, which is numerically safer.
#
# We write it by hand first, then confirm that it matches `gankit.nets.dcgan_generator` / `dcgan_discriminator`
# (the networks `gankit.models.DCGAN` uses) layer by layer.

# %%
init = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)   # N(0, 0.02^2), DCGAN section 4


def my_generator(latent_dim=100):
    z = keras.Input((latent_dim,))
    h = layers.Dense(7 * 7 * 128, use_bias=False, kernel_initializer=init)(z)      # "project and reshape"
    h = layers.Reshape((7, 7, 128))(h)
    h = layers.ReLU()(layers.BatchNormalization(momentum=0.9)(h))
    h = layers.Conv2DTranspose(64, 4, strides=2, padding="same", use_bias=False, kernel_initializer=init)(h)  # 7 -> 14
    h = layers.ReLU()(layers.BatchNormalization(momentum=0.9)(h))
    x = layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh", kernel_initializer=init)(h)  # -> 28
    return keras.Model(z, x)


def my_discriminator():
    x = keras.Input((28, 28, 1))
    h = layers.Conv2D(64, 4, strides=2, padding="same", kernel_initializer=init)(x)   # 28 -> 14, no BN on the input
    h = layers.LeakyReLU(0.2)(h)
    h = layers.Conv2D(128, 4, strides=2, padding="same", use_bias=False, kernel_initializer=init)(h)  # 14 -> 7
    h = layers.LeakyReLU(0.2)(layers.BatchNormalization(momentum=0.9)(h))
    logit = layers.Dense(1, kernel_initializer=init)(layers.Flatten()(h))   # one logit, no sigmoid
    return keras.Model(x, logit)


def layout(net):
    return [(type(layer).__name__, tuple(layer.output.shape[1:])) for layer in net.layers]


for mine, theirs in [(my_generator(), nets.dcgan_generator(100, (28, 28, 1))),
                     (my_discriminator(), nets.dcgan_discriminator((28, 28, 1)))]:
    assert layout(mine) == layout(theirs), (layout(mine), layout(theirs))
    assert mine.count_params() == theirs.count_params()
    print(f"{theirs.name:<14} " + L.t(f"{len(theirs.layers)} 层，{theirs.count_params():,} 个参数：与我们的相同",
                                     f"{len(theirs.layers)} layers, {theirs.count_params():,} parameters: same as ours"))

# %% [markdown] lang="zh"
# 一致。以后直接用 `gankit.models.DCGAN`：它把这两个网络、$z\sim\mathcal N(0, I_{100})$ 和论文的 Adam 设置
# 组合在一起，训练步骤（`train_step`）与第 1 课的 `GAN` 是同一个。看看两个网络的结构：

# %% [markdown] lang="en"
# They match. From now on we use `gankit.models.DCGAN`: it combines these two networks, $z\sim\mathcal N(0, I_{100})$
# and the paper's Adam settings; its training step (`train_step`) is the very one of lesson 1's `GAN`. The two
# networks:

# %%
model = models.DCGAN(image_shape=(28, 28, 1), seed=0)
model.generator.summary()
model.discriminator.summary()

# %% [markdown] lang="zh"
# ### 用代码检查结构准则
#
# 准则可以逐条变成断言：遍历每一层，看类型、步长、激活函数和初始化器。下面的 `guideline_check` 对任何一对
# 生成器/判别器都能用，第 4 节还会拿它去检查那份 Keras 2 教程的网络。

# %% [markdown] lang="en"
# ### Checking the guidelines in code
#
# Each guideline becomes an assertion: walk through the layers and look at their types, strides, activations
# and initialisers. `guideline_check` below works for any generator/discriminator pair; section 4 uses it again
# on the network of the widely copied Keras 2 tutorial.

# %%
BN = layers.BatchNormalization


def activation_of(layer):
    """The non-linearity a layer applies: 'relu', 'leaky_relu(0.2)', 'tanh', ... or '' for none (linear)."""
    if isinstance(layer, layers.LeakyReLU):
        return f"leaky_relu({layer.negative_slope:g})"
    if isinstance(layer, layers.ReLU):
        return "relu"
    name = getattr(getattr(layer, "activation", None), "__name__", "")
    return "" if name == "linear" else name


def guideline_check(G, D):
    """DCGAN's guidelines (sections 3 and 4) as {rule: True/False} for a generator G and a discriminator D."""
    g, d = G.layers[1:], D.layers[1:]                      # layers[0] is the Input
    weighted = [l for l in g + d if isinstance(l, (layers.Dense, layers.Conv2D, layers.Conv2DTranspose))]
    d_convs = [l for l in d if isinstance(l, layers.Conv2D)]
    g_dense = [l for l in g if isinstance(l, layers.Dense)]
    d_dense = [l for l in d if isinstance(l, layers.Dense)]
    g_acts = [activation_of(l) for l in g if activation_of(l)]
    d_acts = [activation_of(l) for l in d if activation_of(l)]
    return {
        L.t("无池化层，也无固定规则的上采样", "no pooling, no fixed-rule up-sampling"):
            not any(kind in type(l).__name__ for l in g + d for kind in ("Pooling", "UpSampling")),
        L.t("D：步长卷积下采样", "D: strided convolutions"):
            bool(d_convs) and all(l.strides == (2, 2) for l in d_convs),
        L.t("G：步长 2 的转置卷积上采样", "G: stride-2 transposed convolutions"):
            any(isinstance(l, layers.Conv2DTranspose) and l.strides == (2, 2) for l in g),
        L.t("G 和 D 都有批归一化", "batch norm in G and in D"):
            any(isinstance(l, BN) for l in g) and any(isinstance(l, BN) for l in d),
        L.t("G 的输出、D 的输入不做批归一化", "no batch norm on G's output or D's input"):
            not isinstance(g[-1], BN) and not isinstance(d[0], BN),
        L.t("无全连接隐藏层", "no fully connected hidden layers"):
            g_dense == [g[0]] and d_dense == [d[-1]],
        L.t("G：隐藏层 ReLU，输出 tanh", "G: ReLU inside, tanh output"):
            set(g_acts[:-1]) == {"relu"} and activation_of(g[-1]) == "tanh",
        L.t("D：LeakyReLU(0.2)，输出是 logit", "D: LeakyReLU(0.2) inside, logit output"):
            set(d_acts) == {"leaky_relu(0.2)"} and activation_of(d[-1]) == "",
        L.t("权重初始化 N(0, 0.02²)", "weights initialised from N(0, 0.02²)"):
            all(isinstance(l.kernel_initializer, keras.initializers.RandomNormal)
                and np.isclose(l.kernel_initializer.stddev, 0.02) for l in weighted),
    }


dcgan_rules = guideline_check(model.generator, model.discriminator)
for rule, ok in dcgan_rules.items():
    print(("✓ " if ok else "✗ ") + rule)
assert all(dcgan_rules.values())

# The drawn weights really have standard deviation 0.02 (the largest kernel: 4*4*128*64 numbers) ...
kernel = max((l.kernel for l in model.generator.layers if hasattr(l, "kernel")), key=lambda w: np.prod(w.shape))
print(L.t(f"{tuple(kernel.shape)} 卷积核的标准差：{np.std(kernel):.4f}", f"std of a {tuple(kernel.shape)} kernel: {np.std(kernel):.4f}"))
assert abs(np.std(kernel) - 0.02) < 0.002
# ... and the default optimizers are the paper's Adam(2e-4, beta_1=0.5), one per network.
model.compile()
for opt in (model.g_optimizer, model.d_optimizer):
    assert np.isclose(opt.learning_rate.numpy(), 2e-4) and np.isclose(float(opt.beta_1), 0.5)
print(L.t("优化器：", "optimizers:"), type(model.g_optimizer).__name__, model.g_optimizer.learning_rate.numpy(), model.g_optimizer.beta_1)

# %% [markdown] lang="zh"
# ## 3 · 误区：DCGAN 的判别器有池化层？生成器损失里有 KL 项？
#
# 一篇介绍 GAN 的中文博客文章这样介绍 DCGAN：“在判别器中添加卷积层和池化层……池化层用来降低图像尺寸”，
# 并给出生成器损失 $L_g=-\mathbb{E}[\log D(G(z))]+L\cdot\mathrm{KL}\big(q(z|X)\,\|\,p(z)\big)$。这两处都与论文不符：
#
# 1. **池化恰恰是 DCGAN 去掉的东西。** 论文的第一条准则就是用步长卷积（判别器）和分数步长卷积（生成器）
#    代替所有池化层。缩小尺寸的是步长为 2 的卷积，上一节的检查已经确认 gankit 的网络里没有池化层。
# 2. **DCGAN 的损失就是原始 GAN 的损失，没有额外的项。** $\mathrm{KL}(q(z|X)\,\|\,p(z))$ 是变分自编码器（VAE）的
#    正则项，要有一个把图片 $X$ 编码成 $z$ 的编码器 $q(z|X)$ 才能计算；DCGAN 只有生成器和判别器，没有编码器，
#    这一项根本无从谈起。（把 VAE 和 GAN 合在一起的是另一个模型 VAE-GAN，Larsen 等，2016。）
#
# 同一段还有两处小问题：它写的判别器损失 $L_d=\mathbb{E}[\log D(x)]+\mathbb{E}[\log(1-D(G(z)))]$ 其实就是 $V(D,G)$，
# 判别器要**最大化**它，当作要最小化的损失时应取负号；“全连接层输出 128 维的潜藏空间编码”也不在论文里，
# 判别器把最后的卷积特征拉平后直接接一个输出。下面用代码核对：gankit 的生成器损失只有一项，与按定义手算的
# $-\mathbb{E}[\log D(G(z))]$ 相等；判别器损失等于 $-V$；模型里只有生成器和判别器两个子网络。

# %% [markdown] lang="en"
# ## 3 · Myth: pooling layers in DCGAN's discriminator? A KL term in the generator loss?
#
# A Chinese blog article introducing GANs describes DCGAN as "adding convolutional layers and pooling layers to the discriminator ...
# the pooling layers reduce the image size", and gives the generator loss
# $L_g=-\mathbb{E}[\log D(G(z))]+L\cdot\mathrm{KL}\big(q(z|X)\,\|\,p(z)\big)$. Neither is in the paper:
#
# 1. **Pooling is exactly what DCGAN removes.** The paper's first guideline replaces every pooling layer with
#    strided convolutions (discriminator) and fractional-strided convolutions (generator). Stride-2 convolutions
#    do the shrinking; the check above has already confirmed that gankit's networks contain no pooling layer.
# 2. **DCGAN's loss is the plain GAN loss, with nothing added.** $\mathrm{KL}(q(z|X)\,\|\,p(z))$ is the regulariser
#    of a variational autoencoder (VAE); computing it needs an encoder $q(z|X)$ that maps an image $X$ to $z$.
#    DCGAN has a generator and a discriminator and no encoder, so the term cannot even be formed. (Combining a
#    VAE with a GAN is a different model, VAE-GAN, Larsen et al. 2016.)
#
# Two smaller slips in the same passage: its discriminator loss $L_d=\mathbb{E}[\log D(x)]+\mathbb{E}[\log(1-D(G(z)))]$
# is $V(D,G)$ itself, which the discriminator **maximises**, so as a loss to minimise it needs a minus sign; and
# "a fully connected layer that outputs a 128-dimensional latent code" is not in the paper either: the
# discriminator flattens its last convolutional features straight into one output. The code checks: gankit's
# generator loss has a single term that equals $-\mathbb{E}[\log D(G(z))]$ computed from the definition; the
# discriminator loss equals $-V$; and the model holds just two sub-networks, a generator and a discriminator.

# %%
real_images = data.to_signed(data.load_arrays("fashion_mnist")[0][:256]).numpy()
fake_images = model.generate(256, seed=0)
real_logits = np.asarray(model.discriminator(real_images, training=False), dtype="float32")[:, 0]  # float32 even under mixed precision
fake_logits = np.asarray(model.discriminator(fake_images, training=False), dtype="float32")[:, 0]
D_real, D_fake = 1 / (1 + np.exp(-real_logits)), 1 / (1 + np.exp(-fake_logits))   # D = sigmoid(logit)

g_by_hand = -np.mean(np.log(D_fake))                                   # -E[log D(G(z))], nothing else
V = np.mean(np.log(D_real)) + np.mean(np.log(1 - D_fake))               # V(D, G)
print(L.t("生成器损失：手算 ", "generator loss: by hand ") + f"{g_by_hand:.5f}   gankit {float(model.g_loss_fn(fake_logits)):.5f}")
print(L.t("判别器损失：", "discriminator loss: ") + f"-V = {-V:.5f}   gankit {float(model.d_loss_fn(real_logits, fake_logits)):.5f}")
assert model.g_loss_fn is losses.nonsaturating_g_loss
assert np.isclose(g_by_hand, float(model.g_loss_fn(fake_logits)), rtol=1e-4)
assert np.isclose(-V, float(model.d_loss_fn(real_logits, fake_logits)), rtol=1e-4)
print(L.t("子网络：", "sub-networks:"), [layer.name for layer in model.layers])
assert [layer.name for layer in model.layers] == ["generator", "discriminator"]   # no encoder q(z|X)

# %% [markdown] lang="zh"
# ## 4 · 之前与之后：流传很广的 Keras 2 网络 vs DCGAN
#
# 一篇长篇中文博客《万字详解什么是生成对抗网络 GAN》里的“DCGAN”手写数字代码（改编自 2016 年前后的 keras-dcgan 项目）在网上流传很广，
# 但它几乎违反了论文的每一条准则：
#
# | | Keras 2 教程的网络（之前） | DCGAN 论文（之后） |
# |---|---|---|
# | G 的上采样 | `UpSampling2D`（把每个像素复制成 2×2）+ 5×5 卷积 | 步长 2 的转置卷积 |
# | G 的激活函数 | 全部 tanh | 隐藏层 ReLU，输出 tanh |
# | D 的下采样 | 最大池化 | 步长 2 的卷积 |
# | D 的激活函数 | tanh | LeakyReLU(0.2) |
# | 全连接隐藏层 | G：Dense(1024)、Dense(7·7·128)；D：Dense(1024) | 没有 |
# | 批归一化 | 只有 G 的一层 | G、D 的（几乎）每一层 |
# | 优化器 | SGD + Nesterov 动量 0.9，学习率 $5\times10^{-4}$ | Adam，学习率 $2\times10^{-4}$，$\beta_1=0.5$ |
# | 初始化 | Keras 默认（Glorot 均匀分布） | $\mathcal N(0, 0.02^2)$ |
#
# `gankit.nets.keras2_generator` / `keras2_discriminator` 用 Keras 3 重建了这两个网络，只改了两处：判别器末尾
# 不再接 sigmoid（gankit 的损失函数接收 logit，数学上等价）；训练不再用 `d.trainable = False` 的组合模型，而是
# 第 1 课那个带两个优化器的 `train_step`。损失函数没变：那份教程用标签 1 训练组合模型，正是非饱和损失
# $-\log D(G(z))$。教程的噪声是均匀分布 $U(-1,1)$，这里两边都用 $\mathcal N(0, I)$，让对比只差在网络和优化器上。
#
# 先用上一节的检查函数给两者打分：

# %% [markdown] lang="en"
# ## 4 · Before and after: a widely copied Keras-2 network vs DCGAN
#
# The "DCGAN" handwritten-digit code of a long Chinese blog post on GANs (adapted from the keras-dcgan project of
# around 2016) is widely copied, yet it breaks nearly every guideline of the paper:
#
# | | the Keras 2 tutorial's network (before) | the DCGAN paper (after) |
# |---|---|---|
# | G's up-sampling | `UpSampling2D` (copies each pixel into 2×2) + 5×5 convolution | stride-2 transposed convolution |
# | G's activations | tanh everywhere | ReLU inside, tanh output |
# | D's down-sampling | max-pooling | stride-2 convolution |
# | D's activations | tanh | LeakyReLU(0.2) |
# | fully connected hidden layers | G: Dense(1024), Dense(7·7·128); D: Dense(1024) | none |
# | batch normalisation | one layer of G | (almost) every layer of G and D |
# | optimizer | SGD with Nesterov momentum 0.9, learning rate $5\times10^{-4}$ | Adam, learning rate $2\times10^{-4}$, $\beta_1=0.5$ |
# | initialisation | Keras' default (Glorot uniform) | $\mathcal N(0, 0.02^2)$ |
#
# `gankit.nets.keras2_generator` / `keras2_discriminator` rebuild the two networks in Keras 3 with two changes:
# the discriminator no longer ends in a sigmoid (gankit's losses take logits; mathematically the same), and
# training uses lesson 1's `train_step` with two optimizers instead of the `d.trainable = False` combined model.
# The loss is unchanged: the tutorial trains the combined model with label 1, which is exactly the non-saturating loss
# $-\log D(G(z))$. The tutorial draws its noise from $U(-1,1)$; here both sides use $\mathcal N(0, I)$, so that the
# comparison differs only in the networks and the optimizer.
#
# First, both pairs scored by the checker of section 2:

# %%
k2_rules = guideline_check(nets.keras2_generator(), nets.keras2_discriminator())
print(f"{'':<44}{'DCGAN':>12}{'Keras 2':>12}")
for rule in dcgan_rules:
    print(f"{rule:<44}{'✓' if dcgan_rules[rule] else '✗':>12}{'✓' if k2_rules[rule] else '✗':>12}")
print(f"{L.t('参数量', 'parameters'):<44}{model.generator.count_params() + model.discriminator.count_params():>12,}"
      f"{nets.keras2_generator().count_params() + nets.keras2_discriminator().count_params():>12,}")
assert sum(k2_rules.values()) <= 2   # the Keras 2 tutorial keeps almost none of the guidelines

# %% [markdown] lang="zh"
# 现在用**相同的预算**训练两者：同一份 Fashion-MNIST 数据、同样的步数和批大小、同样的随机种子，
# 最后用同一批 $z$ 生成图片。完整模式下各训练 200 步（批大小 64，约 1.3 万张图）；Keras 2 教程的网络
# 每步的计算量是 DCGAN 的两倍多（它的 5×5 卷积作用在 128 个通道上），所以这一节在 CPU 上要几分钟。

# %% [markdown] lang="en"
# Now train both on **the same budget**: the same Fashion-MNIST data, the same number of steps and batch size,
# the same random seed, and at the end the same batch of $z$. Full mode trains each for 200 steps (batch 64, about
# 13 thousand images); the Keras 2 tutorial's network needs more than twice DCGAN's computation per step (its
# 5×5 convolutions work on 128 channels), so on a CPU this section takes a few minutes.

# %%
CMP_STEPS = L.pick(full=200, quick=8)
CMP_BATCH = L.pick(full=64, quick=32)
cmp_data = data.load("fashion_mnist", batch_size=CMP_BATCH, limit=CMP_STEPS * CMP_BATCH, labels=False)


def sgd_nesterov():
    return keras.optimizers.SGD(learning_rate=5e-4, momentum=0.9, nesterov=True)   # the Keras 2 tutorial's optimizer


def train_briefly(gan, label):
    start = time.time()
    logs = gan.fit(cmp_data, epochs=1, callbacks=L.callbacks(label, resume=False), verbose=0).history
    seconds = time.time() - start
    print(f"{label:<28} " + L.t(f"{CMP_STEPS} 步用时 {seconds:5.1f} 秒", f"{CMP_STEPS} steps in {seconds:5.1f} s")
          + f"   d_loss {logs['d_loss'][-1]:.3f}   g_loss {logs['g_loss'][-1]:.3f}")
    return seconds


keras.utils.set_random_seed(0)
before = models.GAN(generator=nets.keras2_generator(), discriminator=nets.keras2_discriminator(),
                    latent_dim=100, seed=0)
before.compile(g_optimizer=sgd_nesterov(), d_optimizer=sgd_nesterov())
before_seconds = train_briefly(before, L.t("改进前（Keras 2 网络，SGD）", "before (Keras 2 net, SGD)"))

keras.utils.set_random_seed(0)
after = models.DCGAN(image_shape=(28, 28, 1), seed=0)
after.compile()
after_seconds = train_briefly(after, L.t("改进后（DCGAN，Adam）", "after (DCGAN, Adam)"))
L.record(before_seconds=before_seconds, after_seconds=after_seconds)

show_grids([(tt("真实图像", "real images"), real_images[:64]),
            (tt("之前：Keras 2 教程的网络 + SGD", "before: Keras 2 tutorial's net + SGD"), before.generate(64, seed=0)),
            (tt("之后：DCGAN + Adam", "after: DCGAN + Adam"), after.generate(64, seed=0))],
           "before_after")

# %% [markdown] lang="zh"
# 在我们的运行里（完整模式，200 步），DCGAN 已经画出了能认出来的 T 恤、裤子、鞋子和包的轮廓；Keras 2 教程的网络
# 在相同预算下还停留在糊成一团的灰色斑块，而且 64 个样本彼此很像。这并不说明那个网络永远学不会——
# 教程在 MNIST 上训练了 100 个轮次——而是说明 DCGAN 的准则让同样的预算更值钱：学习率和 $\beta_1$ 调过的 Adam
# 走得更快，ReLU/LeakyReLU 不像 tanh 那样容易饱和，批归一化让每层的输入保持在合适的尺度上。
# 快速模式只训练 8 步，两边都还是噪声，这张对比图要在完整模式下看。

# %% [markdown] lang="en"
# In our run (full mode, 200 steps) DCGAN already draws recognisable outlines of T-shirts, trousers, shoes and
# bags, while the Keras 2 tutorial's network, on the same budget, is still at smeared grey blobs, and its 64 samples look
# alike. This does not mean that network can never learn (the tutorial trained it for 100 epochs of MNIST);
# it means DCGAN's guidelines make the same budget go further: Adam with the tuned learning rate and $\beta_1$
# moves faster, ReLU/LeakyReLU do not saturate the way tanh does, and batch norm keeps every layer's input on a
# sensible scale. Quick mode trains only 8 steps and both sides are still noise; look at this figure in full mode.

# %% [markdown] lang="zh"
# ## 5 · 批归一化：动量 0.9 与 `training=False`
#
# 训练时（`training=True`），批归一化用**当前批次**自己的均值 $\mu_B$ 和方差 $\sigma_B^2$ 做归一化，
#
# $$\hat h=\gamma\,\frac{h-\mu_B}{\sqrt{\sigma_B^2+\epsilon}}+\beta ,$$
#
# 同时更新一对滑动平均：$\bar\mu\leftarrow m\,\bar\mu+(1-m)\,\mu_B$，$\bar\sigma^2\leftarrow m\,\bar\sigma^2+(1-m)\,\sigma_B^2$。
# 推理时（`training=False`）改用 $\bar\mu$ 和 $\bar\sigma^2$。滑动平均从 $\bar\mu=0$、$\bar\sigma^2=1$ 出发，训练 $t$ 步后，
# 初始值在平均里仍占 $m^t$ 的权重：Keras 默认 $m=0.99$，$0.99^{100}\approx0.37$，训练 100 步后“平均值”里还有三分之一
# 以上是初始的 1；$m=0.9$ 时 $0.9^{50}\approx0.005$，五十步就忘掉了初始值。注意 $m$ 不进入任何梯度：
# 无论 $m$ 取多少，训练过程完全一样，变的只是采样时用到的那对平均值。
#
# 这对 GAN 尤其要紧：生成器的权重一直在变（训练初期变得最快），它各层激活的真实统计量也跟着变，滑动平均必须跟得上；
# 而且 $\mathcal N(0,0.02^2)$ 初始化下，生成器第一层的输出方差只有约 $100\times0.02^2=0.04$，离初始的 1 很远。
# 所以 gankit 的 DCGAN 网络用 $m=0.9$。
#
# 那为什么不干脆用 `training=True` 采样？因为那样每张图都依赖于同一批里的其他图：同一个 $z$ 放进不同的批次，
# 得到的图片不一样；一次只生成一张图时，批统计量只来自这一张图；保存的模型也无法复现同样的结果。
# 很多 DCGAN 脚本（包括流行的 PyTorch 教程）其实是悄悄用批统计量采样的，能出图，但每张图的样子都取决于和它同批的其他图。
# gankit 的 `model.generate` 默认 `training=False`：一个 $z$ 对应确定的一张图。
#
# 下面用第 4 节同样的预算再训练一个“双胞胎”：相同的种子、相同的数据，唯一的区别是生成器的批归一化动量取 0.99。
# 两者的权重几乎一样，区别只在滑动平均上。

# %% [markdown] lang="en"
# ## 5 · Batch normalisation: momentum 0.9 and `training=False`
#
# In training (`training=True`) batch norm normalises with **the current batch's** own mean $\mu_B$ and variance
# $\sigma_B^2$,
#
# $$\hat h=\gamma\,\frac{h-\mu_B}{\sqrt{\sigma_B^2+\epsilon}}+\beta ,$$
#
# and updates a pair of moving averages: $\bar\mu\leftarrow m\,\bar\mu+(1-m)\,\mu_B$, $\bar\sigma^2\leftarrow m\,\bar\sigma^2+(1-m)\,\sigma_B^2$.
# At inference (`training=False`) it uses $\bar\mu$ and $\bar\sigma^2$ instead. The averages start at $\bar\mu=0$,
# $\bar\sigma^2=1$; after $t$ steps the starting value still weighs $m^t$ in them. With Keras' default $m=0.99$,
# $0.99^{100}\approx0.37$: after 100 steps more than a third of the "average" is still the initial 1. With $m=0.9$,
# $0.9^{50}\approx0.005$: fifty steps and the start is forgotten. Note that $m$ enters no gradient: training is
# exactly the same whatever $m$ is; only the averages used for sampling differ.
#
# This matters most in a GAN: the generator's weights keep moving (fastest early in training), so the true
# statistics of its activations move too, and the moving averages must keep up; and under $\mathcal N(0,0.02^2)$
# initialisation the variance of the generator's first layer is only about $100\times0.02^2=0.04$, far from the
# initial 1. Hence gankit's DCGAN networks use $m=0.9$.
#
# Why not simply sample with `training=True`? Because then every image depends on the other images in its batch:
# the same $z$ in two different batches gives two different pictures, a single image generated alone gets
# statistics from itself only, and a saved model cannot reproduce its own results. Many DCGAN scripts (the popular
# PyTorch tutorial included) quietly sample with batch statistics; it produces pictures, but each one is tied to
# its batch. gankit's `model.generate` defaults to `training=False`: one $z$, one well-defined image.
#
# Below we train a "twin" on section 4's budget: the same seeds, the same data, and one difference, a batch-norm
# momentum of 0.99 in the generator. The twins' weights end up nearly equal; only their moving averages differ.

# %%
steps = np.arange(0, 301)
fig, ax = plt.subplots(figsize=(6, 3.2))
for m in (0.9, 0.99):
    ax.plot(steps, m ** steps, label=f"m = {m}")
ax.axvline(CMP_STEPS, color="gray", ls=":", label=tt(f"本节训练步数 ({CMP_STEPS})", f"steps trained here ({CMP_STEPS})"))
ax.set_xlabel(tt("训练步数 t", "training step t"))
ax.set_ylabel(tt("初始值的权重 m^t", "weight of the initial value, m^t"))
ax.set_title(tt("滑动平均还记得多少初始值", "How much of the initial value the moving average remembers"))
ax.legend()
ax.grid(alpha=0.3)
L.show(fig, "bn_momentum_memory")

keras.utils.set_random_seed(0)
twin = models.DCGAN(generator=nets.dcgan_generator(100, (28, 28, 1), bn_momentum=0.99), seed=0)
twin.compile()
twin_seconds = train_briefly(twin, L.t("孪生模型（BN 动量 0.99）", "twin (BN momentum 0.99)"))
drift = max(float(np.max(np.abs(a - b))) for a, b in zip(after.generator.trainable_weights, twin.generator.trainable_weights))
print(L.t(f"两个孪生模型可训练权重的最大差异：{drift:.2g}", f"largest difference between the twins' trainable weights: {drift:.2g}"))

# %%
def first_bn_statistics(gan, z):
    """(moving variance, this batch's true variance) of the generator's first batch-norm layer, channel means."""
    bn = next(l for l in gan.generator.layers if isinstance(l, BN))
    h = np.asarray(keras.Model(gan.generator.input, bn.input)(z))    # what that layer normalises
    return float(np.mean(bn.moving_variance)), float(np.mean(h.reshape(-1, h.shape[-1]).var(axis=0)))


z64 = after.latent(64, seed=0)
panels, contrast = [], {}
for name, gan in (("0.9", after), ("0.99", twin)):
    moving, actual = first_bn_statistics(gan, z64)
    print(L.t(f"动量 {name:<5} 第一个 BN 层：滑动方差 {moving:.3f}   批次的真实方差 {actual:.3f}",
              f"momentum {name:<5} first BN layer: moving variance {moving:.3f}   true batch variance {actual:.3f}"))
    for training in (False, True):
        images = gan.generate(z=z64, training=training)
        contrast[name, training] = float(images.std())
        panels.append((f"m = {name}, training={training}\n" + tt(f"像素标准差 {images.std():.3f}",
                                                                  f"pixel std {images.std():.3f}"), images))
show_grids(panels, "bn_sampling_modes", size=3.2)
L.record(**{f"pixel_std.m{name}.training_{training}": v for (name, training), v in contrast.items()})
# With m = 0.99 the moving variance still remembers its initial 1, far above the true variance, so
# training=False shrinks the activations: flat, low-contrast samples.
assert contrast["0.99", False] < contrast["0.99", True]
assert contrast["0.99", False] < contrast["0.9", False]

# %% [markdown] lang="zh"
# 图中四组用的是同一批 $z$。两个模型在 `training=True` 下几乎一样（它们的权重几乎一样，批统计量也一样）；
# 区别全在 `training=False`：动量 0.99 的滑动方差还远大于第一层真实的方差，归一化时除以了一个过大的数，
# 激活被压扁，生成图对比度很低、发灰（像素标准差明显小于其他三组）。动量 0.9 的滑动平均基本跟上了，
# `training=False` 与 `training=True` 的图片相近但不完全相同。在我们的完整模式运行（200 步）里这个差距依然明显；
# 训练得足够久（几千步）之后，两种动量的滑动平均都会追上，区别就消失了——所以这主要是训练早期和
# “边训练边看样本”时的问题，而这恰恰是 GAN 最常见的使用方式。
#
# 最后确认 `training=True` 的批次依赖：把前 8 个 $z$ 放进两个不同的批次。

# %% [markdown] lang="en"
# All four panels use the same batch of $z$. With `training=True` the two models look almost the same (their
# weights are almost the same, and so are the batch statistics); the difference is all in `training=False`: with
# momentum 0.99 the moving variance is still far above the first layer's true variance, normalisation divides by
# too large a number, the activations are squashed, and the samples come out flat and grey (their pixel standard
# deviation is clearly below the other three). With momentum 0.9 the moving averages have mostly caught up, and
# `training=False` gives pictures close to, but not identical with, `training=True`. In our full-mode run (200
# steps) the gap is still plain to see; after long enough training (thousands of steps) both momenta catch up and
# the difference disappears. So it is a problem of early training and of "looking at samples while training",
# which is exactly how GANs are most often used.
#
# Finally, the batch dependence of `training=True`: put the first 8 $z$ into two different batches.

# %%
z_other = np.concatenate([z64[:8], after.latent(56, seed=99)])          # same first 8 z, different batch-mates
for training in (False, True):
    a = after.generate(z=z64, training=training)[:8]
    b = after.generate(z=z_other, training=training)[:8]
    gap = float(np.max(np.abs(a - b)))
    print(f"training={training!s:<5}: " + L.t(f"同样 8 个 z 放在两个批次里，像素的最大差异 = {gap:.4f}",
                                             f"largest pixel difference for the same 8 z in two batches = {gap:.4f}"))
    if training:
        assert gap > 1e-3, "batch statistics make each image depend on its batch-mates"
    else:
        assert gap < 1e-4, "moving averages: one z, one image"

# %% [markdown] lang="zh"
# ## 6 · 正式训练：Fashion-MNIST 上的 DCGAN
#
# 完整训练的设置都在下面**一个**单元格里。默认是 Fashion-MNIST（Zalando 的 10 类服装，6 万张 28×28 灰度图，
# 比手写数字难，又足够小，CPU 上也能训练），批大小 128（论文的取值）。**完整模式（6 个轮次）在 2 核 AVX-512 CPU 上（只有 AVX2 的 CPU 更慢）约 20 分钟，在 GPU 上估计只要一两分钟。**
# 快速模式不看这些设置，总是只取 Fashion-MNIST 的 512 张图训练 2 个轮次。
#
# 完整模式下可以把 `DATASET` 改成：
#
# - `"mnist"`：手写数字，可与第 1 课的 MLP GAN 对比；
# - `"anime_faces"`：1 万张 64×64 彩色动漫头像——李宏毅老师的 GAN 课程里最有名的例子，就是用 DCGAN 生成二次元头像。
#   模型随之变成 `DCGAN(image_shape=(64, 64, 3))`：4×4 的特征图经 4 次转置卷积放大到 8、16、32、64，
#   与论文图 1 的结构相同。每张图的计算量约为 28×28 版本的 20 倍，建议在 GPU 上训练；数据要放在
#   `$GANKIT_DATA/anime-faces/` 下。
#
# 训练时 `viz.SampleGrid` 在每个轮次结束后用**同一批** $z$（`seed=0`）生成 64 张图存成 `samples/epoch_NNN.png`，
# 训练结束再拼成一个 GIF 动画，这样前后的图片才能直接比较。
#
# **提速设置。** 完整模式下 gankit 会自动打开几项不改变训练本身的提速设置：每调用一次编译好的训练函数就连跑 8 步
# （`steps_per_execution`，回调的 `on_train_batch_end` 因此每 8 步才来一次），并在合适的硬件上使用 XLA 编译和混合精度。
# 快速模式和测试一律关闭它们，保证结果可重复。想自己决定时：`models.DCGAN(precision="float32")`、
# `model.compile(steps_per_execution=1, jit_compile=False)`，或在命令行加 `--precision float32`。

# %% [markdown] lang="en"
# ## 6 · The real run: DCGAN on Fashion-MNIST
#
# All settings of the full run are in **one** cell below. The default is Fashion-MNIST (Zalando's 10 kinds of
# clothing, 60,000 grey 28×28 pictures: harder than digits, yet small enough to train on a CPU) with batch size
# 128 (the paper's value). **Full mode (6 epochs) takes about 20 minutes on a 2-core AVX-512 CPU (slower on CPUs with only AVX2), and an estimated minute or two on a GPU.** Quick mode ignores these settings and always
# trains 2 epochs on 512 pictures of Fashion-MNIST.
#
# In full mode you can set `DATASET` to:
#
# - `"mnist"`: handwritten digits, to compare with lesson 1's MLP GAN;
# - `"anime_faces"`: 10,000 anime faces, 64×64 in colour; anime avatars generated by DCGAN are the best-known
#   example of Hung-yi Lee's GAN course. The model then becomes `DCGAN(image_shape=(64, 64, 3))`: 4×4 feature maps enlarged
#   by four transposed convolutions to 8, 16, 32 and 64, the structure of the paper's figure 1. Each picture costs
#   about 20 times the computation of the 28×28 version, so a GPU is recommended; the pictures must be in
#   `$GANKIT_DATA/anime-faces/`.
#
# During training `viz.SampleGrid` generates 64 pictures from **the same** batch of $z$ (`seed=0`) after every
# epoch, saves them as `samples/epoch_NNN.png` and at the end joins them into a GIF, so that pictures from
# different epochs can be compared directly.
#
# **Speed settings.** In full mode gankit turns on a few speed-ups that leave the training itself unchanged: each call
# of the compiled training function runs 8 steps (`steps_per_execution`; callbacks' `on_train_batch_end` therefore
# comes every 8 steps), and on suitable hardware it uses XLA compilation and mixed precision. Quick mode and the tests
# always turn them off, so results repeat. To decide yourself: `models.DCGAN(precision="float32")`,
# `model.compile(steps_per_execution=1, jit_compile=False)`, or `--precision float32` on the command line.

# %%
DATASET = "fashion_mnist"             # full mode: "fashion_mnist", "mnist" or "anime_faces"
EPOCHS = L.epochs(full=6, quick=2)    # full mode: see the time estimate above
BATCH = L.pick(full=128, quick=64)    # 128 as in the DCGAN paper

# %%
DATASET = L.pick(full=DATASET, quick="fashion_mnist")      # quick mode: always a slice of Fashion-MNIST
IMAGE_SHAPE = {"fashion_mnist": (28, 28, 1), "mnist": (28, 28, 1), "anime_faces": (64, 64, 3)}[DATASET]
train_ds = data.load(DATASET, batch_size=BATCH, limit=L.pick(None, 512), labels=False)
print(L.t(f"{DATASET}：{IMAGE_SHAPE}，每轮 {len(train_ds)} 个批次（每批 {BATCH}），共 {EPOCHS} 轮",
          f"{DATASET}: {IMAGE_SHAPE}, {len(train_ds)} batches of {BATCH} per epoch, {EPOCHS} epochs"))
L.save_grid(next(iter(train_ds))[:64], "real_samples")

# %%
keras.utils.set_random_seed(0)
model = models.DCGAN(image_shape=IMAGE_SHAPE, seed=0)      # a fresh model for the real run
model.compile()                                            # Adam(2e-4, beta_1=0.5) for G and for D
sample_grid = viz.SampleGrid(L.out / "samples", n=64, seed=0)
start = time.time()
history = model.fit(train_ds, epochs=EPOCHS, callbacks=[*L.callbacks("dcgan"), sample_grid], verbose=0)
train_seconds = time.time() - start
print(L.t(f"{EPOCHS} 轮用时 {train_seconds:.0f} 秒；图片在 {sample_grid.folder}",
          f"{EPOCHS} epochs in {train_seconds:.0f} s; pictures in {sample_grid.folder}"))
L.record_history("dcgan", history)
L.record(dataset=DATASET, epochs=EPOCHS, train_seconds=train_seconds)
assert np.all(np.isfinite(history.history["d_loss"])) and np.all(np.isfinite(history.history["g_loss"]))
assert (sample_grid.folder / f"epoch_{EPOCHS:03d}.png").exists()

# %%
frames = sample_grid.frames
picks = sorted({0, len(frames) // 2, len(frames) - 1})
fig, axes = plt.subplots(1, len(picks), figsize=(4 * len(picks), 4.5), squeeze=False)
for ax, i in zip(axes[0], picks):
    ax.imshow(frames[i], cmap="gray" if frames[i].ndim == 2 else None)
    ax.set_title(tt(f"第 {i + 1} 轮后", f"after epoch {i + 1}"))
    ax.axis("off")
fig.tight_layout()
L.show(fig, "progress")

fig = viz.plot_losses(history, title=tt("DCGAN 的损失", "DCGAN losses"))
ax = fig.axes[0]
ax.axhline(2 * np.log(2), color="C0", ls=":", lw=1, label="2 log 2 (D at 1/2)")
ax.axhline(np.log(2), color="C1", ls=":", lw=1, label="log 2 (D at 1/2)")
ax.legend()
L.show(fig, "losses")

# %% [markdown] lang="zh"
# 怎样读损失曲线：如果判别器对所有输入都输出 $1/2$（理论上的平衡点），判别器损失 $-V=2\log2\approx1.386$，
# 生成器损失 $-\log\frac12=\log2\approx0.693$，图中的两条虚线就是这两个值。实际训练中曲线在这两个值附近上下波动，
# 通常判别器损失偏低、生成器损失偏高。危险信号是判别器损失一路跌向 0、生成器损失一路上涨：判别器赢得太彻底，
# 生成器拿到的梯度越来越小。但损失**不是**图像质量的度量（第 6 课的 WGAN 评论家是个例外）：判断 GAN 好不好，
# 要看上面的图片，以及第 10 课的 FID 等指标。

# %% [markdown] lang="en"
# How to read the loss curves: if the discriminator output $1/2$ for every input (the theoretical equilibrium),
# its loss would be $-V=2\log2\approx1.386$ and the generator's $-\log\frac12=\log2\approx0.693$; the two dotted
# lines mark these values. In practice the curves wander around them, usually with the discriminator's loss
# below and the generator's above. The danger sign is a discriminator loss sliding towards 0 while the generator's
# keeps climbing: the discriminator has won too thoroughly and the generator's gradients shrink. But a loss is
# **not** a measure of image quality (lesson 6's WGAN critic is the exception): judge a GAN by the pictures above,
# and by metrics such as FID (lesson 10).

# %% [markdown] lang="zh"
# ## 7 · 隐空间
#
# ### 插值：直线还是球面
#
# DCGAN 论文第 6.1 节在隐空间里“散步”：两个 $z$ 之间的路径上，生成图平滑地过渡，说明模型学到的不是
# 对训练图片的死记硬背。走哪条路有讲究。$z\sim\mathcal N(0, I_d)$ 时 $\|z\|^2$ 服从自由度为 $d$ 的卡方分布，
# $\|z\|\approx\sqrt d=10$，而且很集中（标准差约 0.7）：训练时生成器见到的 $z$ 几乎都在半径 10 附近的薄球壳上。
# 两个独立的 $z$ 连成直线，中点 $\tfrac12(z_0+z_1)$ 的范数约为 $\sqrt{d/2}\approx7.1$，落在生成器几乎没见过的区域。
# 球面插值（slerp，White 2016）沿球面大圆走，范数始终在两端之间：
#
# $$\mathrm{slerp}(z_0,z_1;t)=\frac{\sin\big((1-t)\Omega\big)}{\sin\Omega}\,z_0+\frac{\sin(t\Omega)}{\sin\Omega}\,z_1,\qquad
# \cos\Omega=\frac{z_0\cdot z_1}{\|z_0\|\,\|z_1\|}.$$

# %% [markdown] lang="en"
# ## 7 · The latent space
#
# ### Interpolation: straight line or sphere
#
# Section 6.1 of the DCGAN paper "walks" in the latent space: along a path between two $z$ the generated pictures
# change smoothly, a sign that the model has not just memorised its training images. Which path to walk matters.
# For $z\sim\mathcal N(0, I_d)$, $\|z\|^2$ follows a chi-squared distribution with $d$ degrees of freedom, so
# $\|z\|\approx\sqrt d=10$, tightly (standard deviation about 0.7): nearly every $z$ the generator saw in training
# lies on a thin shell of radius about 10. On the straight line between two independent $z$, the midpoint
# $\tfrac12(z_0+z_1)$ has norm about $\sqrt{d/2}\approx7.1$, in a region the generator has hardly ever seen.
# Spherical interpolation (slerp, White 2016) follows a great circle and keeps the norm between the two ends:
#
# $$\mathrm{slerp}(z_0,z_1;t)=\frac{\sin\big((1-t)\Omega\big)}{\sin\Omega}\,z_0+\frac{\sin(t\Omega)}{\sin\Omega}\,z_1,\qquad
# \cos\Omega=\frac{z_0\cdot z_1}{\|z_0\|\,\|z_1\|}.$$

# %%
z0, z1 = model.latent(2, seed=3)
ts = np.linspace(0, 1, 21)
norm_linear = np.linalg.norm(viz.interpolate(z0, z1, len(ts), spherical=False), axis=1)
norm_slerp = np.linalg.norm(viz.interpolate(z0, z1, len(ts), spherical=True), axis=1)
shell = np.linalg.norm(model.latent(10000, seed=4), axis=1)
lo, hi = np.percentile(shell, [2.5, 97.5])

fig, ax = plt.subplots(figsize=(6, 3.2))
ax.axhspan(lo, hi, color="gray", alpha=0.2, label=tt("95% 的 z 的范数", "norm of 95% of all z"))
ax.plot(ts, norm_linear, "o-", ms=3, label=tt("直线插值", "linear"))
ax.plot(ts, norm_slerp, "s-", ms=3, label=tt("球面插值 slerp", "spherical (slerp)"))
ax.set_xlabel("t")
ax.set_ylabel("||z||")
ax.set_title(tt("插值路径上隐向量的范数", "Norm of the latent vector along the path"))
ax.legend()
ax.grid(alpha=0.3)
L.show(fig, "interpolation_norms")
print(L.t(f"10,000 次抽样的 ||z||：{lo:.2f} .. {hi:.2f}；直线插值中点 {norm_linear[10]:.2f}；球面插值中点 {norm_slerp[10]:.2f}",
          f"||z|| of 10,000 draws: {lo:.2f} .. {hi:.2f};  linear midpoint {norm_linear[10]:.2f};  slerp midpoint {norm_slerp[10]:.2f}"))
assert norm_linear.min() < lo <= norm_slerp.min() + 0.5

for spherical in (False, True):
    name = "interpolation_slerp" if spherical else "interpolation_linear"
    print(L.t("球面插值（slerp）：" if spherical else "直线插值：", "spherical (slerp):" if spherical else "linear:"))
    L.save_grid(viz.interpolation_strip(model, rows=4, steps=10, seed=1, spherical=spherical), name, nrow=10)

# %% [markdown] lang="zh"
# 每行从左到右是一对 $z$ 之间的 10 步，两张图的同一行用的是同一对 $z$。直线插值中间几列往往更淡、更模糊
# （范数变小，生成器的输入落到了“球壳”里面），球面插值的过渡则保持着正常样本的样子。
#
# ### 向量运算
#
# 论文第 6.3 节最有名的一张图：“戴眼镜的男人” − “不戴眼镜的男人” + “不戴眼镜的女人” ≈ “戴眼镜的女人”。
# 做法是每个概念取 **3 个**样本的 $z$ 求平均（单个样本很不稳定），在平均后的隐向量上做加减。我们没有生成图的
# 属性标签，就用一个能直接量出来的属性做演示：**亮度**。在 Fashion-MNIST 上，亮度大致就是衣物占的面积
# （大衣、套头衫又大又亮，凉鞋、裤子细窄）。生成 512 张图，取最亮的 8 张和最暗的 8 张，
#
# $$\Delta=\bar z_\text{亮}-\bar z_\text{暗},$$
#
# 再让 4 个随机的 $z$ 沿 $z+\alpha\Delta$ 移动（每行 $\alpha$ 从 −1.5 到 1.5）。请把它当作演示，而不是可靠的
# 语义编辑：方向只由 16 个样本和一个粗糙的像素统计量得到，沿着它走，亮度之外往往连衣服的种类也一起变了——
# DCGAN 的隐空间并没有把各种属性分开（第 5 课的 InfoGAN 专门解决这个问题）。

# %% [markdown] lang="en"
# Each row holds 10 steps between one pair of $z$, and the same row of the two grids uses the same pair. With
# linear interpolation the middle columns tend to be fainter and blurrier (the norm shrinks and the generator's
# input falls inside the "shell"); spherical interpolation keeps looking like ordinary samples all the way.
#
# ### Vector arithmetic
#
# The best-known figure of the paper's section 6.3: "man with glasses" − "man without glasses" + "woman without
# glasses" ≈ "woman with glasses". For each concept the authors averaged the $z$ of **3** samples (single samples
# were unstable) and did the arithmetic on the averages. We have no attribute labels for generated pictures, so we
# demonstrate with an attribute we can measure directly: **brightness**. On Fashion-MNIST brightness is roughly
# the area a garment covers (coats and pullovers are large and bright, sandals and trousers narrow). We generate
# 512 pictures, take the 8 brightest and the 8 darkest, form
#
# $$\Delta=\bar z_\text{bright}-\bar z_\text{dark},$$
#
# and move 4 random $z$ along $z+\alpha\Delta$ ($\alpha$ from −1.5 to 1.5 along each row). Treat it as a demo, not a
# reliable semantic edit: the direction comes from 16 samples and a crude pixel statistic, and walking along it
# often changes the kind of garment as well as the brightness: DCGAN's latent space does not keep attributes apart
# (lesson 5's InfoGAN sets out to do exactly that).

# %%
pool_z = model.latent(512, seed=7)
brightness = model.generate(z=pool_z).mean(axis=(1, 2, 3))
order = np.argsort(brightness)
delta = pool_z[order[-8:]].mean(axis=0) - pool_z[order[:8]].mean(axis=0)
alphas = np.linspace(-1.5, 1.5, 7)
base = model.latent(4, seed=8)
walk = np.concatenate([[z + a * delta for a in alphas] for z in base]).astype("float32")
walk_images = model.generate(z=walk)
L.save_grid(walk_images, "vector_arithmetic", nrow=len(alphas))
column_brightness = walk_images.reshape(len(base), len(alphas), -1).mean(axis=(0, 2))
print(L.t("插值系数 alpha：", "alpha:      ") + " ".join(f"{a:6.2f}" for a in alphas))
print(L.t("亮度： ", "brightness: ") + " ".join(f"{b:6.3f}" for b in column_brightness))
L.record(brightness_gain=float(column_brightness[-1] - column_brightness[0]))

# %% [markdown] lang="zh"
# 打印出的每列平均亮度应随 $\alpha$ 增大而上升：这个方向确实“管”亮度，但看图就会发现它管的不止亮度。
#
# ### “好看”的样本：让判别器来挑
#
# 那份 Keras 2 教程的代码有个 `--nice` 选项：先生成 20 倍于批大小的图片，用判别器给每张打分，只保留得分最高的
# 那一批（前 5%）。gankit 的 `model.score(images)` 返回 $D(x)=\sigma(\ell)$，正好可以这样用。
# 但要清楚它的局限：判别器不是质量评分器。理论上的平衡点处它对一切输入都输出 $1/2$；实际训练中它打的分
# 反映的是它**此刻**有多难把这张图识破，与人眼的“好看”只是部分相关。按它挑选，会偏向它熟悉的“典型”样本，
# 多样性随之下降——下面把前 5% 和后 5% 并排展示，并量一量两组图片彼此之间的平均距离。
# （后来的工作把这个想法做得更严谨，例如 Azadi 等 2019 年的判别器拒绝采样。）

# %% [markdown] lang="en"
# The printed mean brightness per column should rise with $\alpha$: the direction does steer brightness, but the
# pictures show it steers more than that.
#
# ### "Nice" samples: let the discriminator choose
#
# The Keras 2 tutorial's code has a `--nice` option: generate 20 times the batch size, let the discriminator score
# every picture and keep only the best-scoring batch (the top 5%). gankit's `model.score(images)` returns
# $D(x)=\sigma(\ell)$, just what this needs. Know its limits, though: a discriminator is not a quality meter. At the
# theoretical equilibrium it outputs $1/2$ for everything; in practice its score reflects how hard it finds it
# **right now** to expose a picture, which is only partly what a human calls "nice". Selecting by it favours the
# "typical" samples it knows well, and diversity drops. Below, the top 5% and the bottom 5% side by side, and the
# mean distance between the pictures within each group. (Later work made the idea rigorous, e.g. discriminator
# rejection sampling, Azadi et al. 2019.)

# %%
N_KEEP = 64
pool = model.generate(20 * N_KEEP, seed=11)                  # 20x the batch, as the Keras 2 tutorial's --nice
scores = model.score(pool)
ranked = np.argsort(scores)[::-1]
top, bottom, everyone = pool[ranked[:N_KEEP]], pool[ranked[-N_KEEP:]], pool[:N_KEEP]


def spread(images):
    """Mean Euclidean distance between two pictures of the group: a crude measure of diversity."""
    flat = images.reshape(len(images), -1)
    dist = np.sqrt(np.maximum(((flat[:, None] - flat[None]) ** 2).sum(-1), 0))
    return float(dist[np.triu_indices(len(flat), 1)].mean())


fig, ax = plt.subplots(figsize=(6, 3))
ax.hist(scores, bins=40, color="C0")
ax.axvline(scores[ranked[N_KEEP - 1]], color="C2", ls="--", label=tt("前 5% 的门槛", "top-5% threshold"))
ax.axvline(scores[ranked[-N_KEEP]], color="C3", ls="--", label=tt("后 5% 的门槛", "bottom-5% threshold"))
ax.set_xlabel("D(G(z))")
ax.set_ylabel(tt("张数", "count"))
ax.set_title(tt(f"判别器给 {len(pool)} 张生成图的打分", f"Discriminator scores of {len(pool)} generated pictures"))
ax.legend()
L.show(fig, "nice_scores")
show_grids([(tt(f"D 打分最高的 5%（均值 {scores[ranked[:N_KEEP]].mean():.3f}）",
                f"top 5% by D (mean {scores[ranked[:N_KEEP]].mean():.3f})"), top),
            (tt(f"D 打分最低的 5%（均值 {scores[ranked[-N_KEEP:]].mean():.3f}）",
                f"bottom 5% by D (mean {scores[ranked[-N_KEEP:]].mean():.3f})"), bottom)],
           "nice_top_bottom")
print(L.t(f"图片之间的平均距离：前 5% {spread(top):.2f}   随机 64 张 {spread(everyone):.2f}   后 5% {spread(bottom):.2f}",
          f"mean distance between pictures: top 5% {spread(top):.2f}   random 64 {spread(everyone):.2f}   "
          f"bottom 5% {spread(bottom):.2f}"))
L.record(nice_top_score=float(scores[ranked[:N_KEEP]].mean()), nice_spread_top=spread(top),
         nice_spread_random=spread(everyone))
assert scores[ranked[:N_KEEP]].min() >= scores[ranked[-N_KEEP:]].max()

# %% [markdown] lang="zh"
# ## 8 · 保存与加载
#
# `model.save("xxx.keras")` 把整个模型——生成器、判别器、隐向量维数和随机种子——存进一个文件；
# gankit 的每个模型类都向 Keras 登记了自己的保存与重建方法，所以 `keras.models.load_model` 能把它原样读回来。
# 优化器的状态不在这个文件里，加载后模型会用论文的默认设置重新编译。
#
# 要在中断后**接着训练**（断点续训），需要的是**检查点**：除了权重，还要存下两个优化器的动量、步数和批归一化的统计量。
# 用 `python -m gankit.lesson 2` 运行时，第 6 节的 `fit` 通过 `L.callbacks("dcgan")` 带上了
# `gankit.train.ResumableCheckpoint`：每个轮次结束都存一个检查点；运行被打断后，用**同一条命令**再跑一次，
# 训练就从最后一个完成的轮次之后继续。在自己的脚本里，把 `gankit.train.ResumableCheckpoint("某个文件夹")`
# 加进 `fit` 的 `callbacks` 即可得到同样的效果。
# 加载后的模型对同一个种子必须生成完全相同的图片——这也是采样用 `training=False` 的又一个好处。

# %% [markdown] lang="en"
# ## 8 · Saving and loading
#
# `model.save("xxx.keras")` stores the whole model (generator, discriminator, latent size and random seed) in one
# file; every gankit model class registers with Keras how to save and rebuild itself, so `keras.models.load_model`
# reads it back as it was. The optimizers' state is not in this file; a loaded model is compiled again with the
# paper's defaults.
#
# To **resume** an interrupted training you need a **checkpoint**: besides the weights, it stores both optimizers'
# moments and step counts and the batch-norm statistics. When you run `python -m gankit.lesson 2`, section 6's `fit`
# carries `gankit.train.ResumableCheckpoint` through `L.callbacks("dcgan")`: it writes a checkpoint after every
# epoch, and if the run is interrupted, running **the same command** again continues after the last finished epoch.
# In your own script, add `gankit.train.ResumableCheckpoint("some/folder")` to the `callbacks` of `fit` for the same
# effect. A loaded model must generate exactly the same
# pictures for the same seed, one more benefit of sampling with `training=False`.

# %%
path = L.path("dcgan.keras")
model.save(path)
reloaded = keras.models.load_model(path)
print(L.t(f"{path.name}：{path.stat().st_size / 1e6:.1f} MB，重新加载为 {type(reloaded).__name__}",
          f"{path.name}: {path.stat().st_size / 1e6:.1f} MB, reloaded as {type(reloaded).__name__}"))
assert type(reloaded) is models.DCGAN and reloaded.latent_dim == model.latent_dim
np.testing.assert_allclose(reloaded.generate(16, seed=123), model.generate(16, seed=123), atol=1e-6)
np.testing.assert_allclose(reloaded.score(pool[:64]), model.score(pool[:64]), atol=1e-6)
print(L.t("加载后的模型对同一个种子生成了相同的图片。", "The reloaded model generates the same pictures for the same seed."))

# %% [markdown] lang="zh"
# ## 9 · 本课的指标
#
# 最后给第 6 节训练的 DCGAN 打分。`gankit.metrics` 用项目自己训练的分类器（MNIST 和 Fashion-MNIST 各一个，离线可用，第 10 课详细讲）计算：
# **分类器 FID**（越低越好；“真实训练图像”那一行是同样样本数下的下限）、**分类器得分**（Inception 分数的类比，最高 10）、
# **精确率 / 召回率**。完整模式用 2000 个样本，快速模式用 300 个；动漫头像没有对应的分类器，这一节会跳过打分。
# 保存的 `dcgan.keras` 也可以之后再评估：`python -m gankit.evaluate runs/lesson02-…`。

# %% [markdown] lang="en"
# ## 9 · This lesson's metrics
#
# Finally we score the DCGAN trained in section 6. `gankit.metrics` uses the project's own classifiers (one for
# MNIST, one for Fashion-MNIST; offline; lesson 10 explains them) to compute **classifier FID** (lower is better; the
# "real train images" row is the floor at the same sample size), the **classifier score** (the Inception Score's
# analogue, at most 10) and **precision / recall**. Full mode uses 2000 samples, quick mode 300; anime faces have no
# classifier, so this section skips scoring for them. The saved `dcgan.keras` can be evaluated later too:
# `python -m gankit.evaluate runs/lesson02-…`.

# %%
from gankit import metrics
from gankit.evaluate import table

N_METRICS = L.pick(full=2000, quick=300)
if DATASET in metrics.CLASSIFIER_DATASETS:
    scores = metrics.evaluate_generator(model, DATASET, n=N_METRICS)
    print(table([("DCGAN", scores), (L.t("（真实训练图像）", "(real train images)"),
                                     metrics.evaluate_real(DATASET, n=N_METRICS))], DATASET, N_METRICS))
    L.record_metrics("DCGAN", DATASET, minutes=train_seconds / 60,
                     **{k: scores[k] for k in ("fid", "fid_real", "classifier_score", "precision", "recall")})
    assert np.isfinite(scores["fid"]) and scores["fid"] > scores["fid_real"]
else:
    print(L.t(f"{DATASET} 没有分类器，跳过打分。", f"no classifier for {DATASET}: scoring skipped."))

# %% [markdown] lang="zh"
# ## 学到了什么
#
# 1. DCGAN 不改 GAN 的目标函数，只改网络：步长卷积代替池化，生成器用转置卷积上采样，两个网络都用批归一化（生成器输出层和判别器输入层除外），
#    不用全连接隐藏层，生成器 ReLU + tanh 输出，判别器 LeakyReLU(0.2)；训练用 $\mathcal N(0, 0.02^2)$ 初始化和 Adam（$2\times10^{-4}$，$\beta_1=0.5$）。
# 2. 转置卷积是步长卷积的转置（伴随）运算，不是逆运算；卷积核边长能被步长整除，就能避免棋盘格状的重叠。
# 3. 误区：DCGAN 的判别器没有池化层，生成器损失里也没有 KL 项（那是 VAE 的）；相同预算下，遵守准则的 DCGAN 远比流传很广的 Keras 2 网络学得快。
# 4. 批归一化的滑动平均要跟得上生成器：gankit 用动量 0.9，并用 `training=False` 采样，一个 $z$ 对应一张确定的图。
# 5. 隐空间里可以插值（优先用球面插值）和做向量运算；用判别器挑选样本会更“典型”，但牺牲多样性；`model.save` 保存模型，检查点用于断点续训。
#
# ## 练习
#
# 1. **（简单）** 对步长 2 和步长 3，分别用边长 2 到 6 的卷积核重复第 1 节的“盖章”实验。哪些组合会出现棋盘格？先猜一条规律，再用代码验证。
#
#    <details><summary>提示</summary>
#
#    把全 1 的输入送进全 1 卷积核的 `keras.ops.conv_transpose`，看远离边界的那部分输出是不是处处相等。
#    想一想：每个输出像素被几个“章”盖到，取决于卷积核边长除以步长的余数。
#    </details>
#
# 2. **（中等）** 动量为 $m$ 时，初始值在滑动平均里的权重是 $m^t$。分别算出 $m=0.9$ 和 $m=0.99$ 时要多少步这个权重才降到 1% 以下；
#    再把方差为 0.04 的随机批次反复送进一个 `layers.BatchNormalization(momentum=m)`（`training=True`），验证 `moving_variance` 与公式一致。
#
#    <details><summary>提示</summary>
#
#    解 $m^t<0.01$ 得 $t>\ln 0.01/\ln m$。$t$ 步之后滑动方差应为 $m^t\cdot 1+(1-m^t)\cdot 0.04$。
#    </details>
#
# 3. **（中等）** 把生成器里的 `Conv2DTranspose` 换成 `UpSampling2D` + `Conv2D(…, 3, padding="same")`，用 `guideline_check` 检查它，
#    再用第 4 节的预算训练，与原版比较生成图。
#
#    <details><summary>提示</summary>
#
#    照着第 2 节的 `my_generator` 写一个新函数，把它传给 `models.DCGAN(generator=...)`；判别器和训练代码都不用改。
#    `guideline_check` 会指出哪一条准则被违反了。
#    </details>
#
# 4. **（开放）** 在完整模式下按论文说的“坏”设置训练：Adam 的 $\beta_1=0.9$，或学习率 $10^{-3}$。损失曲线、样本和第 9 节的分类器 FID
#    有什么变化？也可以把 `DATASET` 设为 `"anime_faces"`，对动漫头像做插值和 `--nice` 挑选。
#
#    <details><summary>提示</summary>
#
#    只需改 `model.compile(g_optimizer=..., d_optimizer=...)` 里的两个优化器；用 `L.record_history` 保存两次运行的历史，
#    以便把损失曲线画在一起比较。
#    </details>
#
# 前三题的参考解答在 `solutions/02_dcgan.py`。
#
# ## 参考文献
#
# - Alec Radford, Luke Metz, Soumith Chintala. *Unsupervised Representation Learning with Deep Convolutional
#   Generative Adversarial Networks*. ICLR 2016. [arXiv:1511.06434](https://arxiv.org/abs/1511.06434)
#   ——第 3 节的结构准则、第 4 节的训练细节、第 6 节的隐空间实验。
# - Ian Goodfellow 等. *Generative Adversarial Nets*. NIPS 2014. [arXiv:1406.2661](https://arxiv.org/abs/1406.2661)
# - Sergey Ioffe, Christian Szegedy. *Batch Normalization: Accelerating Deep Network Training by Reducing Internal
#   Covariate Shift*. ICML 2015. [arXiv:1502.03167](https://arxiv.org/abs/1502.03167)
# - Augustus Odena, Vincent Dumoulin, Chris Olah. *Deconvolution and Checkerboard Artifacts*. Distill, 2016.
#   [distill.pub/2016/deconv-checkerboard](https://distill.pub/2016/deconv-checkerboard/)
# - Tom White. *Sampling Generative Networks*. 2016. [arXiv:1609.04468](https://arxiv.org/abs/1609.04468)（球面插值 slerp）
# - Anders Boesen Lindbo Larsen, Søren Kaae Sønderby, Hugo Larochelle, Ole Winther. *Autoencoding beyond Pixels Using a
#   Learned Similarity Metric*. ICML 2016. [arXiv:1512.09300](https://arxiv.org/abs/1512.09300)（VAE-GAN）
# - Samaneh Azadi, Catherine Olsson, Trevor Darrell, Ian Goodfellow, Augustus Odena. *Discriminator Rejection Sampling*.
#   ICLR 2019. [arXiv:1810.06758](https://arxiv.org/abs/1810.06758)
#
# **延伸阅读**
#
# - Vincent Dumoulin, Francesco Visin. *A Guide to Convolution Arithmetic for Deep Learning*. 2016.
#   [arXiv:1603.07285](https://arxiv.org/abs/1603.07285)——卷积与转置卷积尺寸的图解。
# - PyTorch 官方的 DCGAN 教程：[pytorch.org/tutorials/beginner/dcgan_faces_tutorial.html](https://pytorch.org/tutorials/beginner/dcgan_faces_tutorial.html)。

# %% [markdown] lang="en"
# ## What you learned
#
# 1. DCGAN keeps the GAN objective and changes the networks: strided convolutions instead of pooling, transposed
#    convolutions to up-sample in the generator, batch norm in both networks (except the generator's output and the
#    discriminator's input), no fully connected hidden layers, ReLU with a tanh output in the generator, LeakyReLU(0.2)
#    in the discriminator; training uses $\mathcal N(0, 0.02^2)$ initialisation and Adam ($2\times10^{-4}$, $\beta_1=0.5$).
# 2. A transposed convolution is the transpose (adjoint) of a strided convolution, not its inverse; a kernel side
#    divisible by the stride avoids checkerboard-shaped overlaps.
# 3. Myth: DCGAN's discriminator has no pooling layers, and its generator loss has no KL term (that belongs to VAEs);
#    on the same budget, the DCGAN that follows the guidelines learns far faster than the widely copied Keras-2 network.
# 4. Batch norm's moving averages must keep up with the generator: gankit uses momentum 0.9 and samples with
#    `training=False`, so one $z$ gives one well-defined picture.
# 5. The latent space supports interpolation (prefer slerp) and vector arithmetic; choosing samples by the
#    discriminator makes them more "typical" at the cost of diversity; `model.save` stores a model, checkpoints resume
#    training.
#
# ## Exercises
#
# 1. **(Easy)** Repeat section 1's "stamping" experiment for stride 2 and stride 3 with kernel sides 2 to 6. Which
#    combinations give a checkerboard? Guess a rule first, then check it in code.
#
#    <details><summary>Hint</summary>
#
#    Feed an all-ones input through `keras.ops.conv_transpose` with an all-ones kernel and see whether the output away
#    from the borders is constant. Think about how many stamps cover each output pixel: it depends on the remainder of
#    the kernel side divided by the stride.
#    </details>
#
# 2. **(Medium)** With momentum $m$ the initial value weighs $m^t$ in the moving average. Work out after how many steps
#    that weight falls below 1% for $m=0.9$ and $m=0.99$; then feed random batches of variance 0.04 into a
#    `layers.BatchNormalization(momentum=m)` (`training=True`) again and again and check that `moving_variance` follows
#    the formula.
#
#    <details><summary>Hint</summary>
#
#    $m^t<0.01$ gives $t>\ln 0.01/\ln m$. After $t$ steps the moving variance should be $m^t\cdot 1+(1-m^t)\cdot 0.04$.
#    </details>
#
# 3. **(Medium)** Replace the generator's `Conv2DTranspose` layers with `UpSampling2D` + `Conv2D(…, 3, padding="same")`,
#    check it with `guideline_check`, train it on section 4's budget and compare the samples with the original.
#
#    <details><summary>Hint</summary>
#
#    Write a new function modelled on section 2's `my_generator` and pass it as `models.DCGAN(generator=...)`; the
#    discriminator and the training code stay as they are. `guideline_check` tells you which guideline is broken.
#    </details>
#
# 4. **(Open)** In full mode, train with the paper's "bad" settings: Adam with $\beta_1=0.9$, or a learning rate of
#    $10^{-3}$. How do the loss curves, the samples and section 9's classifier FID change? Or set `DATASET` to
#    `"anime_faces"` and interpolate and `--nice`-select anime faces.
#
#    <details><summary>Hint</summary>
#
#    Only the two optimizers in `model.compile(g_optimizer=..., d_optimizer=...)` change; keep both runs' histories with
#    `L.record_history` so you can draw the loss curves together.
#    </details>
#
# Worked solutions to the first three are in `solutions/02_dcgan.py`.
#
# ## References
#
# - Alec Radford, Luke Metz, Soumith Chintala. *Unsupervised Representation Learning with Deep Convolutional
#   Generative Adversarial Networks*. ICLR 2016. [arXiv:1511.06434](https://arxiv.org/abs/1511.06434): the guidelines
#   of section 3, the training details of section 4, the latent-space experiments of section 6.
# - Ian Goodfellow et al. *Generative Adversarial Nets*. NIPS 2014. [arXiv:1406.2661](https://arxiv.org/abs/1406.2661)
# - Sergey Ioffe, Christian Szegedy. *Batch Normalization: Accelerating Deep Network Training by Reducing Internal
#   Covariate Shift*. ICML 2015. [arXiv:1502.03167](https://arxiv.org/abs/1502.03167)
# - Augustus Odena, Vincent Dumoulin, Chris Olah. *Deconvolution and Checkerboard Artifacts*. Distill, 2016.
#   [distill.pub/2016/deconv-checkerboard](https://distill.pub/2016/deconv-checkerboard/)
# - Tom White. *Sampling Generative Networks*. 2016. [arXiv:1609.04468](https://arxiv.org/abs/1609.04468) (slerp)
# - Anders Boesen Lindbo Larsen, Søren Kaae Sønderby, Hugo Larochelle, Ole Winther. *Autoencoding beyond Pixels Using a
#   Learned Similarity Metric*. ICML 2016. [arXiv:1512.09300](https://arxiv.org/abs/1512.09300) (VAE-GAN)
# - Samaneh Azadi, Catherine Olsson, Trevor Darrell, Ian Goodfellow, Augustus Odena. *Discriminator Rejection Sampling*.
#   ICLR 2019. [arXiv:1810.06758](https://arxiv.org/abs/1810.06758)
#
# **Further reading**
#
# - Vincent Dumoulin, Francesco Visin. *A Guide to Convolution Arithmetic for Deep Learning*. 2016.
#   [arXiv:1603.07285](https://arxiv.org/abs/1603.07285): convolution and transposed-convolution sizes, drawn.
# - PyTorch's official DCGAN tutorial:
#   [pytorch.org/tutorials/beginner/dcgan_faces_tutorial.html](https://pytorch.org/tutorials/beginner/dcgan_faces_tutorial.html).

# %%
L.summary()

# %% [markdown] lang="zh"
# # 第 8 课 · CycleGAN：非成对图像翻译
#
# 第 7 课的 Pix2Pix 需要**成对数据**：每张航拍图都配好了同一地点的地图。可很多翻译任务根本找不到这样的配对——
# 李宏毅老师的 GAN 课程举过一个例子：把照片变成梵高的画——我们手上只有一堆照片和一堆梵高画作，没有“同一场景的照片和它的梵高版”；
# 一门基于这门课的飞桨 GAN 入门课（百度 AI Studio）里的“人物/实景动漫化”也是如此：真人照片和动漫头像各有一大堆，却没有一张真人照片对应着“它自己的”动漫头像。
# 这就是**非成对数据**上的图像到图像的转换。CycleGAN（[Zhu、Park、Isola、Efros，2017](https://arxiv.org/abs/1703.10593)）的办法是再加一个反方向的生成器，
# 要求“翻译过去再翻译回来”要回到原图——**循环一致性**。
#
# 本课内容：
#
# 1. **两条路线**：李宏毅老师的课程把无监督的条件生成分成“直接转换”和“投影到共享的隐空间”两类，CycleGAN 属于前者；
# 2. **只有对抗损失为什么不够**：生成器可以无视输入，对什么输入都给出同一张“像地图的图”；循环一致性怎样堵住这条路；
# 3. **完整目标函数**：两个方向的最小二乘对抗损失 + 循环一致性 L1（$\lambda=10$）+ 恒等损失（$0.5\lambda$），并用一个小模型手算核对；
# 4. **网络**：ResNet 生成器（反射填充、实例归一化、残差块）和 PatchGAN 判别器；
# 5. **历史生成样本池**（50 张）和“后一半训练线性衰减到 0”的学习率；
# 6. **动手**：在 maps 上把航拍图和地图打乱成两个互不配对的集合来训练，看 $X\to Y\to X$ 的重建；
#    去掉循环一致性损失再训练一次作对比；用真实地图算**逐像素准确率**；最后做真人脸 → 动漫脸（celeba2anime）。
#
# 快速模式（`GANKIT_QUICK=1`）只用几张 32×32 的图、极小的网络各训练两步，用来检查代码；
# 完整模式在 64×64 的 maps 和 celeba2anime 上真正训练（结果见 8.9 和 8.10 节），整课在 2 核 AVX-512 CPU 上（只有 AVX2 的 CPU 更慢）约 35 分钟。

# %% [markdown] lang="en"
# # Lesson 8 · CycleGAN: unpaired image-to-image translation
#
# Lesson 7's Pix2Pix needs **paired data**: every aerial photo comes with the map of the same place. For many
# translations no such pairs exist. Hung-yi Lee's GAN course gives the example of turning photos into Van Gogh
# paintings: we have a pile of photos and a pile of Van Goghs, but no "photo of a scene and its Van Gogh version".
# The "photo to cartoon" task of a beginner GAN course built on his lectures (PaddlePaddle, on Baidu AI Studio) is
# the same: plenty of real faces and plenty of anime faces, but no real face paired with "its
# own" anime face. This is image-to-image translation on **unpaired data**. CycleGAN
# ([Zhu, Park, Isola and Efros, 2017](https://arxiv.org/abs/1703.10593)) adds a second generator going the other way and asks that translating there and back returns the original
# picture — **cycle consistency**.
#
# In this lesson:
#
# 1. **Two routes**: Hung-yi Lee's course splits unsupervised conditional generation into "direct transformation" and
#    "projection to a shared latent space"; CycleGAN belongs to the first;
# 2. **Why an adversarial loss alone is not enough**: the generator may ignore its input and give the same
#    "map-looking picture" for every input; how cycle consistency closes that door;
# 3. **The full objective**: least-squares adversarial losses both ways + the cycle-consistency L1 ($\lambda=10$) +
#    the identity loss ($0.5\lambda$), checked by hand on a small model;
# 4. **The networks**: the ResNet generator (reflection padding, instance normalization, residual blocks) and the
#    PatchGAN discriminator;
# 5. **The pool of past fakes** (50 images) and a learning rate that decays linearly to 0 over the second half;
# 6. **Hands on**: train on maps with aerial photos and maps shuffled into two unpaired sets and look at the
#    $X\to Y\to X$ reconstructions; train again without the cycle loss for comparison; measure **per-pixel accuracy**
#    against the true maps; finally real faces → anime faces (celeba2anime).
#
# Quick mode (`GANKIT_QUICK=1`) trains tiny networks for two steps on a few 32×32 pictures and only checks the code;
# full mode really trains on 64×64 maps and celeba2anime (results in sections 8.9 and 8.10); the whole lesson takes
# about 35 minutes on a 2-core AVX-512 CPU (slower on CPUs with only AVX2).

# %%
import pathlib, sys
_root = next((p for p in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents] if (p / "gankit").is_dir()), None)
if _root and str(_root) not in sys.path:
    sys.path.insert(0, str(_root))
from gankit.lesson import Lesson
L = Lesson(8)
L.needs("maps_unpaired", "celeba2anime")  # its datasets, checked before the first section

# %%
import time
import warnings

warnings.filterwarnings("ignore", message="Glyph")  # a missing CJK font only warns; figures still render

import numpy as np
import keras
import tensorflow as tf
import matplotlib.pyplot as plt

from gankit import data, losses, models, nets
from gankit.metrics import pixel_accuracy
from gankit.train import ImagePool, LinearDecay

tf.get_logger().setLevel("ERROR")
keras.utils.set_random_seed(0)
tt = L.label  # figure text: Chinese where a Chinese font exists, else English
print(f"Keras {keras.__version__} · TensorFlow {tf.__version__} · "
      + L.t("快速模式" if L.quick else "完整模式", "quick mode" if L.quick else "full mode"))

# %% [markdown] lang="zh"
# ## 8.1 两条路线：直接转换，还是投影到共享的隐空间
#
# 李宏毅老师的课程在讲“无监督的条件生成”时给了两类方法：
#
# - **方法 1：直接转换**。训练一个生成器 $G_{X\to Y}$ 直接把 $X$ 域的图变成 $Y$ 域的图，旁边配一个判别器判断“这像不像 $Y$ 域的图”。
#   网络浅的时候这样就够了，因为浅层网络改不了太多；网络一深，生成器就可能把输出改得和输入毫不相干，
#   所以**必须对输出加约束**。一种约束是让输入和输出经过编码器后的特征尽量相近；另一种就是 CycleGAN：
#   再训练一个 $G_{Y\to X}$，要求 $G_{Y\to X}(G_{X\to Y}(x))\approx x$。
# - **方法 2：投影到共享的隐空间**。两个域各有一个编码器、一个解码器，把两边的图都投影到同一个隐空间里，
#   让“同一种特征落在同一个维度上”——手段包括共享部分参数、加一个域判别器分辨隐向量来自哪个域、
#   也加循环一致性或语义一致性。UNIT、MUNIT 走的是这条路。
#
# 前面提到的飞桨入门课对 CycleGAN 的概括很直白：它本质上是**两个镜像对称的 GAN** 连成一个环——两个生成器、两个判别器，
# 每个单向的 GAN 有两个损失，一共四个；能用不配对的两组图片训练，这是它和 Pix2Pix 相比的典型优点。

# %% [markdown] lang="en"
# ## 8.1 Two routes: direct transformation, or projection to a shared latent space
#
# Discussing "unsupervised conditional generation", Hung-yi Lee's course gives two families of methods:
#
# - **Method 1: direct transformation.** Train one generator $G_{X\to Y}$ that turns an $X$ picture straight into a
#   $Y$ picture, with a discriminator judging "does this look like a $Y$ picture?". With a shallow network that is
#   enough, because a shallow network cannot change much; with a deep one the generator may make the output
#   unrelated to its input, so **the output must be constrained**. One constraint asks that input and output give
#   similar features through an encoder; another is CycleGAN's: train a second generator $G_{Y\to X}$ and require
#   $G_{Y\to X}(G_{X\to Y}(x))\approx x$.
# - **Method 2: projection to a shared latent space.** Each domain gets an encoder and a decoder; both project their
#   pictures into one latent space so that "the same feature lands in the same dimension" — by sharing some
#   parameters, by a domain discriminator that tries to tell which domain a latent vector came from, and again by
#   cycle or semantic consistency. UNIT and MUNIT take this route.
#
# The PaddlePaddle beginner course mentioned above sums CycleGAN up plainly: it is **two mirror-image GANs** joined into a ring — two generators,
# two discriminators, two losses per one-way GAN, four in all; that it trains on two unpaired sets of pictures is
# its typical advantage over Pix2Pix.

# %% [markdown] lang="zh"
# ## 8.2 数据：把成对的 maps 拆成两个不配对的集合
#
# CycleGAN 论文在 maps 上做实验时，用的正是 Pix2Pix 的航拍图/地图对，只是训练时不告诉模型谁和谁是一对。
# `data.load("maps_unpaired")` 照此办理：域 $X$ 是 400 张训练图的左半（航拍图），域 $Y$ 是右半（地图），
# **两个域各自独立打乱**，每个轮次重新打乱一次，所以一张航拍图和它自己的地图只会偶然碰到一起
# （`disjoint=True` 更彻底：$X$ 只取前 200 张、$Y$ 只取后 200 张）。
#
# 两个集合不必一样大：较大的那个决定一个轮次有多少批，较小的那个循环使用（与作者代码的“非对齐”数据集一致）。
# 100 张验证图保留原来的配对，只在最后评估时拿来和真实地图比较。

# %% [markdown] lang="en"
# ## 8.2 Data: maps taken apart into two unpaired sets
#
# For its maps experiments the CycleGAN paper uses Pix2Pix's aerial photo / map pairs, it just never tells the
# model which goes with which. `data.load("maps_unpaired")` does the same: domain $X$ is the left halves (aerial
# photos) of the 400 training pictures, domain $Y$ the right halves (maps), and **each domain is shuffled on its
# own**, afresh every epoch, so an aerial photo meets its own map only by chance (`disjoint=True` goes further:
# $X$ takes only the first 200 pictures and $Y$ only the last 200).
#
# The two sets need not be the same size: the larger one sets the number of batches per epoch and the smaller one
# is cycled through again (as in the authors' "unaligned" dataset). The 100 validation pictures keep their pairs and
# are used only at the end, to compare with the true maps.

# %%
SIZE = L.pick(full=64, quick=32)
BATCH = L.pick(full=4, quick=4)
maps_train = data.load("maps_unpaired", image_size=SIZE, batch_size=BATCH, limit=L.pick(full=None, quick=8))
x_batch, y_batch = next(iter(maps_train))
print(L.t(f"每批：X {tuple(x_batch.shape)}，Y {tuple(y_batch.shape)}；每轮 {int(maps_train.cardinality())} 批",
          f"per batch: X {tuple(x_batch.shape)}, Y {tuple(y_batch.shape)}; "
          f"{int(maps_train.cardinality())} batches per epoch"))
assert x_batch.shape == y_batch.shape == (BATCH, SIZE, SIZE, 3)

val_x, val_y = next(iter(data.load("maps", split="val", image_size=SIZE, batch_size=100, shuffle=False,
                                   drop_remainder=False, limit=L.pick(full=None, quick=8))))
val_x, val_y = val_x.numpy(), val_y.numpy()
L.save_grid(np.concatenate([x_batch.numpy(), y_batch.numpy()]), "unpaired_batch", nrow=BATCH)
print(L.t("上排：一批航拍图（X）；下排：同一批里的地图（Y）——它们并不是同一个地方。",
          "top row: a batch of aerial photos (X); bottom row: the maps of the same batch — not the same places."))

# %% [markdown] lang="zh"
# ## 8.3 只有对抗损失为什么不够，以及循环一致性
#
# 设生成器 $G: X\to Y$，判别器 $D_Y$ 分辨真实的 $y$ 和 $G(x)$。对抗训练只保证 $G(x)$ 的**分布**和 $Y$ 的分布一样，
# 并不保证每个 $G(x)$ 和它的输入 $x$ 有关系：把所有航拍图都映射到同一张逼真的地图，或者把 $X$ 随便打乱后映射到 $Y$，
# 对抗损失都可以很小。在没有配对的情况下，满足“分布相同”的映射有无穷多个，其中绝大多数都和输入无关——
# 极端情形就是“对什么输入都给出同一个输出”，这是图像翻译里的模式崩溃。
#
# CycleGAN 再加一个反方向的生成器 $F: Y\to X$ 和判别器 $D_X$，并要求两个方向的翻译互为逆映射：
#
# $$\mathcal{L}_{cyc}(G,F)=\mathbb{E}_{x}\big[\|F(G(x))-x\|_1\big]+\mathbb{E}_{y}\big[\|G(F(y))-y\|_1\big]\qquad\text{（Zhu 等, 2017, 式 (2)）}.$$
#
# 前一项是**前向循环**一致性 $x\to G(x)\to F(G(x))\approx x$，后一项是**反向循环**一致性。如果 $G$ 把所有输入都变成同一张图，
# $F$ 就不可能从这张图还原出各不相同的 $x$，循环损失会很大——$G(x)$ 必须保留足够的关于 $x$ 的信息。
# 这和翻译句子的道理一样：英译中再中译英，应该回到原来的句子。

# %% [markdown] lang="en"
# ## 8.3 Why an adversarial loss alone is not enough, and cycle consistency
#
# Take a generator $G: X\to Y$ and a discriminator $D_Y$ that tells real $y$ from $G(x)$. Adversarial training only
# makes the **distribution** of $G(x)$ match that of $Y$; it does not make each $G(x)$ related to its input $x$:
# mapping every aerial photo to one and the same realistic map, or mapping a random permutation of $X$ onto $Y$, can
# both reach a small adversarial loss. Without pairs there are infinitely many mappings with the right output
# distribution, and most of them ignore the input — at the extreme "the same output for every input", mode
# collapse in image translation.
#
# CycleGAN adds a generator going the other way, $F: Y\to X$, with its discriminator $D_X$, and asks the two
# translations to invert each other:
#
# $$\mathcal{L}_{cyc}(G,F)=\mathbb{E}_{x}\big[\|F(G(x))-x\|_1\big]+\mathbb{E}_{y}\big[\|G(F(y))-y\|_1\big]\qquad\text{(Zhu et al., 2017, Eq. 2)}.$$
#
# The first term is **forward** cycle consistency $x\to G(x)\to F(G(x))\approx x$, the second **backward** cycle
# consistency. If $G$ turned every input into the same picture, $F$ could not recover the many different $x$ from
# it and the cycle loss would be large: $G(x)$ has to keep enough information about $x$. It is the logic of
# translating a sentence: English to Chinese and back should give the original sentence.

# %% [markdown] lang="zh"
# ## 8.4 完整目标函数，逐项核对
#
# CycleGAN 的对抗损失用的是第 6 课的**最小二乘 GAN**（LSGAN）：判别器的输出不过 sigmoid，直接回归到 1（真）或 0（假）。
# 对 $G$ 和 $D_Y$：
#
# $$\min_{D_Y}\ \tfrac12\mathbb{E}_y\big[(D_Y(y)-1)^2\big]+\tfrac12\mathbb{E}_x\big[D_Y(G(x))^2\big],\qquad
#   \min_G\ \mathbb{E}_x\big[(D_Y(G(x))-1)^2\big],$$
#
# 判别器的损失乘了 $\tfrac12$，让它比生成器学得慢一些（论文第 4 节）；$F$ 与 $D_X$ 完全对称。生成器的总目标是（Zhu 等, 2017, 式 (3)，加上恒等损失）
#
# $$\mathcal{L}=\mathcal{L}_{GAN}(G,D_Y)+\mathcal{L}_{GAN}(F,D_X)+\lambda\,\mathcal{L}_{cyc}(G,F)+0.5\lambda\,\mathcal{L}_{identity}(G,F),\quad\lambda=10,$$
#
# 其中**恒等损失** $\mathcal{L}_{identity}=\mathbb{E}_y\|G(y)-y\|_1+\mathbb{E}_x\|F(x)-x\|_1$：把已经属于 $Y$ 域的图交给 $G$，它应当原样输出。
# 论文在画作 → 照片任务里用它来保持颜色（第 5.2 节），作者的代码默认对所有任务都开着（权重 $0.5\lambda$）。
# gankit 的 `CycleGAN.train_step` 每一步先用**一个** Adam 同时更新 $G$ 和 $F$，再用另一个 Adam 同时更新 $D_X$ 和 $D_Y$。
#
# 下面在一个极小的模型上，按上面的公式用 numpy 逐项手算，再和 `train_on_batch` 返回的损失比较（第一步的值，来自更新前的网络）。

# %% [markdown] lang="en"
# ## 8.4 The full objective, checked term by term
#
# CycleGAN's adversarial loss is lesson 6's **least squares GAN** (LSGAN): the discriminator's output goes through no
# sigmoid and is regressed to 1 (real) or 0 (fake). For $G$ and $D_Y$:
#
# $$\min_{D_Y}\ \tfrac12\mathbb{E}_y\big[(D_Y(y)-1)^2\big]+\tfrac12\mathbb{E}_x\big[D_Y(G(x))^2\big],\qquad
#   \min_G\ \mathbb{E}_x\big[(D_Y(G(x))-1)^2\big],$$
#
# where the discriminator's loss is halved so that it learns more slowly than the generator (paper, section 4); $F$
# and $D_X$ are exactly symmetric. The generators' total objective is (Zhu et al., 2017, Eq. 3, plus the identity loss)
#
# $$\mathcal{L}=\mathcal{L}_{GAN}(G,D_Y)+\mathcal{L}_{GAN}(F,D_X)+\lambda\,\mathcal{L}_{cyc}(G,F)+0.5\lambda\,\mathcal{L}_{identity}(G,F),\quad\lambda=10,$$
#
# with the **identity loss** $\mathcal{L}_{identity}=\mathbb{E}_y\|G(y)-y\|_1+\mathbb{E}_x\|F(x)-x\|_1$: a picture that
# already belongs to $Y$, given to $G$, should come out unchanged. The paper uses it to keep the colours in
# painting → photo (section 5.2); the authors' code turns it on for every task (weight $0.5\lambda$).
# In gankit's `CycleGAN.train_step` each step first updates $G$ and $F$ together with **one** Adam, then $D_X$ and
# $D_Y$ together with another.
#
# Below, on a tiny model, every term is computed by hand in numpy from the formulas above and compared with the
# losses `train_on_batch` returns (the first step's values, which come from the networks before the update).

# %%
tiny = models.CycleGAN(image_shape=(16, 16, 3), filters=4, n_blocks=1, d_filters=4, d_layers=1, seed=0,
                      precision="float32")  # checked by hand in float64 below: float32 networks on every CPU
tiny.compile(run_eagerly=True)
rng = np.random.default_rng(0)
tx, ty = rng.uniform(-1, 1, (2, 4, 16, 16, 3)).astype("float32")


def run(net, a):
    return np.asarray(net(a), dtype="float64")


G, F, D_X, D_Y = tiny.generator, tiny.generator_f, tiny.discriminator_x, tiny.discriminator
fake_y, fake_x = run(G, tx), run(F, ty)
by_hand = {
    "adv_loss": np.mean((run(D_Y, fake_y) - 1) ** 2) + np.mean((run(D_X, fake_x) - 1) ** 2),
    "cycle_loss": np.mean(np.abs(run(F, fake_y) - tx)) + np.mean(np.abs(run(G, fake_x) - ty)),
    "identity_loss": np.mean(np.abs(run(G, ty) - ty)) + np.mean(np.abs(run(F, tx) - tx)),
    "d_loss": 0.5 * np.mean((run(D_Y, ty) - 1) ** 2) + 0.5 * np.mean(run(D_Y, fake_y) ** 2)
              + 0.5 * np.mean((run(D_X, tx) - 1) ** 2) + 0.5 * np.mean(run(D_X, fake_x) ** 2),
}
by_hand["g_loss"] = by_hand["adv_loss"] + 10 * by_hand["cycle_loss"] + 0.5 * 10 * by_hand["identity_loss"]
logs = tiny.train_on_batch(tx, ty, return_dict=True)
for name, value in by_hand.items():
    print(f"{name:<14} " + L.t("手算", "by hand") + f" {value:9.5f}   train_step {logs[name]:9.5f}")
    assert abs(value - logs[name]) < 1e-4 * max(1.0, abs(value))

# %% [markdown] lang="zh"
# 五个数逐一吻合。注意对抗项：gankit 的 `losses.least_squares_g_loss` 带着 LSGAN 论文的 $\tfrac12$，
# 而 CycleGAN 的生成器损失是 $\mathbb{E}[(D(G(x))-1)^2]$，所以 `train_step` 里乘了 2；判别器的 $\tfrac12$ 两边一致，直接复用。
# 如果把 $\lambda$ 和对抗项的相对大小弄错一倍，训练出来的模型会明显不同。

# %% [markdown] lang="en"
# All five numbers agree. Note the adversarial term: gankit's `losses.least_squares_g_loss` carries the LSGAN
# paper's $\tfrac12$, while CycleGAN's generator loss is $\mathbb{E}[(D(G(x))-1)^2]$, so `train_step` multiplies it by 2;
# the discriminator's $\tfrac12$ is the same in both and is reused as is. Getting the balance between $\lambda$ and the
# adversarial term wrong by a factor of two gives a visibly different model.

# %% [markdown] lang="zh"
# ## 8.5 网络：ResNet 生成器与 PatchGAN 判别器
#
# 生成器沿用 Johnson 等人（2016）做风格迁移的网络，论文附录 7.2 把它写成
# `c7s1-64, d128, d256, R256×9, u128, u64, c7s1-3`：
#
# - `c7s1-k`：7×7 卷积、步长 1、$k$ 个滤波器，后接**实例归一化**和 ReLU；`dk`：3×3、步长 2 的下采样卷积；
#   `uk`：3×3、步长 2 的转置卷积（上采样）；
# - `Rk`：**残差块**，两个 3×3 卷积，输出是 $x+\mathrm{block}(x)$。翻译只需要在输入上做“修改”，残差结构让“什么都不改”成为最容易学的起点；
#   图像 256×256 时用 9 个残差块，128×128 及以下用 6 个；
# - 所有 7×7 和残差块里的卷积前都用**反射填充**（reflection padding）而不是补零：补零等于给图像镶了一圈黑边，生成器会学着在边缘画出伪影。
#
# **实例归一化**对每张图、每个通道单独在 $H\times W$ 上做归一化：$\hat x_{nhwc}=(x_{nhwc}-\mu_{nc})/\sqrt{\sigma^2_{nc}+\epsilon}$，
# 再乘 $\gamma_c$ 加 $\beta_c$。它去掉的是单张图的对比度信息，这正是风格/外观翻译想要的；它也不依赖批大小（论文用批大小 1）。
# 过去 Keras 用户要从 TensorFlow Addons 里拿 `InstanceNormalization`，这个库已经停止维护；Keras 3 自带的
# `GroupNormalization(groups=-1)`（每个通道自成一组）就是实例归一化。下面先核对这一点，再看反射填充。

# %% [markdown] lang="en"
# ## 8.5 The networks: a ResNet generator and a PatchGAN discriminator
#
# The generator is the style-transfer network of Johnson et al. (2016); the paper's appendix 7.2 writes it as
# `c7s1-64, d128, d256, R256×9, u128, u64, c7s1-3`:
#
# - `c7s1-k`: a 7×7 convolution, stride 1, $k$ filters, then **instance normalization** and ReLU; `dk`: a 3×3
#   stride-2 down-sampling convolution; `uk`: a 3×3 stride-2 transposed convolution (up-sampling);
# - `Rk`: a **residual block**, two 3×3 convolutions whose output is $x+\mathrm{block}(x)$. Translation only has to
#   *edit* its input, and the residual form makes "change nothing" the easiest starting point; 9 blocks for
#   256×256 pictures, 6 for 128×128 and below;
# - every 7×7 convolution and every convolution in a residual block is preceded by **reflection padding** instead
#   of zeros: zero padding frames the picture with a black border, and the generator learns to paint artifacts
#   along it.
#
# **Instance normalization** normalizes each picture and each channel on its own, over $H\times W$:
# $\hat x_{nhwc}=(x_{nhwc}-\mu_{nc})/\sqrt{\sigma^2_{nc}+\epsilon}$, then scales by $\gamma_c$ and shifts by $\beta_c$. It
# removes a single picture's contrast, which is what translating style/appearance wants, and it does not depend on
# the batch size (the paper uses batches of 1). Keras users used to take `InstanceNormalization` from TensorFlow
# Addons, which is no longer maintained; Keras 3's own `GroupNormalization(groups=-1)` (every channel a group of its
# own) is instance normalization. Below we check that, then look at reflection padding.

# %%
feature_maps = rng.normal(2.0, 3.0, (2, 5, 6, 4)).astype("float32")
norm = nets.instance_norm()
mu = feature_maps.mean(axis=(1, 2), keepdims=True)
var = feature_maps.var(axis=(1, 2), keepdims=True)
by_formula = (feature_maps - mu) / np.sqrt(var + 1e-5)
print(L.t("实例归一化与公式的最大差：", "instance norm vs the formula, largest difference:"),
      float(np.abs(np.asarray(norm(feature_maps)) - by_formula).max()))
assert np.allclose(np.asarray(norm(feature_maps)), by_formula, atol=1e-4)  # gamma = 1, beta = 0 at the start

tile = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
print(L.t("反射填充（2 像素）：", "reflection padding (2 pixels):"))
print(np.asarray(nets.ReflectionPadding2D(2)(tile))[0, :, :, 0].astype(int))
print(L.t("补零：", "zero padding:"))
print(np.asarray(keras.layers.ZeroPadding2D(2)(tile))[0, :, :, 0].astype(int))

# %% [markdown] lang="zh"
# 反射填充以边缘那一行/列为镜面，把图像内部的像素“照”出去，填充区的统计特性和图像本身一样；补零则在四周造出一圈图像里从不出现的 0。
#
# 判别器是第 7 课的 **PatchGAN**：输出一张分数图，每个分数只看输入上的一块（默认 70×70），判断这一块像不像真的。
# CycleGAN 的判别器不需要条件输入（没有配对可看），只看一张图；归一化也换成实例归一化。
# 我们的图只有 64×64，完整模式用 `d_layers=3`（感受野 70，每格几乎看到整张图），快速模式用 2 层：

# %% [markdown] lang="en"
# Reflection padding mirrors the picture's inner pixels across its border row/column, so the padded area has the
# same statistics as the picture; zero padding builds a frame of 0s that never occurs inside a picture.
#
# The discriminator is lesson 7's **PatchGAN**: it outputs a map of scores, each looking at one patch of the input
# (70×70 by default) and judging whether that patch looks real. CycleGAN's discriminators take no condition (there is
# no pair to look at), only one picture, and use instance normalization too. Our pictures are only 64×64: full mode
# uses `d_layers=3` (a 70-pixel field, so each cell sees nearly the whole picture), quick mode 2 layers:

# %%
CONFIG = dict(image_shape=(SIZE, SIZE, 3), filters=L.pick(full=16, quick=8), n_blocks=L.pick(full=6, quick=1),
              d_filters=L.pick(full=32, quick=8), d_layers=L.pick(full=3, quick=2))
probe = models.CycleGAN(**CONFIG, seed=0)
field = nets.patchgan_receptive_field(CONFIG["d_layers"])
print(L.t(f"生成器 G：{probe.generator.count_params():,} 个参数；判别器 D_Y：{probe.discriminator.count_params():,} 个参数",
          f"generator G: {probe.generator.count_params():,} parameters; "
          f"discriminator D_Y: {probe.discriminator.count_params():,} parameters"))
print(L.t(f"D 的输出：{probe.discriminator.output_shape[1:]} 的分数图，每格的感受野 {field}×{field} 像素",
          f"D's output: a {probe.discriminator.output_shape[1:]} map of scores, each seeing {field}×{field} pixels"))
assert probe.generator.output_shape[1:] == (SIZE, SIZE, 3)
L.record(receptive_field=field, generator_parameters=probe.generator.count_params())

# %% [markdown] lang="zh"
# ## 8.6 历史生成样本池与学习率衰减
#
# **样本池**（[Shrivastava 等，2017](https://arxiv.org/abs/1612.07828)）：判别器每次不只看生成器刚刚画出的图，而是从一个装着最近 50 张生成图的池子里取。
# 作者代码里的规则是逐张处理：池子没满时，新图放进池子并原样返回；池子满了以后，以 1/2 的概率原样返回新图，
# 另外 1/2 的概率从池子里随机取出一张旧图返回、并把新图放进它的位置。这样判别器看到的是“生成器最近一段时间”的作品，
# 不会只追着生成器的最新一步跑，两者来回振荡的情况会少一些。
#
# `ImagePool` 用 `tf.Variable` 存图片和计数，用 TensorFlow 运算实现上面的规则，所以能放进编译后的 `train_step`。
# 下面给每张“图”编上号（图的像素值就是它的编号），看看返回的图有多“旧”：

# %% [markdown] lang="en"
# ## 8.6 The pool of past fakes and the learning-rate decay
#
# **The image pool** ([Shrivastava et al., 2017](https://arxiv.org/abs/1612.07828)): instead of only the pictures the generator has just drawn, the
# discriminator sees pictures from a pool of the 50 most recent fakes. The rule in the authors' code goes picture
# by picture: while the pool is not full, the new picture is stored and returned as is; once it is full, with
# probability 1/2 the new picture is returned, and with probability 1/2 a random stored picture is returned and the
# new one takes its place. The discriminator thus sees the generator's work "of the recent past" rather than only
# chasing its latest move, and the two oscillate less.
#
# `ImagePool` keeps the pictures and the count in `tf.Variable`s and implements the rule with TensorFlow ops, so it
# runs inside the compiled `train_step`. Below every "picture" carries its number (its pixel value is its number);
# how old are the pictures that come back?

# %%
pool = ImagePool((1, 1, 1), size=50, seed=0)
query = tf.function(pool.query)  # compiled, as inside train_step
ages, step = [], 0
first = np.asarray(query(np.arange(50, dtype="float32").reshape(50, 1, 1, 1))).reshape(-1)
assert np.array_equal(first, np.arange(50))  # the first 50 come back as they are, and are stored
for step in range(50, 50 + 4 * 500, 4):  # then 500 batches of 4
    ids = np.arange(step, step + 4, dtype="float32")
    out = np.asarray(query(ids.reshape(4, 1, 1, 1))).reshape(-1)
    ages += list(ids - out)
ages = np.array(ages)
print(L.t(f"返回新图的比例：{np.mean(ages == 0):.3f}（应约为 0.5）；旧图的平均“年龄”：{ages[ages > 0].mean():.0f} 张",
          f"share of new pictures returned: {np.mean(ages == 0):.3f} (should be about 0.5); "
          f"mean age of the old ones: {ages[ages > 0].mean():.0f} pictures"))
assert abs(np.mean(ages == 0) - 0.5) < 0.05

schedule = LinearDecay(2e-4, total_steps=200)
fig, axes = plt.subplots(1, 2, figsize=(11, 3))
axes[0].hist(ages[ages > 0], bins=40, color="tab:blue")
axes[0].set_xlabel(tt("被返回的旧图的年龄（张）", "age of the old picture returned (pictures)"))
axes[0].set_title(tt("样本池返回的旧图", "old pictures the pool returns"))
axes[1].plot([float(schedule(t)) for t in range(201)])
axes[1].set_xlabel(tt("优化器步数", "optimizer step"))
axes[1].set_ylabel(tt("学习率", "learning rate"))
axes[1].set_title(tt("前一半不变，后一半线性降到 0", "flat for the first half, then linearly to 0"))
fig.tight_layout()
L.show(fig, "pool_and_schedule")

# %% [markdown] lang="zh"
# 旧图的年龄大致服从几何分布：每来一张新图，某个固定位置被替换的概率是 $\tfrac12\cdot\tfrac1{50}=\tfrac1{100}$，
# 所以一张图在池子里平均待上 100 张新图的时间——大多数旧图只“旧”几十到一两百张，偶尔有很老的。
#
# 右图是学习率：论文用 Adam（$\beta_1=0.5$，学习率 $2\times10^{-4}$）训练 200 个轮次，前 100 个轮次学习率不变，
# 后 100 个轮次线性降到 0。gankit 用一个 `LearningRateSchedule`（`LinearDecay`）按优化器步数实现同一条折线：
# `model.compile(total_steps=轮次数 × 每轮批数)` 会给两个优化器都装上它。选学习率调度而不是回调，是因为它随优化器一起保存，
# 加载模型接着训练时不会丢。总步数要由你告诉 `compile`：`fit` 只知道自己这一次训练多少轮，如果它自作主张按这一次的长度衰减，
# 分几次调用 `fit` 的训练（中间停下来看样本，或中断后续训）在第一次调用结束时学习率就降到 0 了，后面什么也学不到。
# 不给 `total_steps`，学习率就一直保持常数，相当于论文的前半程。

# %% [markdown] lang="en"
# The ages follow roughly a geometric distribution: each new picture replaces a given slot with probability
# $\tfrac12\cdot\tfrac1{50}=\tfrac1{100}$, so a picture stays in the pool for 100 new pictures on average — most old
# pictures are a few dozen to a couple of hundred pictures old, with the occasional very old one.
#
# On the right, the learning rate: the paper trains for 200 epochs with Adam ($\beta_1=0.5$, learning rate
# $2\times10^{-4}$), constant for the first 100 epochs and decaying linearly to 0 over the last 100. gankit draws the
# same line per optimizer step with a `LearningRateSchedule` (`LinearDecay`): `model.compile(total_steps=epochs ×
# batches per epoch)` gives both optimizers one. A schedule rather than a callback, because it is saved with the
# optimizer and survives loading the model to go on training. You tell `compile` the total number of steps: `fit` only
# knows the length of its own call, and decaying over that would bring a training split over several `fit` calls (to
# look at samples in between, or after resuming) to a learning rate of 0 at the end of the first call. Without
# `total_steps` the rate stays constant, like the paper's first half.

# %% [markdown] lang="zh"
# ## 8.7 在 maps 上训练：$X\to Y\to X$
#
# 现在训练一个 CycleGAN：$X$ 是航拍图，$Y$ 是地图。为了在 CPU 上能跑完，图像缩到 64×64，网络也缩小了
# （生成器 16 个基础滤波器、6 个残差块，判别器 32 个滤波器；论文用 64 个滤波器、256×256 上 9 个残差块，判别器 64 个）。
# 快速模式只走两步，并且以 eager 方式运行：把四个网络、六次生成器前向的训练步骤追踪成计算图要花几十秒，对只走两步的检查来说不划算。

# %% [markdown] lang="en"
# ## 8.7 Training on maps: $X\to Y\to X$
#
# Now we train a CycleGAN with $X$ = aerial photos and $Y$ = maps. To finish on a CPU the pictures are shrunk to
# 64×64 and so are the networks (generators with 16 base filters and 6 residual blocks, discriminators with 32; the
# paper uses 64 filters, 9 residual blocks at 256×256, and 64-filter discriminators). Quick mode takes two steps and
# runs eagerly: tracing a step with four networks and six generator passes into a graph takes tens of seconds, not
# worth it for a two-step check.

# %%
EPOCHS = L.epochs(full=5, quick=1)


def train_cyclegan(dataset, epochs, cycle_weight=10.0, config=CONFIG, name="cyclegan"):
    model = models.CycleGAN(**config, cycle_weight=cycle_weight, seed=0)
    model.compile(total_steps=epochs * int(dataset.cardinality()), run_eagerly=L.quick)
    start = time.time()
    history = model.fit(dataset, epochs=epochs, callbacks=L.callbacks(name), verbose=0)
    minutes = (time.time() - start) / 60
    L.record_history(name, history)
    L.record(**{f"{name}.minutes": minutes})
    print(L.t(f"{name}：{epochs} 个轮次，用时 {minutes:.1f} 分钟", f"{name}: {epochs} epochs in {minutes:.1f} minutes"))
    return model, history


cyclegan, history = train_cyclegan(maps_train, EPOCHS)
for key in ("g_loss", "d_loss", "cycle_loss"):
    assert np.isfinite(history.history[key][-1])

# %%
n_show = min(8, len(val_x))
fake_map, back_photo = cyclegan.cycle(val_x[:n_show], "x2y")
fake_photo, back_map = cyclegan.cycle(val_y[:n_show], "y2x")
L.save_grid(np.concatenate([val_x[:n_show], fake_map, back_photo, val_y[:n_show]]), "maps_x2y2x", nrow=n_show)
L.save_grid(np.concatenate([val_y[:n_show], fake_photo, back_map]), "maps_y2x2y", nrow=n_show)
print(L.t("第一张网格，从上到下：航拍图 x | G(x) | F(G(x)) | 真实地图（训练时从没和 x 配过对）\n"
          "第二张网格：地图 y | F(y) | G(F(y))",
          "first grid, top to bottom: aerial photo x | G(x) | F(G(x)) | the true map (never paired with x in training)\n"
          "second grid: map y | F(y) | G(F(y))"))

# %% [markdown] lang="zh"
# ## 8.8 去掉循环一致性损失会怎样
#
# 同样的数据、同样的轮次，只把 `cycle_weight` 设为 0（恒等损失是它的一部分，也随之消失），就是论文表 4、5 里的“GAN alone”。
# 这时两个方向各自是一个普通的 LSGAN，互不相干。看两件事：
#
# - **重建误差** $\|F(G(x))-x\|_1$：没有循环约束，回程没有理由回到原图；
# - **输出对输入的依赖**：不同航拍图翻译出来的地图之间的平均差异（和真实地图之间的平均差异相比）。
#   如果生成器开始“对什么输入都给出差不多的输出”，这个比值会明显小于 1。

# %% [markdown] lang="en"
# ## 8.8 What happens without the cycle-consistency loss
#
# Same data, same number of epochs, only `cycle_weight` set to 0 (the identity loss is a fraction of it and
# disappears too): the "GAN alone" of the paper's tables 4 and 5. Each direction is now an ordinary LSGAN, unrelated
# to the other. We look at two things:
#
# - the **reconstruction error** $\|F(G(x))-x\|_1$: without the cycle constraint, the way back has no reason to
#   return to the original;
# - **how much the output depends on the input**: the mean difference between the maps translated from different
#   aerial photos, relative to the mean difference between true maps. If the generator drifts towards "about the
#   same output for every input", this ratio falls well below 1.

# %%
gan_alone, _ = train_cyclegan(maps_train, EPOCHS, cycle_weight=0.0, name="gan_alone")


def spread(images):
    """Mean L1 distance between the pictures of a batch, over all pairs."""
    flat = images.reshape(len(images), -1)
    return float(np.mean([np.abs(flat[i] - flat[j]).mean() for i in range(len(flat)) for j in range(i)]))


rows = {}
for label, model in (("cycle", cyclegan), ("gan_alone", gan_alone)):
    there, back = model.cycle(val_x, "x2y")
    rows[label] = {"reconstruction_l1": float(np.abs(back - val_x).mean()),
                   "output_spread": spread(there[:50]) / spread(val_y[:50])}
    L.record(**{f"{label}.{k}": v for k, v in rows[label].items()})
    print(f"{label:<10} |F(G(x)) - x|_1 = {rows[label]['reconstruction_l1']:.3f}   "
          + L.t("输出差异 / 真实地图差异", "output spread / true maps' spread")
          + f" = {rows[label]['output_spread']:.2f}")
_, ablation_back = gan_alone.cycle(val_x[:n_show], "x2y")
L.save_grid(np.concatenate([val_x[:n_show], gan_alone.translate(val_x[:n_show]), ablation_back, fake_map, back_photo]),
            "with_and_without_cycle", nrow=n_show)
print(L.t("从上到下：x | 无循环损失的 G(x) | 它的 F(G(x)) | 有循环损失的 G(x) | 它的 F(G(x))",
          "top to bottom: x | G(x) without the cycle loss | its F(G(x)) | G(x) with the cycle loss | its F(G(x))"))
if not L.quick:
    assert rows["cycle"]["reconstruction_l1"] < rows["gan_alone"]["reconstruction_l1"]

# %% [markdown] lang="zh"
# ## 8.9 评估：逐像素准确率
#
# maps 的验证集保留了配对，所以可以把 $G(x)$ 直接和真实地图逐像素比较。按照在这个任务上常用的做法，
# 一个像素的 RGB 三个通道（0–255）与真实地图的差**都不超过** $\delta$ 时算“正确”，准确率是正确像素的比例。
# 说明一下出处：CycleGAN 论文本身在 maps 上只做了人工的“真假”判别实验（AMT），这个带颜色容差的逐像素准确率是后来的论文在同一任务上使用的；
# 我们报告 $\delta=16$，同时给出更严格的 $\delta=5$ 和 $\delta=10$。
#
# 地图的大部分是浅色的底色，只猜底色就能得很多分，所以要和两个“什么都没学”的基线一起看：
# 一张**空白地图**（每个像素都填训练地图各通道的中位色，也就是底色）；以及直接把航拍图当成地图。
# 在 64×64 的验证图上，空白地图在 $\delta=16$ 时就有约 78% 的准确率——模型要超过它，才算真正画出了道路、水面和绿地。

# %% [markdown] lang="en"
# ## 8.9 Evaluation: per-pixel accuracy
#
# The maps validation set keeps its pairs, so $G(x)$ can be compared with the true map pixel by pixel. Following
# the practice on this task, a pixel counts as correct when **each** of its RGB channels (0–255) is within $\delta$ of
# the true map's, and the accuracy is the share of correct pixels. A word on the source: the CycleGAN paper itself
# evaluates maps only with human "real or fake" studies (AMT); this per-pixel accuracy with a colour tolerance is
# what later papers use on the same task. We report $\delta=16$, and the stricter $\delta=5$ and $\delta=10$ as well.
#
# Most of a map is a light background colour, so guessing the background already scores a lot; read the numbers
# next to two baselines that learned nothing: a **blank map** (every pixel painted with the per-channel median
# colour of the training maps, i.e. the background), and the aerial photo itself taken as the map. On the 64×64
# validation maps the blank map alone reaches about 78% at $\delta=16$: a model has to beat that to have really drawn
# roads, water and parks.

# %%
train_maps = np.concatenate([y.numpy() for _, y in maps_train.take(25)])
background = np.median(data.to_uint8(train_maps).reshape(-1, 3), axis=0).astype("float32") / 127.5 - 1.0
blank = L.t("空白地图（中位色）", "blank map (median colour)")
candidates = {
    "CycleGAN": cyclegan.translate(val_x),
    "GAN alone": gan_alone.translate(val_x),
    blank: np.broadcast_to(background, val_y.shape),
    L.t("航拍图本身", "aerial photo itself"): val_x,
}
print(f"{'':<22}" + "".join(f"{'δ=' + str(d):>9}" for d in (5, 10, 16)))
accuracy = {}
for label, maps_out in candidates.items():
    accuracy[label] = [pixel_accuracy(maps_out, val_y, tolerance=d) for d in (5, 10, 16)]
    print(f"{label:<22}" + "".join(f"{a:9.1%}" for a in accuracy[label]))
L.record(pixel_accuracy_16=accuracy["CycleGAN"][2], pixel_accuracy_16_gan_alone=accuracy["GAN alone"][2],
         pixel_accuracy_16_blank_map=accuracy[blank][2],
         pixel_accuracy_5=accuracy["CycleGAN"][0], pixel_accuracy_10=accuracy["CycleGAN"][1])
assert all(0.0 <= a <= 1.0 for row in accuracy.values() for a in row)
for label, name in (("CycleGAN", "cyclegan"), ("GAN alone", "gan_alone")):
    L.record_metrics("CycleGAN" if name == "cyclegan" else "CycleGAN (no cycle loss)", "maps",
                     minutes=round(L.results[f"{name}.minutes"], 2), pixel_accuracy=round(accuracy[label][2], 4),
                     blank_map=round(accuracy[blank][2], 4))

# %% [markdown] lang="zh"
# **完整模式的结果**（CycleGAN 和 “GAN alone” 各训练 5 个轮次，每轮 100 步）：64×64 的 100 张验证图上的逐像素准确率：
#
# | 地图来源 | $\delta=5$ | $\delta=10$ | $\delta=16$ |
# |---|---|---|---|
# | CycleGAN | 12.2% | 41.6% | **66.5%** |
# | GAN alone（无循环损失） | 1.3% | 5.5% | 15.8% |
# | 空白地图（中位色） | 47.0% | 66.8% | 78.0% |
# | 航拍图本身 | 0.0% | 0.0% | 0.0% |
#
# 循环损失的作用一目了然：有它 66.5%，没有它只有 15.8%，重建误差 $\|F(G(x))-x\|_1$ 也从 0.29 降到 0.20。
# 但要诚实：5 个轮次后 CycleGAN **还没超过空白地图**——它学会了地图的底色和水面、绿地的大致位置（第一张网格），
# 却还画不出清晰的街道，而街道边缘正是逐像素比较最扣分的地方。论文训练 200 个轮次、256×256、更大的网络；
# 想看到街道，请用 GPU 并把 `EPOCHS` 调到 50 以上（练习 4）。
#
# ![完整模式 5 个轮次后：航拍图 x、G(x)、F(G(x))、真实地图](../../assets/cyclegan_maps_5epochs.jpg)

# %% [markdown] lang="en"
# **Full-mode results** (CycleGAN and "GAN alone" trained 5 epochs each, 100 steps per epoch): per-pixel accuracy on
# the 100 validation maps at 64×64:
#
# | maps from | $\delta=5$ | $\delta=10$ | $\delta=16$ |
# |---|---|---|---|
# | CycleGAN | 12.2% | 41.6% | **66.5%** |
# | GAN alone (no cycle loss) | 1.3% | 5.5% | 15.8% |
# | blank map (median colour) | 47.0% | 66.8% | 78.0% |
# | the aerial photo itself | 0.0% | 0.0% | 0.0% |
#
# The cycle loss clearly matters: 66.5% with it, 15.8% without, and the reconstruction error $\|F(G(x))-x\|_1$ falls from
# 0.29 to 0.20. But to be honest, after 5 epochs CycleGAN **has not yet beaten the blank map**: it has learned the maps'
# background colour and roughly where water and parks are (first grid), not yet crisp streets — and street edges are
# exactly where a pixel-by-pixel comparison loses most. The paper trains 200 epochs at 256×256 with larger networks; to see
# streets, use a GPU and set `EPOCHS` to 50 or more (exercise 4).
#
# ![After 5 full-mode epochs: aerial photo x, G(x), F(G(x)), the true map](../../assets/cyclegan_maps_5epochs.jpg)

# %% [markdown] lang="zh"
# ## 8.10 真人脸 → 动漫脸（celeba2anime）
#
# 最后回到开头说的“人物动漫化”：$X$ 是 CelebA 的真人脸（5,000 张，从中心裁出脸部），$Y$ 是动漫头像（10,000 张），
# 都是 64×64。两边数量不同、毫无配对，正是 CycleGAN 的用武之地。这里形状差异很大（动漫脸的眼睛大得多、脸型也不同），
# 而 CycleGAN 的生成器以残差方式“修改”输入，更擅长改颜色和纹理，不擅长改几何形状——这是论文第 6 节（局限与讨论）自己承认的局限（猫变狗这类需要改形状的任务基本失败）。
# 为了控制 CPU 时间，完整模式只取两边各前 1,000 张训练 1 个轮次——这只是一个开头，想要像样的结果需要多训练许多轮次。

# %% [markdown] lang="en"
# ## 8.10 Real faces → anime faces (celeba2anime)
#
# Finally back to the "photo to cartoon" of the introduction: $X$ is CelebA's real faces (5,000, the face cropped from the
# centre), $Y$ anime faces (10,000), both 64×64. Different sizes and no pairs at all: exactly CycleGAN's setting. The
# shapes differ a lot here (anime eyes are much larger, the face outline differs), and CycleGAN's generator *edits*
# its input residually: it is better at changing colour and texture than geometry — a limitation the paper itself
# admits in section 6, "Limitations and discussion" (cat → dog style changes of shape mostly fail). To keep the CPU
# time down, full mode trains on the first 1,000 pictures of each side for one epoch — only a start; convincing
# results need many more epochs.

# %%
faces = data.load("celeba2anime", image_size=SIZE, batch_size=BATCH, limit=L.pick(full=1000, quick=8))
anime_model, anime_history = train_cyclegan(faces, L.epochs(full=1, quick=1), name="celeba2anime")
face_x, anime_y = next(iter(data.load("celeba2anime", image_size=SIZE, batch_size=8, seed=7,
                                      limit=L.pick(full=None, quick=8))))
face_x, anime_y = face_x.numpy(), anime_y.numpy()
to_anime, face_back = anime_model.cycle(face_x, "x2y")
to_face, anime_back = anime_model.cycle(anime_y, "y2x")
L.save_grid(np.concatenate([face_x, to_anime, face_back, anime_y, to_face, anime_back]), "celeba2anime", nrow=8)
print(L.t("从上到下：真人脸 x | G(x) | F(G(x)) | 动漫脸 y | F(y) | G(F(y))",
          "top to bottom: real face x | G(x) | F(G(x)) | anime face y | F(y) | G(F(y))"))
assert np.isfinite(anime_history.history["g_loss"][-1])

# %% [markdown] lang="zh"
# **完整模式的结果**：1,000 张真人脸 ↔ 1,000 张动漫脸，训练 1 个轮次（250 步）。这么短的训练之后，
# $G(x)$ 已经换上了动漫图的配色：浅色背景、更亮的肤色、深色的大眼睛和一团团的头发，发型和脸的位置也跟着输入走；
# 但画面还很模糊、带着细小的格点纹，远不像画出来的动漫脸；反方向 $F(y)$ 把动漫脸变成暗色调的“照片”，大眼睛还留着。
# 这正是 8.10 开头说的：颜色和纹理先变，形状难改。要得到像样的效果，需要 GPU 上几十个轮次。
#
# ![完整模式 1 个轮次后，从上到下：真人脸 x、G(x)、F(G(x))、动漫脸 y、F(y)、G(F(y))](../../assets/cyclegan_celeba2anime_1epoch.jpg)

# %% [markdown] lang="en"
# **Full-mode results**: 1,000 real faces ↔ 1,000 anime faces, trained 1 epoch (250 steps). After this short a
# training, $G(x)$ already wears the anime palette — a light background, brighter skin, large
# dark eyes and blocks of hair — and follows the input's hair style and face position; but it is still blurry, with a
# fine grid texture, far from a drawn anime face. The other way, $F(y)$ turns anime faces into darker "photos" that keep
# the big eyes. This is what the start of 8.10 said: colour and texture change first, shape is hard to change. Convincing
# results need tens of epochs on a GPU.
#
# ![After 1 full-mode epoch, top to bottom: real face x, G(x), F(G(x)), anime face y, F(y), G(F(y))](../../assets/cyclegan_celeba2anime_1epoch.jpg)

# %% [markdown] lang="zh"
# ## 8.11 学到了什么
#
# 1. 没有配对数据时，对抗损失只约束输出的**分布**；循环一致性损失 $\|F(G(x))-x\|_1+\|G(F(y))-y\|_1$ 要求翻译保留足以还原输入的信息，堵住“对什么输入都给出同一个输出”的路。
# 2. 完整目标：两个方向的最小二乘对抗损失 + $\lambda=10$ 的循环一致性损失 + $0.5\lambda$ 的恒等损失；两个生成器共用一个 Adam、两个判别器共用一个 Adam，后一半训练学习率线性降到 0。
# 3. 网络：带反射填充、实例归一化和残差块的 ResNet 生成器，PatchGAN 判别器；判别器从 50 张历史生成样本的池子里取假样本，少一些来回振荡。
# 4. 去掉循环损失（“GAN alone”）时，回程重建失败、输出与输入的关系变弱；逐像素准确率要和“空白地图”这样的简单基线一起看。
# 5. 局限：擅长颜色、纹理的转换，不擅长几何形状的大改动（真人脸 → 动漫脸就很吃力）；循环约束也可能被“作弊”满足，生成器把还原所需的信息以看不见的微弱信号藏在输出里。
#
# ## 练习
#
# 从易到难排列；有代码的练习，参考答案在 `solutions/08_cyclegan.py`。
#
# 1. **（基础）** 假设 $G$ 无视输入，对每张航拍图都输出同一张地图 $c$。不管 $F$ 怎么学，前向循环损失 $\mathbb{E}_x\|F(G(x))-x\|_1$ 至少是多少？在 maps 的航拍图上算出这个下界。
#
#    <details><summary>提示</summary>$F(G(x))=F(c)$ 对所有 $x$ 都是同一张图 $r$。逐像素地看，使 $\mathbb{E}|r-x|$ 最小的 $r$ 是什么？（第 7 课第 2 节的中位数。）</details>
#
# 2. **（基础）** 样本池装满之后，一张被返回的旧图平均有多“旧”（中间隔了多少张新图）？先推算，再用 `ImagePool` 模拟验证。
#
#    <details><summary>提示</summary>每来一张新图，池中某个固定位置被替换的概率是 $\tfrac12\times\tfrac1{50}$。一个每次以概率 $p$ 发生的事件，平均要等 $1/p$ 次。</details>
#
# 3. **（进阶）** 论文按轮次调整学习率：前 100 个轮次不变，后 100 个轮次线性降到 0。gankit 的 `LinearDecay` 按优化器步数画同一条折线。设每个轮次 25 步，两种做法的学习率最多差多少？
#
#    <details><summary>提示</summary>按轮次的版本是一条阶梯，按步数的版本是它连成的直线；在下降段，一个轮次里学习率降了 $\mathrm{lr}_0/100$。用 `float(schedule(step))` 取出每一步的值。</details>
#
# 4. **（开放）** 设计一个实验回答：恒等损失和样本池在 maps 上到底有没有用？可以把 `identity_weight` 设为 0、把 `pool_size` 设为 0，或者用 `data.load("maps_unpaired", disjoint=True)` 让 $X$ 和 $Y$ 来自完全不同的地点；有 GPU 时把 `EPOCHS` 改成 50，每 10 个轮次记一次 $\delta=16$ 的逐像素准确率，看它什么时候超过空白地图。
#
#    <details><summary>提示</summary>一次只改一个设置，其余保持不变，并多跑几个随机种子（第 6 课的教训）。恒等损失主要影响颜色：看 $F(y)$（地图 → 航拍图）的色调；样本池主要影响判别器损失曲线的振荡。这一题没有唯一答案。</details>

# %% [markdown] lang="en"
# ## 8.11 What you learned
#
# 1. Without paired data an adversarial loss constrains only the output's **distribution**; the cycle-consistency loss $\|F(G(x))-x\|_1+\|G(F(y))-y\|_1$ requires the translation to keep enough information to recover its input and closes the door to "the same output for every input".
# 2. The full objective: least-squares adversarial losses both ways + the cycle-consistency loss with $\lambda=10$ + the identity loss with $0.5\lambda$; one Adam for both generators and one for both discriminators, the learning rate falling linearly to 0 over the second half of training.
# 3. The networks: a ResNet generator with reflection padding, instance normalization and residual blocks, and PatchGAN discriminators that take their fakes from a pool of 50 past ones, which damps the back-and-forth.
# 4. Without the cycle loss ("GAN alone") the way back fails and the output depends less on the input; per-pixel accuracy has to be read next to a simple baseline such as the blank map.
# 5. Limits: good at colour and texture, poor at large changes of geometry (real faces → anime faces is hard); and the cycle constraint can be "cheated", the generator hiding what it needs for the way back in the output as a faint, invisible signal.
#
# ## Exercises
#
# From easy to open; solutions to the exercises with code are in `solutions/08_cyclegan.py`.
#
# 1. **(Easy)** Suppose $G$ ignores its input and outputs the same map $c$ for every aerial photo. However $F$ learns, how small can the forward cycle loss $\mathbb{E}_x\|F(G(x))-x\|_1$ be? Compute this lower bound on the maps' aerial photos.
#
#    <details><summary>Hint</summary>$F(G(x))=F(c)$ is one and the same picture $r$ for every $x$. Pixel by pixel, which $r$ minimises $\mathbb{E}|r-x|$? (The median of lesson 7, section 2.)</details>
#
# 2. **(Easy)** Once the pool is full, how "old" on average is an old picture it returns (how many new pictures came in since it was drawn)? Work it out first, then check it with a simulation of `ImagePool`.
#
#    <details><summary>Hint</summary>With every new picture, a given slot of the pool is replaced with probability $\tfrac12\times\tfrac1{50}$. An event that happens with probability $p$ each time takes $1/p$ tries on average.</details>
#
# 3. **(Intermediate)** The paper sets the learning rate per epoch: constant for 100 epochs, then falling linearly to 0 over the next 100. gankit's `LinearDecay` draws the same line per optimizer step. With 25 steps per epoch, how far apart can the two learning rates be?
#
#    <details><summary>Hint</summary>The per-epoch version is a staircase, the per-step version the line through it; on the falling part the rate drops by $\mathrm{lr}_0/100$ per epoch. Read a step's value with `float(schedule(step))`.</details>
#
# 4. **(Open)** Design an experiment that answers: do the identity loss and the image pool help on maps at all? You can set `identity_weight` to 0, set `pool_size` to 0, or use `data.load("maps_unpaired", disjoint=True)` so that $X$ and $Y$ come from entirely different places; on a GPU set `EPOCHS` to 50 and record the per-pixel accuracy at $\delta=16$ every 10 epochs to see when it beats the blank map.
#
#    <details><summary>Hint</summary>Change one setting at a time, keep the rest fixed, and run several random seeds (lesson 6's lesson). The identity loss mostly affects colour — look at the tint of $F(y)$ (map → aerial photo); the pool mostly affects how much the discriminator's loss curve oscillates. There is no single answer.</details>

# %%
L.summary()

# %% [markdown] lang="zh"
# ## 参考文献
#
# - Zhu, J.-Y., Park, T., Isola, P., Efros, A. A. (2017). *Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks*. ICCV 2017. [arXiv:1703.10593](https://arxiv.org/abs/1703.10593)
# - Isola, P., Zhu, J.-Y., Zhou, T., Efros, A. A. (2017). *Image-to-Image Translation with Conditional Adversarial Networks*. CVPR 2017. [arXiv:1611.07004](https://arxiv.org/abs/1611.07004)
# - Mao, X., Li, Q., Xie, H., Lau, R. Y. K., Wang, Z., Smolley, S. P. (2017). *Least Squares Generative Adversarial Networks*. ICCV 2017. [arXiv:1611.04076](https://arxiv.org/abs/1611.04076)
# - Shrivastava, A., Pfister, T., Tuzel, O., Susskind, J., Wang, W., Webb, R. (2017). *Learning from Simulated and Unsupervised Images through Adversarial Training*. CVPR 2017. [arXiv:1612.07828](https://arxiv.org/abs/1612.07828)
# - Ulyanov, D., Vedaldi, A., Lempitsky, V. (2016). *Instance Normalization: The Missing Ingredient for Fast Stylization*. [arXiv:1607.08022](https://arxiv.org/abs/1607.08022)
# - Liu, M.-Y., Breuel, T., Kautz, J. (2017). *Unsupervised Image-to-Image Translation Networks*（UNIT）. NeurIPS 2017. [arXiv:1703.00848](https://arxiv.org/abs/1703.00848)
# - Huang, X., Liu, M.-Y., Belongie, S., Kautz, J. (2018). *Multimodal Unsupervised Image-to-Image Translation*（MUNIT）. ECCV 2018. [arXiv:1804.04732](https://arxiv.org/abs/1804.04732)
# - Chu, C., Zhmoginov, A., Sandler, M. (2017). *CycleGAN, a Master of Steganography*（循环约束被“作弊”满足）. [arXiv:1712.02950](https://arxiv.org/abs/1712.02950)
#
# **延伸阅读**
#
# - 李宏毅《机器学习》课程的 GAN 系列讲座（其中一讲是“无监督的条件生成”与 CycleGAN）：[课程主页](https://speech.ee.ntu.edu.tw/~hylee/ml/2021-spring.php)
# - 作者的项目主页与 PyTorch 实现：[junyanz.github.io/CycleGAN](https://junyanz.github.io/CycleGAN/)

# %% [markdown] lang="en"
# ## References
#
# - Zhu, J.-Y., Park, T., Isola, P., Efros, A. A. (2017). *Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks*. ICCV 2017. [arXiv:1703.10593](https://arxiv.org/abs/1703.10593)
# - Isola, P., Zhu, J.-Y., Zhou, T., Efros, A. A. (2017). *Image-to-Image Translation with Conditional Adversarial Networks*. CVPR 2017. [arXiv:1611.07004](https://arxiv.org/abs/1611.07004)
# - Mao, X., Li, Q., Xie, H., Lau, R. Y. K., Wang, Z., Smolley, S. P. (2017). *Least Squares Generative Adversarial Networks*. ICCV 2017. [arXiv:1611.04076](https://arxiv.org/abs/1611.04076)
# - Shrivastava, A., Pfister, T., Tuzel, O., Susskind, J., Wang, W., Webb, R. (2017). *Learning from Simulated and Unsupervised Images through Adversarial Training*. CVPR 2017. [arXiv:1612.07828](https://arxiv.org/abs/1612.07828)
# - Ulyanov, D., Vedaldi, A., Lempitsky, V. (2016). *Instance Normalization: The Missing Ingredient for Fast Stylization*. [arXiv:1607.08022](https://arxiv.org/abs/1607.08022)
# - Liu, M.-Y., Breuel, T., Kautz, J. (2017). *Unsupervised Image-to-Image Translation Networks* (UNIT). NeurIPS 2017. [arXiv:1703.00848](https://arxiv.org/abs/1703.00848)
# - Huang, X., Liu, M.-Y., Belongie, S., Kautz, J. (2018). *Multimodal Unsupervised Image-to-Image Translation* (MUNIT). ECCV 2018. [arXiv:1804.04732](https://arxiv.org/abs/1804.04732)
# - Chu, C., Zhmoginov, A., Sandler, M. (2017). *CycleGAN, a Master of Steganography* (the cycle constraint "cheated"). [arXiv:1712.02950](https://arxiv.org/abs/1712.02950)
#
# **Further reading**
#
# - Hung-yi Lee's Machine Learning course, GAN lectures (one is on unsupervised conditional generation and CycleGAN): [course page](https://speech.ee.ntu.edu.tw/~hylee/ml/2021-spring.php)
# - The authors' project page and PyTorch code: [junyanz.github.io/CycleGAN](https://junyanz.github.io/CycleGAN/)

# %% [markdown] lang="zh"
# # 第 7 课 · Pix2Pix：成对图像翻译
#
# 一门基于李宏毅老师课程的 GAN 入门课（百度 AI Studio 上的飞桨课程）列举 GAN 的用途时提到：把黑白照片变成彩色、把航拍图变成地图、把白天变成黑夜，
# 甚至“根据物体的轮廓、边缘信息，来生成实体包包”。这些任务有一个共同的形式：输入是一张图，输出是另一张图，
# 两张图描绘的是同一个场景，只是“表达方式”不同。这就是**图像到图像的转换**（image-to-image translation，也叫图像翻译）。
# Pix2Pix（[Isola 等，2017](https://arxiv.org/abs/1611.07004)）给出了一个通用的做法：一个条件 GAN，条件就是输入图像本身。
#
# 本课内容：
#
# 1. **成对数据**：航拍图 ↔ 地图（maps）、由 Fashion-MNIST 现场生成的“边缘 → 服饰”（edges2fashion），
#    以及对一对图像**同时**做的随机抖动（缩放 + 随机裁剪 + 翻转）；
# 2. **只用 L1/L2 为什么会模糊**：用一条位置不确定的“道路”亲手算一遍——L2 给出灰色的平均，L1 干脆把路抹掉；
# 3. **U-Net 生成器**：编码器—解码器加上**跳跃连接**，画出它的结构；
# 4. **PatchGAN 判别器**：输出的不是一个分数，而是一张 $N\times N$ 的分数图，每一格只看输入上的一块；
#    用公式算出**感受野**（默认 70×70），再用梯度实测验证，并画在航拍图上；
# 5. **目标函数** $\mathcal{L}_{cGAN}+\lambda\,\mathcal{L}_{L1}$（$\lambda=100$）和训练步骤；
# 6. **对比实验**：同一份代码，只用 L1（`gan_weight=0`）与 L1+GAN 各训练一次，比较输入 | 输出 | 目标的网格、
#    清晰度（平均梯度幅值，相对于目标图）和峰值信噪比（PSNR）。
#
# 快速模式（`GANKIT_QUICK=1`）只用 2048 对 32×32 的边缘→服饰图、很窄的网络，一分钟左右跑完，用来检查代码；
# 完整模式在 maps 数据集的一个本地子集上训练（64×64，400 对训练图，100 对验证图），两种模型在 2 核 AVX-512 CPU 上（只有 AVX2 的 CPU 更慢）合计约 11 分钟。

# %% [markdown] lang="en"
# # Lesson 7 · Pix2Pix: paired image-to-image translation
#
# Listing what GANs are used for, a beginner GAN course built on Hung-yi Lee's lectures (a PaddlePaddle course on
# Baidu AI Studio) mentions turning black-and-white photos into colour ones, aerial
# photos into maps, day into night, and even "generating a real handbag from the outline and edges of an object".
# These tasks share one form: the input is a picture, the output is another picture, and both show the same scene
# in a different "language". This is **image-to-image translation**. Pix2Pix
# ([Isola et al., 2017](https://arxiv.org/abs/1611.07004)) gives one
# general recipe for all of them: a conditional GAN whose condition is the input image itself.
#
# In this lesson:
#
# 1. **Paired data**: aerial photo ↔ map (maps), "edges → garment" made on the fly from Fashion-MNIST
#    (edges2fashion), and random jitter (resize + random crop + flip) applied to both images of a pair **at once**;
# 2. **Why L1/L2 alone blur**: worked out by hand on a "road" whose position is uncertain — L2 gives a grey
#    average, L1 erases the road altogether;
# 3. **The U-Net generator**: an encoder–decoder with **skip connections**, with a drawing of its structure;
# 4. **The PatchGAN discriminator**: its output is not one score but an $N\times N$ map of scores, each cell looking
#    at one patch of the input; its **receptive field** computed by formula (70×70 by default), checked with
#    gradients, and drawn on an aerial photo;
# 5. **The objective** $\mathcal{L}_{cGAN}+\lambda\,\mathcal{L}_{L1}$ ($\lambda=100$) and the training step;
# 6. **The comparison**: the same code trained once with L1 only (`gan_weight=0`) and once with L1+GAN, compared by
#    input | output | target grids, sharpness (mean gradient magnitude, relative to the target's) and peak
#    signal-to-noise ratio (PSNR).
#
# Quick mode (`GANKIT_QUICK=1`) uses 2048 pairs of 32×32 edges→garments and very narrow networks and finishes in
# about a minute; it checks the code. Full mode trains on a local subset of the maps dataset (64×64, 400 training
# pairs, 100 validation pairs): both models together take about 11 minutes on a 2-core AVX-512 CPU (slower on CPUs with only AVX2).

# %%
import pathlib, sys
_root = next((p for p in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents] if (p / "gankit").is_dir()), None)
if _root and str(_root) not in sys.path:
    sys.path.insert(0, str(_root))
from gankit.lesson import Lesson
L = Lesson(7)
L.needs(L.dataset(L.pick(full="maps", quick="edges2fashion"), choices=("maps", "edges2fashion", "facades")))  # its datasets, checked before the first section

# %%
import time
import warnings

warnings.filterwarnings("ignore", message="Glyph")      # a missing CJK font only warns; figures still render
warnings.filterwarnings("ignore", message=".*shuffle=True.*")

import numpy as np
import keras
import tensorflow as tf
import matplotlib.pyplot as plt
from matplotlib import patches

from gankit import data, metrics, models, nets, viz
from gankit.losses import l1_loss
from gankit.metrics import mean_gradient_magnitude

tf.get_logger().setLevel("ERROR")
tt = L.label  # figure text: Chinese where a Chinese font exists, else English


def show_image(ax, image, title=None):
    """One image in [-1, 1] (grey or colour) on a matplotlib axis, without ticks."""
    image = data.to_uint8(image)
    ax.imshow(image[..., 0] if image.shape[-1] == 1 else image, cmap="gray", vmin=0, vmax=255)
    if title:
        ax.set_title(title, fontsize=9)
    ax.axis("off")


def show_columns(columns, name, rows=4, size=2.0):
    """Columns of images side by side (e.g. input | output | target), one example per row."""
    fig, axes = plt.subplots(rows, len(columns), figsize=(size * len(columns), size * rows), squeeze=False)
    for j, (title, images) in enumerate(columns):
        for i in range(rows):
            show_image(axes[i, j], images[i], title if i == 0 else None)
    fig.tight_layout()
    return L.show(fig, name)


def stack_pairs(ds):
    """All (input, target) pairs of an unbatched dataset as two numpy arrays."""
    xs, ys = zip(*[(a.numpy(), b.numpy()) for a, b in ds])
    return np.stack(xs), np.stack(ys)


print(f"Keras {keras.__version__} · TensorFlow {tf.__version__} · "
      + L.t("快速模式" if L.quick else "完整模式", "quick mode" if L.quick else "full mode"))

# %% [markdown] lang="zh"
# ## 1 · 成对数据
#
# Pix2Pix 是**有监督**的：训练集里每一张输入图 $x$ 都配有它的“标准答案” $y$，两张图逐像素对齐。
# pix2pix 作者整理的数据集都把一对图**左右拼成一张** JPG：maps 数据集每张 512×256，左边是卫星航拍图，右边是同一地点的
# Google 地图。作者发布的完整 maps 数据集有 1,096 对训练图和 1,098 对验证图；本课用的本地文件夹只是它的一个**子集**
# （400 对训练、100 对验证），好让 CPU 在几分钟内训练完。`gankit.data.load("maps")` 读入时把每张图切成两半，
# 默认方向 `"a2b"` 是航拍图 → 地图（`direction="b2a"` 反过来）。
#
# 第二个数据集小得多，是上面“根据边缘生成包包”的缩小版：`edges2fashion` 取 Fashion-MNIST 的衣服、鞋、包，
# 缩放到 32×32 作为目标 $y$，再用 Sobel 算子算出梯度幅值、按阈值二值化，得到白底黑线的**边缘图**作为输入 $x$。
# 边缘图是从目标**算**出来的，所以配对是现成的；反过来，从几条线猜出衣服的明暗和纹理，才是要学的事。
#
# 自己的数据：把每对图左右拼好放进一个文件夹（可以有 `train/`、`val/` 子文件夹），用
# `data.load("paired_folder:路径")` 读入即可。

# %% [markdown] lang="en"
# ## 1 · Paired data
#
# Pix2Pix is **supervised**: every input picture $x$ of the training set comes with its "answer" $y$, aligned pixel
# for pixel. The datasets the pix2pix authors published store each pair **side by side in one** JPG: each maps
# picture is 512×256, a satellite photo on the left and the Google map of the same place on the right. The full maps
# dataset the authors published has 1,096 training and 1,098 validation pairs; this lesson's local folder is only a
# **subset** of it (400 training pairs, 100 validation pairs), so that a CPU can train in minutes.
# `gankit.data.load("maps")` cuts each picture in half as it reads them; the default direction
# `"a2b"` is aerial photo → map (`direction="b2a"` goes the other way).
#
# The second dataset is much smaller, a miniature of the "edges → handbag" task above: `edges2fashion` takes
# Fashion-MNIST's clothes, shoes and bags, resized to 32×32, as the targets $y$, and computes their Sobel gradient
# magnitude, thresholded into black lines on white, as the **edge maps** $x$. The edge map is *computed* from the
# target, so the pairing comes for free; guessing a garment's shading and texture back from a few lines is what
# has to be learnt.
#
# Your own data: put each pair side by side in one picture, collect them in a folder (optionally with `train/` and
# `val/` sub-folders) and read it with `data.load("paired_folder:PATH")`.

# %%
try:
    maps_x, maps_y = stack_pairs(data.load("maps", split="val", batch_size=None, image_size=128, limit=4,
                                           shuffle=False, download=False))
except data.DatasetNotFoundError as err:
    maps_x = maps_y = None
    print(L.t("找不到 maps 数据集，跳过它的图：", "The maps dataset is not here; its pictures are skipped:"), err)
edge_x, edge_y = stack_pairs(data.load("edges2fashion", split="test", batch_size=None, image_size=32, limit=8,
                                       shuffle=False))
print("edges2fashion:", edge_x.shape, edge_y.shape, L.t("边缘图的取值：", "edge values:"), np.unique(edge_x))
assert edge_x.shape == edge_y.shape == (8, 32, 32, 1) and set(np.unique(edge_x)) <= {-1.0, 1.0}

fig, axes = plt.subplots(2, 8, figsize=(14, 3.8))
for j in range(4):
    if maps_x is not None:
        show_image(axes[0, 2 * j], maps_x[j], tt("航拍图 x", "aerial photo x"))
        show_image(axes[0, 2 * j + 1], maps_y[j], tt("地图 y", "map y"))
    else:
        axes[0, 2 * j].axis("off"), axes[0, 2 * j + 1].axis("off")
    show_image(axes[1, 2 * j], edge_x[j], tt("边缘 x", "edges x"))
    show_image(axes[1, 2 * j + 1], edge_y[j], tt("服饰 y", "garment y"))
fig.tight_layout()
L.show(fig, "pairs")

# %% [markdown] lang="zh"
# ### 随机抖动：同一次裁剪、同一次翻转
#
# 论文附录 6.2 的数据增强叫**随机抖动**（random jitter）：先把 256×256 的图放大到 286×286，再随机裁回 256×256，
# 并以 1/2 的概率左右翻转。在 gankit 里尺寸按比例换算（128 → 143，32 → 36）。
# 关键在于**输入和目标必须做完全相同的变换**，否则这对图就不再对齐，L1 损失会惩罚正确的输出。
# `data.random_jitter` 的做法是把两张图沿通道拼在一起，裁剪、翻转一次，再拆开。下面同一对图抖动 4 次，
# 上行是输入、下行是目标：每一列的两张图错开的位置一模一样。训练集（`split="train"`）默认开启抖动，验证集从不抖动。

# %% [markdown] lang="en"
# ### Random jitter: one crop, one flip for both
#
# The paper's data augmentation (appendix 6.2) is **random jitter**: enlarge the 256×256 picture to 286×286, crop a
# random 256×256 window back out, and mirror it left-right with probability 1/2. gankit scales the sizes in
# proportion (128 → 143, 32 → 36). What matters is that **input and target get exactly the same transformation**;
# otherwise the pair is no longer aligned and the L1 loss punishes the right output. `data.random_jitter` stacks
# the two images along the channels, crops and flips once, and splits them again. Below, one pair is jittered four
# times, inputs on top and targets below: within each column both pictures are shifted in exactly the same way.
# Training splits (`split="train"`) are jittered by default; validation pairs never are.

# %%
jit_x, jit_y = (maps_x[0], maps_y[0]) if maps_x is not None else (edge_x[0], edge_y[0])
size = jit_x.shape[0]
jittered = [data.random_jitter(jit_x, jit_y, size, seed=(s, 0)) for s in range(4)]
print(L.t(f"{size} 像素的图先放大到 {data.jitter_size(size)} 像素再裁剪", f"{size}-pixel images are enlarged to "
          f"{data.jitter_size(size)} pixels, then cropped"))
fig, axes = plt.subplots(2, 5, figsize=(11, 4.6))
show_image(axes[0, 0], jit_x, tt("原图", "original"))
show_image(axes[1, 0], jit_y)
for j, (a, b) in enumerate(jittered, start=1):
    show_image(axes[0, j], a.numpy(), tt(f"抖动 {j}", f"jitter {j}"))
    show_image(axes[1, j], b.numpy())
fig.tight_layout()
L.show(fig, "random_jitter")

# the same crop and flip for both: jittering a pair (x, x) must give two identical pictures
a, b = data.random_jitter(jit_x, jit_x, size, seed=(3, 1))
assert np.allclose(a.numpy(), b.numpy())

# %% [markdown] lang="zh"
# ## 2 · 只用 L1/L2 损失为什么会模糊
#
# 既然有标准答案，为什么不直接做回归，最小化 $\|y-G(x)\|$？第 3 课已经算过：用均方误差（L2）回归，
# 最优解是条件均值 $\mathbb{E}[y\mid x]$。L1 损失 $\mathbb{E}|y-G(x)|$ 的最优解则是逐像素的**条件中位数**
# （对常数 $c$ 求 $\mathbb{E}|y-c|$ 的导数，得 $P(y<c)-P(y>c)$，它在中位数处变号）。
#
# 只要输入不能唯一确定输出，这两个“折中答案”都不是任何一张真实的图。看一个一维的例子：航拍图上有一条 3 像素宽的小路，
# 但从照片上看不准它落在 10 个位置中的哪一个（树荫、分辨率……）。每一种位置都是一张合理的目标，
#
# - **L2 的答案**是平均：路的亮度被摊到 12 个像素上，成了一片灰色的污渍；
# - **L1 的答案**是中位数：每个像素“有路”的概率只有 30%，不到一半，于是中位数处处是背景——**路被整条抹掉了**。
#
# 这正是完整模式里只用 L1 训练的地图上细小街道消失、颜色发灰的原因。对抗损失换了一个问题来问：
# “这张图像不像一张真的地图？”真的地图上，路要么在这里要么在那里，但一定是一条清晰的路，
# 既不会是灰色的污渍，也不会凭空消失。Pix2Pix 论文的说法是：判别器是一个**学出来的损失函数**。

# %% [markdown] lang="en"
# ## 2 · Why L1/L2 losses alone blur
#
# With the answers at hand, why not simply regress, minimising $\|y-G(x)\|$? Lesson 3 worked it out: regression with
# the squared error (L2) has the conditional mean $\mathbb{E}[y\mid x]$ as its optimum. The L1 loss
# $\mathbb{E}|y-G(x)|$ is minimised by the per-pixel **conditional median** (the derivative of $\mathbb{E}|y-c|$ with
# respect to a constant $c$ is $P(y<c)-P(y>c)$, which changes sign at the median).
#
# Whenever the input does not pin the output down, neither compromise is any real picture. A one-dimensional
# example: the aerial photo shows a 3-pixel-wide lane, but one cannot tell which of 10 positions it sits at (tree
# shadows, resolution …). Every position is a plausible target, and
#
# - **L2's answer** is the average: the lane's brightness is spread over 12 pixels, a grey smear;
# - **L1's answer** is the median: each pixel holds the lane with probability 30% only, less than half, so the
#   median is background everywhere — **the lane is erased altogether**.
#
# This is why the maps trained with L1 alone in full mode lose their small streets and turn greyish. The
# adversarial loss asks a different question: "does this look like a real map?" On a real map a lane is here or
# there, but it is always a crisp lane, never a grey smear and never missing. In the Pix2Pix paper's words, the
# discriminator is a **learned loss function**.

# %%
rng = np.random.default_rng(0)
WIDTH, LANE = 40, 3
starts = rng.integers(14, 24, size=5000)                 # 10 equally likely positions
targets = -np.ones((len(starts), WIDTH), "float32")     # background -1, lane +1
for i, s in enumerate(starts):
    targets[i, s:s + LANE] = 1.0

l2_answer = targets.mean(axis=0)
l1_answer = np.median(targets, axis=0)
# check the medians by brute force: the constant c minimising the mean |y - c| at every pixel
candidates = np.linspace(-1, 1, 201)
l1_brute = candidates[np.abs(targets[:, :, None] - candidates).mean(axis=0).argmin(axis=1)]
assert np.allclose(l1_brute, l1_answer)
assert np.all(l1_answer == -1.0)                         # L1 erases the lane
assert l2_answer.max() < 0 and (l2_answer > -0.99).sum() >= 12   # L2 smears it, dimly, over 12 pixels
L.record(lane_l2_peak=l2_answer.max(), lane_l1_peak=l1_answer.max())

fig, ax = plt.subplots(figsize=(8, 3))
for i in range(4):
    ax.plot(targets[i], color="0.75", lw=1, label=tt("合理的目标", "plausible targets") if i == 0 else None)
ax.plot(l2_answer, color="tab:blue", lw=2.5, label=tt("L2 的最优解（平均）", "L2 optimum (mean)"))
ax.plot(l1_answer, color="tab:red", lw=2.5, ls="--", label=tt("L1 的最优解（中位数）", "L1 optimum (median)"))
ax.set_xlabel(tt("像素位置", "pixel position"))
ax.set_ylabel(tt("亮度", "brightness"))
ax.legend(loc="upper right", fontsize=8)
ax.set_title(tt("位置不确定的小路：回归给出的答案", "A lane of uncertain position: what regression answers"))
L.show(fig, "l1_l2_blur")

# %% [markdown] lang="zh"
# ## 3 · U-Net 生成器
#
# 图像翻译的输入和输出共享大量结构：地图上道路的位置就是航拍图上道路的位置。一个普通的编码器—解码器
# 把图逐层压缩到一个 1×1 的“瓶颈”再展开，所有细节都得挤过这个瓶颈。U-Net（Ronneberger 等，2015）
# 在编码器第 $i$ 层和解码器第 $n-i$ 层之间加上**跳跃连接**：把编码器的特征图直接拼接（concatenate）到同样分辨率的解码器特征上，
# 低层的边缘、位置信息就能绕过瓶颈。
#
# Pix2Pix 附录 6.1.1 的结构（256×256 输入）：
#
# - 编码器 `C64-C128-C256-C512-C512-C512-C512-C512`：4×4 卷积、步长 2、LeakyReLU(0.2)，第一层不做批归一化；
# - 解码器 `CD512-CD512-CD512-C512-C256-C128-C64`：4×4 转置卷积、步长 2、ReLU，前三层带 50% 的 Dropout，最后一层 tanh。
#   每层的输出再拼接上同分辨率的编码器特征，所以论文按拼接后的通道数把 U-Net 的解码器写成 `CD512-CD1024-CD1024-C1024-C1024-C512-C256-C128`。
#
# Pix2Pix 的生成器**没有噪声输入 $z$**：作者发现网络会直接忽略噪声，唯一的随机性来自 Dropout（论文在测试时也保留 Dropout）。
# `nets.unet_generator` 按图像边长自动决定层数，让瓶颈正好是 1×1（256 → 8 层，128 → 7 层，32 → 5 层），
# 通道数为 `filters × 2^i`，最多 `8 × filters`。下面画出本课所用的 U-Net。

# %% [markdown] lang="en"
# ## 3 · The U-Net generator
#
# Input and output of an image translation share a lot of structure: the roads on the map are exactly where the
# roads are in the aerial photo. A plain encoder–decoder squeezes the picture layer by layer into a 1×1
# "bottleneck" and expands it again, so every detail must pass through that bottleneck. The U-Net (Ronneberger et
# al., 2015) adds **skip connections** between encoder layer $i$ and decoder layer $n-i$: the encoder's feature map is
# concatenated onto the decoder's features of the same resolution, and low-level edges and positions bypass the
# bottleneck.
#
# The architecture of Pix2Pix's appendix 6.1.1 (256×256 input):
#
# - encoder `C64-C128-C256-C512-C512-C512-C512-C512`: 4×4 convolutions, stride 2, LeakyReLU(0.2), no batch
#   normalization on the first layer;
# - decoder `CD512-CD512-CD512-C512-C256-C128-C64`: 4×4 transposed convolutions, stride 2, ReLU, 50% dropout in the
#   first three, tanh at the end. Each output is concatenated with the encoder features of the same resolution, which
#   is why the paper, counting channels after concatenation, writes the U-Net decoder as
#   `CD512-CD1024-CD1024-C1024-C1024-C512-C256-C128`.
#
# Pix2Pix's generator has **no noise input $z$**: the authors found the network simply learnt to ignore it; its only
# randomness is dropout (kept on at test time in the paper). `nets.unet_generator` picks the depth from the image
# side so that the bottleneck is exactly 1×1 (256 → 8 levels, 128 → 7, 32 → 5), with `filters × 2^i` channels, at
# most `8 × filters`. Below, the U-Net this lesson trains is drawn.

# %%
DATASET = L.dataset(L.pick(full="maps", quick="edges2fashion"), choices=("maps", "edges2fashion", "facades"))
SIZE = {"maps": L.pick(full=64, quick=32), "facades": L.pick(full=64, quick=32), "edges2fashion": 32}[DATASET]
CHANNELS = 1 if DATASET == "edges2fashion" else 3
FILTERS = L.pick(full=16 if DATASET != "edges2fashion" else 32, quick=8)
print(L.t(f"数据集 {DATASET}，{SIZE}×{SIZE}×{CHANNELS}，filters={FILTERS}",
          f"dataset {DATASET}, {SIZE}×{SIZE}×{CHANNELS}, filters={FILTERS}"))

unet = nets.unet_generator((SIZE, SIZE, CHANNELS), CHANNELS, filters=FILTERS)
depth = nets.unet_depth(SIZE)
encoder = [tuple(unet.get_layer(f"down{i + 1}").output.shape[1:]) for i in range(depth)]
decoder = [tuple(unet.get_layer(f"skip{j + 1}").output.shape[1:]) for j in range(depth - 1)]
for i, shape in enumerate(encoder):
    print(f"  down{i + 1}: {shape}")
for j, shape in enumerate(decoder):
    print(f"  up{j + 1} + " + L.t("跳跃连接", "skip") + f": {shape}")
print(L.t(f"U-Net 参数量：{unet.count_params():,}", f"U-Net parameters: {unet.count_params():,}"),
      "·", L.t("论文的 256×256、filters=64 版本：", "the paper's 256×256, filters=64 version:"),
      f"{nets.unet_generator((256, 256, 3)).count_params():,}")
assert encoder[-1][:2] == (1, 1)                                   # the bottleneck is 1 x 1
assert unet.output_shape == (None, SIZE, SIZE, CHANNELS)

fig, ax = plt.subplots(figsize=(10, 0.55 * depth + 1.5))
for i, shape in enumerate(encoder):
    y = -i
    ax.add_patch(patches.Rectangle((0, y - 0.35), 2.6, 0.7, fc="#cfe2f3", ec="k"))
    ax.text(1.3, y, f"{shape[0]}×{shape[1]}×{shape[2]}", ha="center", va="center", fontsize=8)
    if i < depth - 1:
        ax.annotate("", (1.3, y - 0.65), (1.3, y - 0.35), arrowprops=dict(arrowstyle="->"))
        dshape = decoder[depth - 2 - i]
        ax.add_patch(patches.Rectangle((6.4, y - 0.35), 2.6, 0.7, fc="#f9cb9c", ec="k"))
        ax.text(7.7, y, f"{dshape[0]}×{dshape[1]}×{dshape[2]}", ha="center", va="center", fontsize=8)
        ax.annotate("", (6.4, y), (2.6, y), arrowprops=dict(arrowstyle="->", color="tab:green", ls="--"))
        ax.text(4.5, y + 0.1, tt("跳跃连接（拼接）", "skip (concatenate)"), ha="center", fontsize=7, color="tab:green")
        if i < depth - 2:                               # up-sampling from the decoder level below
            ax.annotate("", (7.7, y - 0.35), (7.7, y - 0.65), arrowprops=dict(arrowstyle="->"))
        else:                                           # the lowest decoder level up-samples the bottleneck
            ax.annotate("", (7.7, y - 0.35), (2.6, y - 1), arrowprops=dict(arrowstyle="->"))
ax.text(1.3, 0.7, tt("编码器（步长 2 卷积）", "encoder (stride-2 convs)"), ha="center", fontsize=9)
ax.text(7.7, 0.7, tt("解码器（转置卷积，拼接之后）", "decoder (transposed convs, after concat)"), ha="center",
        fontsize=9)
ax.text(9.3, 0, f"→ {SIZE}×{SIZE}×{CHANNELS} (tanh)", va="center", fontsize=8)
ax.set_xlim(-0.3, 11.5)
ax.set_ylim(-depth + 0.3, 1.1)
ax.axis("off")
ax.set_title(tt("本课的 U-Net（每层输出的形状）", "This lesson's U-Net (output shape of each level)"), fontsize=10)
L.show(fig, "unet")

# %% [markdown] lang="zh"
# ## 4 · PatchGAN 判别器与感受野
#
# L1 损失已经能把图的**低频**部分（大块的颜色、大致的位置）学好，它管不了的是高频的细节与锐利程度。
# 所以 Pix2Pix 的判别器只需要关注**局部**：它是一个全卷积网络，输出一张 $N\times N$ 的分数图，每一格判断输入上的一块
# 是真是假，最后对所有格子取平均。这就是 **PatchGAN**。它参数少、跑得快，可以用于任意尺寸的图。
#
# 条件 GAN 的判别器要看**一对**图：把输入 $x$ 和（真实或生成的）输出沿通道拼接后再送进网络，
# 判断的是“$y$ 是不是 $x$ 的真实答案”，而不只是“$y$ 像不像一张地图”。
#
# 每一格“看到”输入上多大的一块？这就是它的**感受野**。从一个输出像素往回推，每经过一层核大小为 $k_l$ 的卷积，
# 视野就扩大 $(k_l-1)$ 乘以它下面所有层步长之积：
#
# $$r = 1+\sum_{l}(k_l-1)\prod_{m<l}s_m .$$
#
# 默认结构 `C64-C128-C256-C512` 加一层输出卷积，核都是 4，步长依次为 2, 2, 2, 1, 1：
# $r = 1+3\,(1+2+4+8+8) = 70$，正是论文的 70×70 PatchGAN。层数少一些得到 16×16、34×34 的块，
# 多两层（286×286）就覆盖了整张 256×256 的图，论文称之为 ImageGAN。下面先用公式算，再用梯度实测：
# 对输出中间的一格求它对输入的梯度，不为零的区域就是它的感受野。

# %% [markdown] lang="en"
# ## 4 · The PatchGAN discriminator and its receptive field
#
# The L1 loss already gets the **low frequencies** of the picture right (large areas of colour, rough positions);
# what it cannot handle is high-frequency detail and sharpness. So Pix2Pix's discriminator only needs to look
# **locally**: it is a fully convolutional network whose output is an $N\times N$ map of scores, each cell judging
# whether one patch of the input is real or fake, and the cells are averaged. This is the **PatchGAN**. It has few
# parameters, runs fast and works on pictures of any size.
#
# A conditional GAN's discriminator looks at a **pair**: the input $x$ and the (real or generated) output are
# concatenated along the channels before entering the network, so it judges "is $y$ the real answer to $x$", not
# merely "does $y$ look like a map".
#
# How large a patch of the input does each cell "see"? That is its **receptive field**. Going back from one output
# pixel, each convolution with kernel size $k_l$ widens the view by $(k_l-1)$ times the product of the strides of
# all layers below it:
#
# $$r = 1+\sum_{l}(k_l-1)\prod_{m<l}s_m .$$
#
# The default `C64-C128-C256-C512` plus an output convolution has kernels of 4 and strides 2, 2, 2, 1, 1:
# $r = 1+3\,(1+2+4+8+8) = 70$, exactly the paper's 70×70 PatchGAN. Fewer layers give 16×16 or 34×34 patches; two
# more (286×286) cover a whole 256×256 picture, the paper's ImageGAN. Below, the formula first, then a measurement
# with gradients: the gradient of one cell in the middle of the output with respect to the input is non-zero exactly
# on its receptive field.

# %%
def measured_field(n_layers, side=256):
    """Width of the input region that moves the centre cell of a PatchGAN's output."""
    probe = nets.patchgan_discriminator((side, side, 1), filters=4, n_layers=n_layers, norm=None)
    x = tf.Variable(tf.random.normal((1, side, side, 1), seed=0))
    with tf.GradientTape() as tape:
        out = probe(x)
        centre = out[0, out.shape[1] // 2, out.shape[2] // 2, 0]
    grad = np.abs(tape.gradient(centre, x).numpy()[0, :, :, 0])
    rows, cols = np.nonzero(grad.sum(axis=1))[0], np.nonzero(grad.sum(axis=0))[0]
    return rows.max() - rows.min() + 1, (rows.min(), cols.min()), out.shape[1]


print(L.t("n_layers | 公式算出的感受野 | 梯度实测 | 256×256 输入的输出格数",
          "n_layers | receptive field by formula | measured | output cells for a 256×256 input"))
fields = {}
for n in range(1, 5):                                   # n = 5 (286) would not fit inside a 256x256 probe
    formula = nets.patchgan_receptive_field(n)
    measured, corner, cells = measured_field(n)
    fields[n] = (formula, corner, cells)
    print(f"   {n}     |  {formula:4d}  |  {measured:4d}  |  {cells}×{cells}")
    assert measured == formula
print(f"   5     |  {nets.patchgan_receptive_field(5):4d}  |   --   |  8×8   (ImageGAN)")
assert nets.patchgan_receptive_field(3) == 70
L.record(patchgan_receptive_field=nets.patchgan_receptive_field(3))

# %%
try:
    big_x, _ = stack_pairs(data.load("maps", split="val", batch_size=None, image_size=256, limit=1, shuffle=False,
                                     download=False))
    photo = big_x[0]
except data.DatasetNotFoundError:
    photo = np.repeat(tf.image.resize(edge_y[:1], (256, 256)).numpy()[0], 3, axis=-1)
rf, (top, left), cells = fields[3]
stride = 256 // cells                                   # input pixels between neighbouring output cells
fig, axes = plt.subplots(1, 2, figsize=(10, 5))
show_image(axes[0], photo, tt("输入上的 70×70 感受野", "70×70 receptive fields on the input"))
for k, colour in enumerate(("yellow", "cyan")):        # the centre cell and the cell 4 steps to its right
    axes[0].add_patch(patches.Rectangle((left + 4 * k * stride - 0.5, top - 0.5), rf, rf, fill=False, ec=colour,
                                        lw=2))
for c in range(cells + 1):                              # where the output cells sit (every `stride` pixels)
    axes[0].axhline(c * stride - 0.5, color="white", lw=0.3, alpha=0.5)
    axes[0].axvline(c * stride - 0.5, color="white", lw=0.3, alpha=0.5)
d70 = nets.patchgan_discriminator((256, 256, 3), condition_shape=(256, 256, 3), filters=8)
logit_map = d70([photo[None], photo[None]]).numpy()[0, :, :, 0]
axes[1].imshow(logit_map, cmap="coolwarm")
axes[1].add_patch(patches.Rectangle((cells // 2 - 0.5, cells // 2 - 0.5), 1, 1, fill=False, ec="yellow", lw=2))
axes[1].add_patch(patches.Rectangle((cells // 2 + 3.5, cells // 2 - 0.5), 1, 1, fill=False, ec="cyan", lw=2))
axes[1].set_title(tt(f"输出：{cells}×{cells} 的分数图（未训练）", f"output: a {cells}×{cells} map of logits (untrained)"),
                  fontsize=9)
axes[1].axis("off")
fig.tight_layout()
L.show(fig, "patchgan_receptive_field")
print(L.t(f"相邻两格在输入上相隔 {stride} 像素，所以每个 70×70 的块和邻居大幅重叠。",
          f"Neighbouring cells are {stride} input pixels apart, so every 70×70 patch overlaps its neighbours a lot."))

# %% [markdown] lang="zh"
# 在本课的小图上，默认的 3 层 PatchGAN 感受野（70）已经比 32×32 或 64×64 的整张图还大，
# 它的每一格其实看到了整张图（包括补零的边框）；只有在论文的 256×256 上，每一格才只看约四分之一的宽度。
# 可以自己换用 `models.Pix2Pix(..., n_layers=1)`（16×16 的块）看看效果：论文发现 1×1 的 PixelGAN 只改善颜色，
# 16×16 开始出现锐利但有伪影的细节，70×70 最好。
#
# ## 5 · 目标函数与训练步骤
#
# 条件 GAN 的目标（Isola 等, 2017, 式 (1)），判别器 $D$ 看一对图：
#
# $$\mathcal{L}_{cGAN}(G,D)=\mathbb{E}_{x,y}\big[\log D(x,y)\big]+\mathbb{E}_{x}\big[\log\big(1-D(x,G(x))\big)\big],$$
#
# 加上让输出贴近答案的 L1 项（式 (3)），两者相加（式 (4)）：
#
# $$\mathcal{L}_{L1}(G)=\mathbb{E}_{x,y}\big[\|y-G(x)\|_1\big],\qquad
#   G^*=\arg\min_G\max_D\ \mathcal{L}_{cGAN}(G,D)+\lambda\,\mathcal{L}_{L1}(G),\quad \lambda=100 .$$
#
# 具体到 `models.Pix2Pix.train_step`：
#
# 1. 判别器：真实的一对 $(x,y)$ 判为 1，生成的一对 $(x,G(x))$ 判为 0，用交叉熵；按论文 3.3 节把判别器的损失**除以 2**，
#    让它比生成器学得慢一些；PatchGAN 的每一格都是一个独立的判断，损失对所有格取平均；
# 2. 生成器：非饱和形式 $-\log D(x,G(x))$（第 1 课）乘以 `gan_weight`，加上 $\lambda$ 乘以 L1；
# 3. 两个网络都用 Adam，学习率 $2\times10^{-4}$，$\beta_1=0.5$。
# 4. 更新顺序：每步只跑一次生成器。作者的代码先用 $(x,y)$ 和 $(x,G(x))$ 更新判别器，再让**更新后的**判别器给 $G(x)$ 打分、
#    更新生成器（`update="alternating"`），每步要多跑一遍判别器。TensorFlow 的 pix2pix 教程让两个网络共用同一次判别器前向、
#    同时更新（`update="simultaneous"`），生成器看到的是判别器**更新前**的打分。在 maps 上给两种顺序同样的训练时间，
#    验证集 L1、PSNR 和清晰度的差别都不比换一个随机种子大：这个任务上两种顺序同样好，而同时更新每步少一遍判别器、更省时。
#    所以 `models.Pix2Pix` 默认 `update="simultaneous"`；想完全照作者的代码做，传 `update="alternating"`。
#
# 归一化：论文用批归一化，但批大小为 1，而且测试时也用**当前这批图的统计量**——批里只有一张图时，这恰好就是
# **实例归一化**（每张图、每个通道单独归一化）。`models.Pix2Pix` 因此默认 `norm="instance"`：批大小可以大于 1，
# 每张图的输出也不受同批其他图的影响。若改用 `norm="batch"`，测试时用的是滑动平均，而对抗训练中的生成器
# 统计量漂得很快，预测时的输出可能与训练时明显不同（不妨用 `norm="batch"` 训练一次，比较 `training=False` 与 `training=True` 时的 PSNR）。
#
# `gan_weight=0` 时生成器只受 L1 驱动，这就是对照组“只用 L1”——同一份代码，只差一个数字。
# 判别器照样训练，但它的意见不再传给生成器；它的损失能告诉我们模糊的输出有多容易被识破。

# %% [markdown] lang="en"
# On this lesson's small pictures the default 3-layer PatchGAN's field (70) is already larger than a whole 32×32 or
# 64×64 picture, so each cell actually sees the whole picture (zero-padded borders included); only on the paper's
# 256×256 pictures does each cell see about a quarter of the width. Try `models.Pix2Pix(..., n_layers=1)` (16×16
# patches) yourself: the paper found that a 1×1 PixelGAN only improves colour, 16×16 gives sharp details with
# artefacts, and 70×70 works best.
#
# ## 5 · The objective and the training step
#
# The conditional GAN objective (Isola et al., 2017, Eq. 1), with a discriminator $D$ that looks at a pair:
#
# $$\mathcal{L}_{cGAN}(G,D)=\mathbb{E}_{x,y}\big[\log D(x,y)\big]+\mathbb{E}_{x}\big[\log\big(1-D(x,G(x))\big)\big],$$
#
# plus an L1 term that keeps the output close to the answer (Eq. 3), added together (Eq. 4):
#
# $$\mathcal{L}_{L1}(G)=\mathbb{E}_{x,y}\big[\|y-G(x)\|_1\big],\qquad
#   G^*=\arg\min_G\max_D\ \mathcal{L}_{cGAN}(G,D)+\lambda\,\mathcal{L}_{L1}(G),\quad \lambda=100 .$$
#
# In `models.Pix2Pix.train_step` this becomes:
#
# 1. discriminator: the real pair $(x,y)$ is labelled 1, the generated pair $(x,G(x))$ 0, with cross-entropy; as in
#    the paper's section 3.3 the discriminator's loss is **halved**, so it learns more slowly than the generator;
#    every PatchGAN cell is a separate judgement, and the loss is averaged over all cells;
# 2. generator: the non-saturating form $-\log D(x,G(x))$ (lesson 1) times `gan_weight`, plus $\lambda$ times L1;
# 3. both networks use Adam with learning rate $2\times10^{-4}$ and $\beta_1=0.5$.
# 4. update order: the generator runs once per step. The authors' code updates the discriminator on $(x,y)$ and
#    $(x,G(x))$ first and then lets the **updated** discriminator score $G(x)$ for the generator's update
#    (`update="alternating"`), one more discriminator pass per step. The TensorFlow tutorial updates both networks from
#    one shared discriminator pass (`update="simultaneous"`): the generator sees the discriminator's scores **before**
#    its update. Given the same training time on maps, the two orders differ in validation L1, PSNR and sharpness by
#    no more than another random seed does: on this task they are equally good, and the simultaneous update saves a
#    discriminator pass per step. So `models.Pix2Pix` uses `update="simultaneous"`; pass `update="alternating"` to
#    follow the authors' code exactly.
#
# Normalization: the paper uses batch normalization, but with batch size 1 and with **the current batch's
# statistics at test time too** — with one picture per batch that is exactly **instance normalization** (each
# picture and channel normalized on its own). So `models.Pix2Pix` defaults to `norm="instance"`: batches may hold
# more than one picture, and no picture's output depends on the others in its batch. With `norm="batch"` the test
# uses moving averages, and an adversarially trained generator's statistics drift fast, so outputs at prediction
# time can differ clearly from those during training (try training once with `norm="batch"` and compare the PSNR
# with `training=False` and with `training=True`).
#
# With `gan_weight=0` the generator is driven by L1 alone: that is the "L1 only" baseline — the same code, one
# number apart. The discriminator still trains, but its opinion no longer reaches the generator; its loss tells us
# how easily the blurry outputs are caught.

# %%
# the L1 term by hand equals the library's
y_demo, g_demo = edge_y[:2], np.clip(edge_y[:2] + 0.1, -1, 1)
assert np.isclose(float(l1_loss(y_demo, g_demo)), np.abs(y_demo - g_demo).mean(), atol=1e-6)

# the patch-averaged discriminator loss by hand, on a toy 2x2 map of logits
real_logits, fake_logits = np.array([[2.0, -1.0], [0.5, 3.0]]), np.array([[-2.0, 0.0], [1.0, -4.0]])
sigmoid = lambda v: 1 / (1 + np.exp(-v))                                  # noqa: E731
by_hand = -0.5 * (np.log(sigmoid(real_logits)).mean() + np.log(1 - sigmoid(fake_logits)).mean())
from gankit import losses
assert np.isclose(0.5 * float(losses.minimax_d_loss(real_logits, fake_logits)), by_hand, atol=1e-6)
print(L.t("损失函数与手算一致。", "The losses match the hand computation."), L.t(f"d_loss（玩具例子）= {by_hand:.4f}", f"d_loss(toy) = {by_hand:.4f}"))

# %% [markdown] lang="zh"
# ## 6 · 对比实验：只用 L1 vs L1 + GAN
#
# 两个模型的网络、数据、随机种子、训练轮数完全相同，只有 `gan_weight` 不同（0 和 1）。
# 完整模式在 maps 上训练：64×64，`filters=16`（论文是 256×256、`filters=64`，参数多 30 倍），批大小 4，每个模型 30 轮。
# 实际用时会打印在下方，并记录在 `summary.json` 中；
# 有 GPU 时可以把 `SIZE` 改成 256、`FILTERS` 改成 64，训练 200 轮，即论文的设置。
# 快速模式只用 2048 对边缘→服饰图训练 1 轮，输出只是一团模糊，用来检查代码。
#
# 用 `python -m gankit.lesson 7 --dataset edges2fashion` 可以在完整模式下改用边缘→服饰；有网络时
# `--dataset facades` 会先下载 CMP facades（建筑标注图 → 照片）。

# %% [markdown] lang="en"
# ## 6 · The comparison: L1 only vs L1 + GAN
#
# Both models have the same networks, data, random seeds and number of epochs; only `gan_weight` differs (0 and 1).
# Full mode trains on maps: 64×64, `filters=16` (the paper uses 256×256 and `filters=64`, 30 times the
# parameters), batch size 4, 30 epochs per model; the minutes it took are printed below and recorded in
# `summary.json`. On a GPU, set `SIZE` to 256
# and `FILTERS` to 64 and train 200 epochs, the paper's setting. Quick mode trains 1 epoch on 2048 pairs of
# edges→garments; its outputs are blurry blobs, and it only checks the code.
#
# `python -m gankit.lesson 7 --dataset edges2fashion` switches full mode to edges→garments; with a network
# connection, `--dataset facades` first downloads CMP facades (architectural label map → photo).

# %%
EPOCHS = L.epochs(full={"maps": 30, "facades": 30, "edges2fashion": 3}[DATASET], quick=1)
BATCH = L.pick(full=4 if DATASET != "edges2fashion" else 16, quick=16)
LIMIT = L.pick(full=None if DATASET != "edges2fashion" else 12000, quick=2048 if DATASET == "edges2fashion" else 32)
N_EVAL = L.pick(full=100, quick=64 if DATASET == "edges2fashion" else 16)
EVAL_SPLIT = "test" if DATASET == "edges2fashion" else "val"
options = dict(image_size=SIZE, channels=CHANNELS) if DATASET != "edges2fashion" else dict(image_size=SIZE)

eval_x, eval_y = stack_pairs(data.load(DATASET, split=EVAL_SPLIT, batch_size=None, limit=N_EVAL, shuffle=False,
                                       **options))
print(L.t(f"训练：{DATASET}（前 {LIMIT or '全部'} 对），评估：{len(eval_x)} 对 {EVAL_SPLIT} 图",
          f"training: {DATASET} ({LIMIT or 'all'} pairs), evaluation: {len(eval_x)} {EVAL_SPLIT} pairs"))


def train_pix2pix(gan_weight, name):
    keras.utils.set_random_seed(0)
    train_ds = data.load(DATASET, split="train", batch_size=BATCH, limit=LIMIT, seed=0, **options)
    model = models.Pix2Pix(image_shape=(SIZE, SIZE, CHANNELS), filters=FILTERS, gan_weight=gan_weight, seed=0)
    model.compile()
    start = time.time()
    history = model.fit(train_ds, epochs=EPOCHS, callbacks=L.callbacks(name), verbose=0)
    minutes = (time.time() - start) / 60
    print(L.t(f"{name}：{EPOCHS} 轮，{minutes:.1f} 分钟", f"{name}: {EPOCHS} epochs, {minutes:.1f} minutes"))
    return model, history, minutes


trained = {}
for name, gan_weight in (("l1_only", 0.0), ("l1_gan", 1.0)):
    trained[name] = train_pix2pix(gan_weight, name)
    logs = trained[name][1].history
    assert all(np.isfinite(logs[key][-1]) for key in models.Pix2Pix.loss_names)
    L.record_history(name, trained[name][1])

# %% [markdown] lang="zh"
# ### 结果：网格与数字
#
# 每一行是一张验证图：输入 | 只用 L1 | L1 + GAN | 目标。再用两个数字衡量（都在 `N_EVAL` 对验证图上取平均）：
#
# - **清晰度比**：输出的平均梯度幅值（相邻像素差的大小，`mean_gradient_magnitude`）除以目标图的平均梯度幅值。
#   模糊的图梯度小，比值低于 1；和目标一样锐利时接近 1。
# - **PSNR**（峰值信噪比）$=10\log_{10}(1/\mathrm{MSE})$（像素缩放到 [0, 1]）：衡量逐像素的接近程度。
#   它奖励“平均”的答案，所以只用 L1 的模型 PSNR 往往**更高**；GAN 的代价是 PSNR 低一点，换来锐利、像真的图。
#
# 预测时默认 `training=False`：Dropout 关闭（实例归一化在训练和预测时算法相同）。论文在测试时**保留** Dropout，把它当作
# 唯一的噪声来源；`translate(x, training=True)` 就是论文的做法。本课用默认的关闭：同一张输入永远得到同一张输出，
# 两个模型的指标才能在同一组确定的翻译结果上比较（论文自己也承认，这点 Dropout 噪声几乎不改变输出，见练习 3）。

# %% [markdown] lang="en"
# ### Results: grids and numbers
#
# Each row is one validation pair: input | L1 only | L1 + GAN | target. Two numbers measure them (averaged over the
# `N_EVAL` validation pairs):
#
# - **sharpness ratio**: the output's mean gradient magnitude (the size of differences between neighbouring
#   pixels, `mean_gradient_magnitude`) divided by the target's. Blurry pictures have small gradients and a ratio
#   below 1; as sharp as the target gives about 1.
# - **PSNR** (peak signal-to-noise ratio) $=10\log_{10}(1/\mathrm{MSE})$ (pixels scaled to [0, 1]): how close the
#   output is pixel by pixel. It rewards "average" answers, so the L1-only model often has the **higher** PSNR; the
#   GAN pays a little PSNR for sharp, real-looking pictures.
#
# Translation uses `training=False` by default: dropout is off (instance normalization works the same way in training
# and at prediction). The paper **keeps** dropout at test time as its only source of noise; `translate(x,
# training=True)` does exactly that. This lesson uses the default: the same input always gives the same output, so
# the two models' numbers are measured on one deterministic set of translations (the paper itself notes that this
# noise barely changes the output; see exercise 3).

# %%
target_sharpness = mean_gradient_magnitude(eval_y).mean()
outputs, table = {}, {}
for name, (model, history, minutes) in trained.items():
    out = model.translate(eval_x, batch_size=32)
    outputs[name] = out
    table[name] = {"psnr": metrics.psnr(out, eval_y), "ssim": metrics.ssim(out, eval_y),
                   "l1": float(np.abs(out - eval_y).mean()),
                   "sharpness_ratio": float(mean_gradient_magnitude(out).mean() / target_sharpness),
                   "d_loss": float(history.history["d_loss"][-1]), "minutes": minutes}
    assert out.shape == eval_y.shape and np.isfinite(out).all()
    L.record_metrics("Pix2Pix (L1 + GAN)" if name == "l1_gan" else "Pix2Pix (L1 only)", DATASET,
                     minutes=round(minutes, 2), psnr=round(table[name]["psnr"], 2), ssim=round(table[name]["ssim"], 3),
                     sharpness_ratio=round(table[name]["sharpness_ratio"], 3))

print(f"{'':10s} {'PSNR (dB)':>10s} {'SSIM':>6s} {'L1':>6s} {L.t('清晰度比', 'sharpness'):>10s} {'d_loss':>7s} "
      f"{L.t('分钟', 'minutes'):>8s}")
for name, row in table.items():
    print(f"{name:10s} {row['psnr']:10.2f} {row['ssim']:6.3f} {row['l1']:6.3f} {row['sharpness_ratio']:10.3f} "
          f"{row['d_loss']:7.3f} {row['minutes']:8.1f}")
print(L.t(f"目标图的平均梯度幅值：{target_sharpness:.4f}", f"target's mean gradient magnitude: {target_sharpness:.4f}"))
L.record(target_sharpness=target_sharpness, eval_pairs=len(eval_x), image_size=SIZE, filters=FILTERS,
         epochs=EPOCHS, dataset=DATASET)

show_columns([(tt("输入", "input"), eval_x), (tt("只用 L1", "L1 only"), outputs["l1_only"]),
              (tt("L1 + GAN", "L1 + GAN"), outputs["l1_gan"]), (tt("目标", "target"), eval_y)],
             "input_output_target", rows=min(4, len(eval_x)), size=2.4)

# %%
# zoom into the centre of one example: blur is easiest to see up close
k = 1 if len(eval_x) > 1 else 0
lo, hi = SIZE // 4, 3 * SIZE // 4
fig, axes = plt.subplots(1, 3, figsize=(10, 3.6))
for ax, (title, image) in zip(axes, [(tt("只用 L1（放大）", "L1 only (zoom)"), outputs["l1_only"][k]),
                                     (tt("L1 + GAN（放大）", "L1 + GAN (zoom)"), outputs["l1_gan"][k]),
                                     (tt("目标（放大）", "target (zoom)"), eval_y[k])]):
    show_image(ax, image[lo:hi, lo:hi], title)
    ax.images[0].set_interpolation("nearest")
fig.tight_layout()
L.show(fig, "zoom")

fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
names = list(table)
axes[0].bar(names, [table[n]["sharpness_ratio"] for n in names], color=["tab:blue", "tab:red"])
axes[0].axhline(1.0, color="k", ls="--", lw=1)
axes[0].set_title(tt("清晰度比（目标 = 1）", "sharpness ratio (target = 1)"), fontsize=10)
axes[1].bar(names, [table[n]["psnr"] for n in names], color=["tab:blue", "tab:red"])
axes[1].set_title("PSNR (dB)", fontsize=10)
fig.tight_layout()
L.show(fig, "sharpness_psnr")

# %% [markdown] lang="zh"
# 完整模式（maps，64×64，`filters=16`，每个模型 30 轮）的数字记录在本课运行文件夹的
# `summary.json` 里（`eval.Pix2Pix (L1 + GAN).maps.*` 和 `eval.Pix2Pix (L1 only).maps.*`），也列在项目 README 的结果表中。
# 预期的规律是：L1 + GAN 的清晰度比明显更接近 1（街道和边缘更锐利），PSNR 则比只用 L1 低——
# 这正是第 2 节的道理：逐像素的误差奖励“平均”，对抗损失奖励“像真的”。
#
# ### 翻译单张图与自己的图
#
# `translate` 接受任意数量的图，也接受单张 `(H, W, C)` 的图（返回单张图）；uint8 的图会自动缩放到 $[-1,1]$。
# 训练好的模型可以 `model.save("pix2pix.keras")` 保存，用 `keras.models.load_model` 读回。

# %% [markdown] lang="en"
# A full-mode run (maps, 64×64, `filters=16`, 30 epochs per model) records its numbers in the run folder's
# `summary.json` (`eval.Pix2Pix (L1 + GAN).maps.*` and `eval.Pix2Pix (L1 only).maps.*`)
# and in the results table of the project README. The pattern to expect: L1 + GAN has a sharpness ratio clearly
# closer to 1 (crisper streets and edges), while its PSNR is lower than L1 only's — exactly section 2's point:
# per-pixel error rewards the average, the adversarial loss rewards looking real.
#
# ### Translating one picture, and your own pictures
#
# `translate` takes any number of pictures, or one `(H, W, C)` picture (and returns one); uint8 pictures are
# rescaled to $[-1,1]$ automatically. A trained model is saved with `model.save("pix2pix.keras")` and read back with
# `keras.models.load_model`.

# %%
pix2pix = trained["l1_gan"][0]
single = pix2pix.translate(eval_x[0])
assert single.shape == eval_y[0].shape
assert np.allclose(single, outputs["l1_gan"][0], atol=1e-4)
as_bytes = data.to_uint8(eval_x[:3])
assert pix2pix.translate(as_bytes).shape == (3,) + eval_y.shape[1:]

path = L.path("pix2pix.keras")
pix2pix.save(path)
reloaded = keras.models.load_model(path)
assert np.allclose(reloaded.translate(eval_x[:2]), pix2pix.translate(eval_x[:2]), atol=1e-4)
print(L.t(f"模型已保存到 {path}，读回后输出一致。", f"Model saved to {path}; the reloaded model gives the same outputs."))

# Your own pairs (side-by-side pictures, input on the left) would be read like this:
#   mine = data.load("paired_folder:/path/to/pairs", image_size=SIZE, batch_size=4)
# and the CMP facades set (label map -> photo) is downloaded once when online:
try:
    data.load("facades", batch_size=1, image_size=SIZE, download=not data.offline() and not L.quick)
    print(L.t("facades 数据集已就绪。", "The facades dataset is ready."))
except data.DatasetNotFoundError as err:
    print(L.t("facades 需要联网下载一次：", "facades needs one download from the internet:"), str(err)[:300], "…")

# %% [markdown] lang="zh"
# ## 学到了什么
#
# 1. 图像翻译是以输入图为条件的条件 GAN；只用 L1/L2 时，输入不能唯一确定输出的地方会得到中位数/平均数——细节被抹掉或抹糊，判别器则是一个专门惩罚“不像真的”的**学出来的损失**。
# 2. 目标函数 $G^*=\arg\min_G\max_D\ \mathcal{L}_{cGAN}(G,D)+\lambda\,\mathcal{L}_{L1}(G)$，$\lambda=100$；判别器看的是**一对**图 $(x,y)$，随机抖动必须对这对图做同一次裁剪和翻转。
# 3. **U-Net** 是编码器—解码器加跳跃连接，低层细节绕过瓶颈；没有噪声 $z$，随机性只来自 Dropout。
# 4. **PatchGAN** 全卷积、输出 $N\times N$ 的分数图，感受野 $r=1+\sum_l(k_l-1)\prod_{m<l}s_m$（默认 70×70）：L1 管低频，PatchGAN 管局部的高频细节。
# 5. 评价要把 PSNR（奖励平均的答案）和清晰度（梯度幅值，揭示模糊）放在一起看：L1 + GAN 更锐利，PSNR 却往往更低。
#
# ## 练习
#
# 从易到难排列；有代码的练习，参考答案在 `solutions/07_pix2pix.py`。
#
# 1. **（基础）** 把第 2 节的小路改成只有两个可能的位置：70% 的概率在位置 A，30% 在位置 B。L1 和 L2 的最优解各是什么样子？L1 还会把路抹掉吗？
#
#    <details><summary>提示</summary>逐像素地看：L2 的最优解是平均数，L1 的是中位数。在位置 A 的像素上，目标有 70% 是 $+1$、30% 是 $-1$；中位数是多少？平均数呢？</details>
#
# 2. **（基础）** 随机抖动时，如果对输入和目标**分别**调用一次 `data.random_jitter`（各用各的随机种子），会怎样？用同一张图当输入和目标，算一算一个“完美”的输出会被 L1 损失罚多少。
#
#    <details><summary>提示</summary>`data.random_jitter(a, b, size, seed=(s, 0))` 对 `a`、`b` 做同一次变换；换一个 `seed` 就是另一次裁剪和翻转。输出等于目标本身时，L1 本该是 0。</details>
#
# 3. **（进阶）** 论文在测试时保留 Dropout，把它当作唯一的噪声来源。训练一个小 Pix2Pix，用 `translate(x, training=True)` 对同一张图翻译 8 次，每个像素的标准差有多大？`training=False` 时呢？
#
#    <details><summary>提示</summary>Dropout 只在 U-Net 解码器的前几层。把 8 次输出叠成一个数组，沿第 0 维求标准差再取平均；论文也承认这点噪声几乎不改变输出，这正是 Pix2Pix 的输出缺少多样性的原因。</details>
#
# 4. **（开放）** 把 `l1_weight` 改成 10 和 1000，再用 `direction="b2a"` 训练“地图 → 航拍图”。$\lambda$ 太小、太大各会出现什么？反方向上输入还能确定输出吗？只用 L1 的结果是什么样子？
#
#    <details><summary>提示</summary>$\lambda$ 太小时，生成器只追求“像真的”，可能画出与输入不对应的街道；太大时又回到只用 L1 的模糊。地图上的一块绿色可以对应很多种树冠的样子，想想第 2 节的平均和中位数。这一题没有唯一答案，用清晰度比和 PSNR 一起说明你的观察。</details>

# %% [markdown] lang="en"
# ## What you learned
#
# 1. Image translation is a conditional GAN conditioned on the input picture; with L1/L2 alone, wherever the input does not pin the output down we get the median/mean — details erased or smeared — while the discriminator is a **learned loss** that punishes "does not look real".
# 2. The objective is $G^*=\arg\min_G\max_D\ \mathcal{L}_{cGAN}(G,D)+\lambda\,\mathcal{L}_{L1}(G)$, $\lambda=100$; the discriminator looks at a **pair** $(x,y)$, and random jitter must apply one crop and one flip to both pictures of the pair.
# 3. **U-Net** is an encoder–decoder with skip connections, so low-level detail bypasses the bottleneck; there is no noise $z$, the only randomness is dropout.
# 4. **PatchGAN** is fully convolutional and outputs an $N\times N$ map of scores with receptive field $r=1+\sum_l(k_l-1)\prod_{m<l}s_m$ (70×70 by default): L1 handles the low frequencies, PatchGAN local high-frequency detail.
# 5. Read PSNR (which rewards average answers) together with sharpness (gradient magnitude, which reveals blur): L1 + GAN is sharper, yet often has the lower PSNR.
#
# ## Exercises
#
# From easy to open; solutions to the exercises with code are in `solutions/07_pix2pix.py`.
#
# 1. **(Easy)** Give section 2's lane only two possible positions: A with probability 70%, B with 30%. What do the L1 and L2 optima look like? Does L1 still erase the lane?
#
#    <details><summary>Hint</summary>Think pixel by pixel: the L2 optimum is the mean, the L1 optimum the median. On a pixel of position A the target is $+1$ 70% of the time and $-1$ 30% of the time: what is the median? The mean?</details>
#
# 2. **(Easy)** What happens if random jitter calls `data.random_jitter` **separately** for the input and the target (each with its own seed)? Use one picture as both input and target and compute how much L1 loss a "perfect" output would be charged.
#
#    <details><summary>Hint</summary>`data.random_jitter(a, b, size, seed=(s, 0))` gives `a` and `b` the same transformation; another `seed` is another crop and flip. An output equal to the target should cost an L1 loss of 0.</details>
#
# 3. **(Intermediate)** The paper keeps dropout on at test time as its only source of noise. Train a small Pix2Pix and translate one picture 8 times with `translate(x, training=True)`: how large is each pixel's standard deviation? And with `training=False`?
#
#    <details><summary>Hint</summary>Dropout sits only in the first decoder levels of the U-Net. Stack the 8 outputs, take the standard deviation along axis 0 and average it; the paper itself notes that this noise barely changes the output, which is why Pix2Pix's outputs lack diversity.</details>
#
# 4. **(Open)** Set `l1_weight` to 10 and to 1000, then train "map → aerial photo" with `direction="b2a"`. What goes wrong when $\lambda$ is too small, and when it is too large? Does the input pin the output down in the reverse direction? What does L1 alone produce?
#
#    <details><summary>Hint</summary>With a small $\lambda$ the generator only chases "looks real" and may draw streets that do not match the input; with a large one we are back to L1's blur. A green patch on a map fits many kinds of tree canopy: think of section 2's mean and median. There is no single answer; support what you see with both the sharpness ratio and PSNR.</details>

# %%
L.summary()

# %% [markdown] lang="zh"
# ## 参考文献
#
# - Isola, P., Zhu, J.-Y., Zhou, T., Efros, A. A. (2017). *Image-to-Image Translation with Conditional Adversarial Networks*. CVPR 2017. [arXiv:1611.07004](https://arxiv.org/abs/1611.07004)
# - Mirza, M., Osindero, S. (2014). *Conditional Generative Adversarial Nets*. [arXiv:1411.1784](https://arxiv.org/abs/1411.1784)
# - Ronneberger, O., Fischer, P., Brox, T. (2015). *U-Net: Convolutional Networks for Biomedical Image Segmentation*. MICCAI 2015. [arXiv:1505.04597](https://arxiv.org/abs/1505.04597)
# - Ulyanov, D., Vedaldi, A., Lempitsky, V. (2016). *Instance Normalization: The Missing Ingredient for Fast Stylization*. [arXiv:1607.08022](https://arxiv.org/abs/1607.08022)
# - Ioffe, S., Szegedy, C. (2015). *Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift*. ICML 2015. [arXiv:1502.03167](https://arxiv.org/abs/1502.03167)
#
# **延伸阅读**
#
# - TensorFlow 官方教程 *pix2pix: Image-to-image translation with a conditional GAN*：[tensorflow.org/tutorials/generative/pix2pix](https://www.tensorflow.org/tutorials/generative/pix2pix)
# - 作者的项目主页（含 maps、facades 等数据集和大量例子）：[phillipi.github.io/pix2pix](https://phillipi.github.io/pix2pix/)

# %% [markdown] lang="en"
# ## References
#
# - Isola, P., Zhu, J.-Y., Zhou, T., Efros, A. A. (2017). *Image-to-Image Translation with Conditional Adversarial Networks*. CVPR 2017. [arXiv:1611.07004](https://arxiv.org/abs/1611.07004)
# - Mirza, M., Osindero, S. (2014). *Conditional Generative Adversarial Nets*. [arXiv:1411.1784](https://arxiv.org/abs/1411.1784)
# - Ronneberger, O., Fischer, P., Brox, T. (2015). *U-Net: Convolutional Networks for Biomedical Image Segmentation*. MICCAI 2015. [arXiv:1505.04597](https://arxiv.org/abs/1505.04597)
# - Ulyanov, D., Vedaldi, A., Lempitsky, V. (2016). *Instance Normalization: The Missing Ingredient for Fast Stylization*. [arXiv:1607.08022](https://arxiv.org/abs/1607.08022)
# - Ioffe, S., Szegedy, C. (2015). *Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift*. ICML 2015. [arXiv:1502.03167](https://arxiv.org/abs/1502.03167)
#
# **Further reading**
#
# - The TensorFlow tutorial *pix2pix: Image-to-image translation with a conditional GAN*: [tensorflow.org/tutorials/generative/pix2pix](https://www.tensorflow.org/tutorials/generative/pix2pix)
# - The authors' project page (with the maps, facades and other datasets and many examples): [phillipi.github.io/pix2pix](https://phillipi.github.io/pix2pix/)

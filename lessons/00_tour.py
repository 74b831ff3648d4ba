# %% [markdown] lang="zh"
# # 第 0 课 · 课程导览与预备知识
#
# 欢迎来到 gankit 生成对抗网络（GAN）课程。这一课不训练 GAN，而是为后面十课做准备：
#
# 1. **检查环境**：Keras、TensorFlow、计算设备和数据集是否就绪；
# 2. **GAN 能做什么**：从文字生成图像到超分辨率，再用一个小实验看清“为什么均方误差会让预测变模糊，而 GAN 不会”；
# 3. **发展简史**：2014 年至今的代表性模型，画成一张时间线；
# 4. **课程地图**：11 课的内容、先后关系和运行方式；
# 5. **预备知识**：神经元、激活函数、反向传播、优化器、卷积和池化，每一项都配一段可以运行、带自检（`assert`）的 Keras 3 小程序。
#
# 如果你已经熟悉深度学习，可以只跑一遍代码确认环境，然后直接进入第 1 课。本课在快速模式下半分钟内即可跑完。

# %% [markdown] lang="en"
# # Lesson 0 · Course tour and prerequisites
#
# Welcome to gankit, a course on generative adversarial networks (GANs). This lesson trains no GAN; it prepares
# the ten lessons that follow:
#
# 1. **Environment check**: are Keras, TensorFlow, your devices and the datasets ready?
# 2. **What GANs do**: from text-to-image to super-resolution, plus a small experiment that shows why a
#    mean-squared-error prediction turns blurry while a GAN stays sharp;
# 3. **A short history**: the landmark models from 2014 on, drawn as a timeline;
# 4. **The course map**: the 11 lessons, how they build on each other and how to run them;
# 5. **Prerequisites**: a neuron, activation functions, back-propagation, optimizers, convolution and pooling,
#    each with a small runnable Keras 3 program that checks itself with `assert`.
#
# If deep learning is familiar to you, run the code once to check your setup and go straight to lesson 1.
# In quick mode this lesson finishes in under half a minute.

# %%
import pathlib, sys
_root = next((p for p in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents] if (p / "gankit").is_dir()), None)
if _root and str(_root) not in sys.path:
    sys.path.insert(0, str(_root))
from gankit.lesson import Lesson
L = Lesson(0)

# %% [markdown] lang="zh"
# ## 0.1 环境检查
#
# 下面的代码打印 Keras 的版本和后端（gankit 使用 TensorFlow 后端）、TensorFlow 的版本和能看到的计算设备，
# 再用 `gankit.data.locate(name)` 查找各个数据集在本机的位置。`locate` 只在本地查找、从不联网；
# 返回 `None` 表示没有找到，这时会打印获取方法，但不会报错——只有用到该数据集的课程才需要它。
#
# 数据集的查找顺序：环境变量 `GANKIT_DATA` 指向的文件夹（例如 `export GANKIT_DATA=/path/to/data`，
# 其下放 `mnist/`、`anime-faces/`、`celeba/` 等子文件夹）→ 仓库里的 `data/` → Keras 的缓存 `~/.keras/datasets` →
# Debian/Ubuntu 的 `/usr/share/datasets`。没有 GPU 也没关系：所有课程在 CPU 上都能以快速模式跑通。

# %% [markdown] lang="en"
# ## 0.1 Environment check
#
# The code below prints the Keras version and backend (gankit uses the TensorFlow backend), the TensorFlow
# version and the devices TensorFlow can see, then asks `gankit.data.locate(name)` where each dataset is on this
# machine. `locate` only looks locally and never downloads; `None` means "not found", in which case the cell
# prints how to get it instead of failing — only the lessons that use a dataset need it.
#
# Where datasets are looked for, in order: the folder named by the environment variable `GANKIT_DATA` (e.g.
# `export GANKIT_DATA=/path/to/data`, holding sub-folders `mnist/`, `anime-faces/`, `celeba/` …) → the repository's
# `data/` → Keras' cache `~/.keras/datasets` → Debian/Ubuntu's `/usr/share/datasets`. No GPU? No problem: every
# lesson runs on a CPU in quick mode.

# %%
import numpy as np
import keras
import tensorflow as tf
import matplotlib.pyplot as plt

from gankit import data as gdata
from gankit.lesson import CATALOGUE, available

# Figure text: Chinese where a Chinese font is installed (L.label), otherwise English.
tr = L.label


backend = keras.backend.backend()
print(f"Keras {keras.__version__} · " + L.t(f"后端：{backend}", f"backend: {backend}") + f" · TensorFlow {tf.__version__}")
print(L.t("运行模式：", "Mode: ") + (L.t("快速模式", "quick") if L.quick else L.t("完整模式", "full")))
devices = tf.config.list_physical_devices()
gpus = tf.config.list_physical_devices("GPU")
print(L.t("设备：", "Devices:"))
for device in devices:
    print(f"  {device.device_type:<4} {device.name}")
if not gpus:
    print(L.t("  （没有 GPU：快速模式足够；完整模式在 CPU 上也能跑，只是更慢）",
              "  (no GPU: quick mode is fine; full mode also runs on a CPU, only slower)"))

HOW_TO_GET = {
    "mnist": L.t("把 4 个 IDX .gz 文件（train/t10k 的 images 与 labels）放进 $GANKIT_DATA/mnist/，"
                 "或联网运行一次，让 Keras 自动下载到 ~/.keras/datasets/。",
                 "put the four IDX .gz files (train/t10k images and labels) in $GANKIT_DATA/mnist/, "
                 "or run once with internet so Keras downloads it into ~/.keras/datasets/."),
    "fashion_mnist": L.t("在 Debian/Ubuntu 上 sudo apt-get install dataset-fashion-mnist，"
                         "或把 IDX 文件放进 $GANKIT_DATA/fashion-mnist/，或联网让 Keras 下载。",
                         "on Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist; or put the IDX files in "
                         "$GANKIT_DATA/fashion-mnist/; or let Keras download it once online."),
    "anime_faces": L.t("下载一份动漫头像图片集（如 Kaggle 上的 anime faces），解压到 $GANKIT_DATA/anime-faces/。",
                       "download a set of anime-face pictures (e.g. 'anime faces' on Kaggle) into "
                       "$GANKIT_DATA/anime-faces/."),
    "celeba": L.t("下载 CelebA 的对齐人脸 img_align_celeba（JPG），放进 $GANKIT_DATA/celeba/。",
                  "download CelebA's aligned faces (img_align_celeba, JPG) into $GANKIT_DATA/celeba/."),
}
print(L.t("数据集：", "Datasets:"))
found = {}
for name in HOW_TO_GET:
    found[name] = gdata.locate(name)
    print(f"  {name:<14} {found[name] or L.t('未找到', 'not found')}")
    if found[name] is None:
        print("      → " + HOW_TO_GET[name])

assert backend == "tensorflow", ("gankit's models are written for the TensorFlow backend: "
                                 "unset KERAS_BACKEND or set KERAS_BACKEND=tensorflow, then restart.")
L.record(keras=keras.__version__, tensorflow=tf.__version__, backend=backend, gpus=len(gpus),
         datasets_found=sum(where is not None for where in found.values()))

# %% [markdown] lang="zh"
# ## 0.2 GAN 能做什么
#
# 生成对抗网络由两个网络组成：**生成器**（generator）把随机噪声（隐向量）变成样本，**判别器**（discriminator）
# 判断样本是真实的还是生成的。二者在**对抗训练**中互相促进，最终生成器能产生以假乱真的数据。第 1 课会详细推导；
# 这里先看看它的用武之地：
#
# | 任务 | 例子 | 代表模型 | 本课程 |
# |---|---|---|---|
# | 文字生成图像 | “一只红色翅膀的小鸟” → 图片 | GAN-INT-CLS（2016）、StackGAN | 第 10 课 |
# | 图像到图像的转换（成对） | 轮廓线 → 包、航拍图 → 地图、白天 → 黑夜、黑白 → 彩色 | pix2pix | 第 7 课 |
# | 图像到图像的转换（非成对） | 照片 ↔ 油画、马 ↔ 斑马、照片 → 动漫 | CycleGAN、U-GAT-IT | 第 8 课 |
# | 一个生成器服务多个域 | 同一张脸 → 喜、怒、惧等表情，或换发色、性别 | StarGAN | 延伸阅读（第 8 课的 CycleGAN 是它的基础） |
# | 超分辨率 | 低分辨率 → 纹理清晰的高分辨率 | SRGAN、ESRGAN | 第 9 课 |
# | 人脸表情 / 动作迁移 | 让一张照片跟着驱动视频做表情 | First Order Motion | — |
# | 唇形同步 | 让视频中人物的口型对上任意一段语音 | Wav2Lip | — |
# | 视频帧预测 | 预测接下来几帧画面 | 对抗损失 + 预测网络 | 见下方实验 |
# | 数据增强 | 为稀缺的类别合成额外的训练样本（如医学影像） | DAGAN 等 | 第 3、4 课（按类生成） |
#
# 这些应用有一个共同点：**答案不唯一**。同一张轮廓图可以对应许多只包，同一张低分辨率图像可以对应许多种细节，
# 视频的下一帧也有多种可能。GAN 学的是“所有合理答案的分布”，每次给出其中一个清晰的答案。
#
# > **误区**：网上有文章说 GAN 由 Ian Goodfellow 和 Yann LeCun 等三位科学家提出。实际上论文
# > *Generative Adversarial Nets*（2014）的作者是 Goodfellow、Pouget-Abadie、Mirza、Xu、Warde-Farley、Ozair、
# > Courville 和 Bengio 八人，来自蒙特利尔大学；LeCun 不是作者，他只是称赞 GAN 是“过去十年机器学习中最有趣的想法”。
# > 同一篇文章还把 Augmentor 和 AdaIN 列为“基于 GAN 的数据增强模型”：Augmentor 是一个做旋转、扭曲等传统变换的
# > 图像增强库，不含生成器；AdaIN（自适应实例归一化）出自风格迁移，后来被 StyleGAN 借用，本身也不是数据增强方法。

# %% [markdown] lang="en"
# ## 0.2 What GANs do
#
# A generative adversarial network has two networks: a **generator** turns random noise (a latent vector) into a
# sample, a **discriminator** judges whether a sample is real or generated. They improve each other through
# **adversarial training** until the generator's output passes for real data. Lesson 1 derives it all; first,
# where it is used:
#
# | Task | Example | Representative models | In this course |
# |---|---|---|---|
# | Text → image | "a small bird with red wings" → picture | GAN-INT-CLS (2016), StackGAN | lesson 10 |
# | Image → image (paired) | edges → bag, aerial photo → map, day → night, black-and-white → colour | pix2pix | lesson 7 |
# | Image → image (unpaired) | photo ↔ painting, horse ↔ zebra, photo → cartoon | CycleGAN, U-GAT-IT | lesson 8 |
# | One generator, many domains | one face → happy, angry, fearful …, or another hair colour or gender | StarGAN | further reading (builds on lesson 8's CycleGAN) |
# | Super-resolution | low resolution → high resolution with sharp texture | SRGAN, ESRGAN | lesson 9 |
# | Face motion transfer | a photo follows the expressions of a driving video | First Order Motion | — |
# | Lip sync | the mouth in a video matches any speech track | Wav2Lip | — |
# | Video-frame prediction | predict the next frames of a clip | adversarial loss + predictor | the experiment below |
# | Data augmentation | synthesise extra training examples for rare classes (e.g. medical images) | DAGAN and others | lessons 3, 4 (class-conditional generation) |
#
# These applications share one feature: **the answer is not unique**. One edge map fits many bags, one
# low-resolution picture fits many sets of details, a video can go on in several ways. A GAN learns the
# distribution of all plausible answers and returns one sharp answer at a time.
#
# > **Myth**: some articles say GANs were proposed by three scientists including Ian Goodfellow and Yann LeCun.
# > The 2014 paper *Generative Adversarial Nets* has eight authors from the Université de Montréal — Goodfellow,
# > Pouget-Abadie, Mirza, Xu, Warde-Farley, Ozair, Courville and Bengio; LeCun is not one of them, he praised
# > GANs as "the most interesting idea in the last ten years in machine learning". The same articles list
# > Augmentor and AdaIN as "GAN-based data augmentation models": Augmentor is an image-augmentation library of
# > classical transforms (rotations, distortions …) with no generator, and AdaIN (adaptive instance
# > normalization) comes from style transfer, later borrowed by StyleGAN; it is no augmentation method either.

# %% [markdown] lang="zh"
# ### 实验：均方误差为什么让预测变模糊
#
# 设想预测视频的下一帧：一个小方块在画面里，下一帧它会**等可能地**向上、下、左、右之一移动 3 个像素。
# 用均方误差（MSE）训练一个预测网络 $f$，它最小化
#
# $$\mathbb{E}\big[\lVert y - f(x)\rVert^2\big],$$
#
# 而这个期望的最小值点恰好是**条件均值** $f^*(x) = \mathbb{E}[y \mid x]$。四种未来取平均，就是四个亮度只有 $1/4$
# 的“鬼影”——一帧模糊的、现实中永远不会出现的画面。更深的网络、更多的数据都改变不了这一点，因为模糊正是 MSE 的最优解。
# 每个鬼影像素的方差是 $\tfrac14\cdot\tfrac34$，共 16 个这样的像素，所以在 $12\times12$ 的画面上 MSE 最低只能降到
# $16\cdot\tfrac{3}{16}/144 = 1/48 \approx 0.0208$。
#
# 生成器则不同：判别器见过的真实下一帧里，方块总是完整、明亮的，鬼影一眼就会被识破。所以对抗训练逼着生成器
# **挑一种可能的未来**，画得清清楚楚。视频预测、超分辨率、pix2pix 选择对抗损失，都是出于这个原因。

# %% [markdown] lang="en"
# ### Experiment: why mean squared error blurs a prediction
#
# Picture predicting the next frame of a video: a small square sits in the frame and in the next frame it moves
# 3 pixels up, down, left or right, **each equally likely**. Train a predictor $f$ with mean squared error (MSE);
# it minimises
#
# $$\mathbb{E}\big[\lVert y - f(x)\rVert^2\big],$$
#
# whose minimiser is exactly the **conditional mean** $f^*(x) = \mathbb{E}[y \mid x]$. The average of four futures
# is four "ghosts" at a quarter of the brightness — a blurry frame that never happens in reality. A deeper network
# or more data cannot change that: the blur *is* the optimum of MSE. Each ghost pixel has variance
# $\tfrac14\cdot\tfrac34$ and there are 16 of them, so on a $12\times12$ frame the MSE cannot drop below
# $16\cdot\tfrac{3}{16}/144 = 1/48 \approx 0.0208$.
#
# A generator is different: in the real next frames the discriminator sees, the square is always whole and
# bright, so a ghost is spotted at once. Adversarial training pushes the generator to **pick one possible future**
# and draw it sharply. That is why video prediction, super-resolution and pix2pix use an adversarial loss.

# %%
keras.utils.set_random_seed(0)
SIZE, MOVE = 12, 3
MOVES = [(-MOVE, 0), (MOVE, 0), (0, -MOVE), (0, MOVE)]  # up, down, left, right: equally likely


def frame(row, col):
    """A SIZE x SIZE frame with a bright 2x2 square whose top-left corner is (row, col)."""
    picture = np.zeros((SIZE, SIZE), "float32")
    picture[row:row + 2, col:col + 2] = 1.0
    return picture


# every start position, each followed by each of its four futures exactly once
starts = [(r, c) for r in range(3, 8) for c in range(3, 8)]
x_now = np.stack([frame(r, c) for r, c in starts for _ in MOVES]).reshape(-1, SIZE * SIZE)
y_next = np.stack([frame(r + dr, c + dc) for r, c in starts for dr, dc in MOVES]).reshape(-1, SIZE * SIZE)

predictor = keras.Sequential([keras.Input((SIZE * SIZE,)),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(SIZE * SIZE)])
mse = keras.losses.MeanSquaredError()
optimizer = keras.optimizers.Adam(3e-3)


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = mse(y, predictor(x))
    grads = tape.gradient(loss, predictor.trainable_weights)
    optimizer.apply_gradients(zip(grads, predictor.trainable_weights))
    return loss


for step in range(L.pick(full=1000, quick=300)):
    loss = float(train_step(x_now, y_next))

now = frame(5, 5)
guess = predictor(now.reshape(1, -1)).numpy().reshape(SIZE, SIZE)
average_future = np.mean([frame(5 + dr, 5 + dc) for dr, dc in MOVES], axis=0)
print(L.t(f"MSE 训练结束时的损失 {loss:.4f}（理论下限 1/48 = {1 / 48:.4f}）",
          f"final MSE {loss:.4f} (the floor is 1/48 = {1 / 48:.4f})"))
print(L.t(f"预测画面的最大亮度 {guess.max():.2f}：方块被摊成了四个鬼影",
          f"brightest predicted pixel {guess.max():.2f}: the square is smeared into four ghosts"))
assert abs(loss - 1 / 48) < 2e-3, "MSE should settle at its floor: the conditional mean"
assert np.abs(guess - average_future).max() < 0.1 and guess.max() < 0.4

panels = [(now, tr("当前帧", "current frame")),
          (guess, tr("MSE 预测（模糊）", "MSE prediction (blurry)")),
          (frame(5 - MOVE, 5), tr("一种真实未来", "one real future")),
          (frame(5, 5 + MOVE), tr("另一种真实未来", "another real future"))]
fig, axes = plt.subplots(1, 4, figsize=(10, 2.8))
for ax, (picture, title) in zip(axes, panels):
    ax.imshow(picture, cmap="gray", vmin=0, vmax=1)
    ax.set_title(title, fontsize=10)
    ax.set_xticks([]), ax.set_yticks([])
L.show(fig, "mse_blur")
L.record(mse_floor_gap=abs(loss - 1 / 48), mse_peak=guess.max())

# %% [markdown] lang="zh"
# ## 0.3 发展简史
#
# 下面的时间线按论文首次出现在 arXiv 上的时间排列，括号里是正式发表的会议。两者常常相差几个月到一年，
# 这就是为什么不同资料给出的年份不一样：比如 pix2pix 在 2016 年 11 月挂上 arXiv，2017 年发表于 CVPR；
# PGGAN 是 2017 年 10 月的 arXiv 论文、ICLR 2018 的会议论文；StyleGAN2 则是 2019 年 12 月的 arXiv、CVPR 2020。
# GAN 本身的 arXiv 编号是 1406.2661，即 2014 年 6 月，同年 12 月发表于 NIPS。
#
# 大致可以分成几条线索：
#
# - **让生成受控**：CGAN 加条件，ACGAN 让判别器兼做分类，InfoGAN 无监督地学出可解释的隐编码；
# - **让训练稳定**：DCGAN 的网络设计原则，ImprovedGAN 的一系列技巧，LSGAN、WGAN、WGAN-GP 换掉损失函数，
#   SNGAN 用谱归一化约束判别器，PacGAN 对付模式崩溃；
# - **图像翻译与复原**：pix2pix（成对数据）、CycleGAN（非成对数据）、StarGAN（多个域），SRGAN、ESRGAN（超分辨率）；
# - **更大、更清晰**：PGGAN 渐进式增长到 1024×1024，BigGAN 把规模推上 ImageNet，StyleGAN/StyleGAN2 用风格控制生成。
#
# 图中每一行末尾的 “→ 第 N 课” 标出本课程在哪一课讲它；本课程不展开的（如 StarGAN）标为“延伸阅读”，论文见文末参考文献。

# %% [markdown] lang="en"
# ## 0.3 A short history
#
# The timeline below is ordered by the month each paper first appeared on arXiv, with the conference where it
# was published in brackets. The two often lie months to a year apart, which is why sources quote different
# years: pix2pix went on arXiv in November 2016 and appeared at CVPR 2017; PGGAN is an October 2017 arXiv paper
# and an ICLR 2018 conference paper; StyleGAN2 is arXiv December 2019, CVPR 2020. The original GAN has arXiv
# number 1406.2661, June 2014, and was published at NIPS that December.
#
# Roughly, four threads run through it:
#
# - **Controlling what is generated**: CGAN adds a condition, ACGAN makes the discriminator classify too,
#   InfoGAN learns interpretable latent codes without labels;
# - **Stable training**: DCGAN's design rules, ImprovedGAN's bag of tricks, LSGAN, WGAN and WGAN-GP replace the
#   loss, SNGAN constrains the discriminator with spectral normalization, PacGAN fights mode collapse;
# - **Translating and restoring images**: pix2pix (paired data), CycleGAN (unpaired data), StarGAN (many domains),
#   SRGAN and ESRGAN (super-resolution);
# - **Bigger and sharper**: PGGAN grows progressively to 1024×1024, BigGAN scales up to ImageNet, StyleGAN and
#   StyleGAN2 steer generation through styles.
#
# The "→ L N" at the end of each line says which lesson of this course covers it; models the course does not cover
# (StarGAN, for one) are marked "further reading", with the paper in the references at the end.

# %%
# (name, arXiv id: yymm.number, where it was published, idea in Chinese, idea in English, lesson or None: further reading)
MILESTONES = [
    ("GAN", "1406.2661", "NIPS 2014", "生成器与判别器的极小极大博弈", "a generator and a discriminator play a minimax game", 1),
    ("CGAN", "1411.1784", "arXiv 2014", "生成器和判别器都以条件 y 为输入", "condition both G and D on extra information y", 3),
    ("DCGAN", "1511.06434", "ICLR 2016", "全卷积 G/D + 批归一化：稳定的卷积 GAN 配方", "all-convolutional G and D + batch norm: a stable recipe", 2),
    ("ImprovedGAN", "1606.03498", "NIPS 2016", "特征匹配、小批量判别、单边标签平滑；Inception 分数", "feature matching, minibatch discrimination, label smoothing; IS", 10),
    ("InfoGAN", "1606.03657", "NIPS 2016", "最大化隐编码与样本的互信息", "maximise mutual information between a latent code and the sample", 5),
    ("SRGAN", "1609.04802", "CVPR 2017", "感知损失 + 对抗损失做超分辨率", "perceptual + adversarial loss for super-resolution", 9),
    ("ACGAN", "1610.09585", "ICML 2017", "判别器同时判断真假和类别", "the discriminator predicts real/fake and the class", 4),
    ("LSGAN", "1611.04076", "ICCV 2017", "用最小二乘损失代替交叉熵", "a least-squares loss instead of cross-entropy", 6),
    ("pix2pix", "1611.07004", "CVPR 2017", "成对图像翻译：U-Net + PatchGAN + L1", "paired translation: U-Net + PatchGAN + L1", 7),
    ("WGAN", "1701.07875", "ICML 2017", "Wasserstein 距离 + 权重裁剪的评论家", "Wasserstein distance, a weight-clipped critic", 6),
    ("CycleGAN", "1703.10593", "ICCV 2017", "非成对图像翻译：循环一致性损失", "unpaired translation with a cycle-consistency loss", 8),
    ("WGAN-GP", "1704.00028", "NIPS 2017", "用梯度惩罚代替权重裁剪", "a gradient penalty instead of weight clipping", 6),
    ("PGGAN", "1710.10196", "ICLR 2018", "从 4×4 渐进式增长到 1024×1024", "progressive growing from 4×4 to 1024×1024", 10),
    ("StarGAN", "1711.09020", "CVPR 2018", "一个生成器完成多个域之间的转换", "one generator translates between many domains", None),
    ("PacGAN", "1712.04086", "NeurIPS 2018", "判别器一次看一组样本，缓解模式崩溃", "D judges packs of samples against mode collapse", 10),
    ("SNGAN", "1802.05957", "ICLR 2018", "谱归一化约束判别器的 Lipschitz 常数", "spectral normalization bounds D's Lipschitz constant", 10),
    ("ESRGAN", "1809.00219", "ECCV-W 2018", "RRDB 残差块 + 相对判别器", "RRDB blocks + a relativistic discriminator", 9),
    ("BigGAN", "1809.11096", "ICLR 2019", "大模型大批量的 ImageNet 条件生成；截断技巧", "large-scale class-conditional ImageNet GAN; truncation trick", 10),
    ("StyleGAN", "1812.04948", "CVPR 2019", "映射网络 + AdaIN 逐层注入风格", "mapping network + AdaIN inject a style at every layer", 10),
    ("StyleGAN2", "1912.04958", "CVPR 2020", "权重解调代替 AdaIN，消除水滴状伪影", "weight demodulation replaces AdaIN, removing droplet artifacts", 10),
]


def arxiv_date(arxiv_id):
    """An arXiv identifier yymm.nnnnn -> the month it appeared, as a fractional year (mid-month)."""
    yy, mm = int(arxiv_id[:2]), int(arxiv_id[2:4])
    return 2000 + yy + (mm - 0.5) / 12


dates = [arxiv_date(arxiv_id) for _, arxiv_id, *_ in MILESTONES]
assert dates == sorted(dates), "milestones are listed in order of appearance"
assert int(arxiv_date("1611.07004")) == 2016 and int(arxiv_date("1710.10196")) == 2017  # pix2pix, PGGAN

fig, ax = plt.subplots(figsize=(9, 0.36 * len(MILESTONES) + 0.8))
for row, ((name, arxiv_id, venue, idea_zh, idea_en, lesson), when) in enumerate(zip(MILESTONES, dates)):
    y = len(MILESTONES) - row
    colour = plt.cm.viridis(lesson / 11) if lesson else "0.5"
    where = tr(f"第{lesson}课", f"L{lesson}") if lesson else tr("延伸阅读", "further reading")
    ax.plot([2014, when], [y, y], color="0.85", lw=0.8, zorder=0)
    ax.plot(when, y, "o", color=colour, ms=7)
    ax.text(when + 0.08, y, f"{int(when)}  {name} ({venue}): {tr(idea_zh, idea_en)}  → {where}",
            va="center", fontsize=8.5)
ax.set_xlim(2014, 2020.3)
ax.set_ylim(0.3, len(MILESTONES) + 0.7)
ax.set_xticks(range(2014, 2021))
ax.set_yticks([])
ax.grid(axis="x", alpha=0.3)
for side in ("left", "right", "top"):
    ax.spines[side].set_visible(False)
ax.set_xlabel(tr("首次出现在 arXiv 上的时间", "first appeared on arXiv"))
ax.set_title(tr("GAN 发展时间线", "A GAN timeline"), loc="left")
L.show(fig, "timeline")
L.record(milestones=len(MILESTONES))

# %% [markdown] lang="zh"
# ## 0.4 课程地图与运行方式
#
# 每一课都有同一份源文件 `lessons/NN_名称.py`，由它生成中文和英文两个笔记本 `notebooks/zh/`、`notebooks/en/`。
# 运行一课有两种方式：
#
# - **在 Jupyter 里**：打开 `notebooks/zh/NN_名称.ipynb`，从上到下依次运行。第一个代码单元会自动找到仓库，
#   即使没有 `pip install -e .` 也能导入 `gankit`。在百度 AI Studio、Colab 等在线平台上，把整个仓库上传或克隆下来，
#   再打开其中的笔记本即可。
# - **在终端里**：
#
# ```bash
# python -m gankit.lesson               # 列出所有课程
# python -m gankit.lesson 2             # 完整模式运行第 2 课（真正训练）
# python -m gankit.lesson 2 --quick     # 快速模式：几十秒内跑完
# python -m gankit.lesson 2 --lang en   # 英文小节标题与图注（默认中文）
# python -m gankit.lesson 2 --epochs 5  # 指定训练轮数
# python -m gankit.lesson 2 --out /tmp/runs  # 输出放到别处
# ```
#
# **快速模式**（`--quick`，或环境变量 `GANKIT_QUICK=1`）会缩小数据量、减少训练步数，但**不跳过任何一个单元**，
# 所以每段代码都真正执行过一次；它用于自动测试和第一次试跑，一般在 CPU 上一分钟内结束，生成的图像只能看出“在学”。
# **完整模式**才真正把模型训练好，适合在自己的电脑或 GPU 上运行。两种模式的差别全部写在代码里
# （`L.pick(full=..., quick=...)`、`L.epochs(...)`），一眼就能看到。
#
# 每次运行都会在 `runs/lessonNN-时间/` 下新建一个文件夹，保存所有图片和一份 `summary.json`（用时、损失、指标）。
#
# 下图是课程的先后关系：第 1、2 课是所有后续课程的基础；之后可以沿着“条件生成”“稳定训练”“图像翻译”三条路线学习，
# 第 10 课把训练技巧、评估方法和前沿模型汇总起来。

# %% [markdown] lang="en"
# ## 0.4 The course map and how to run a lesson
#
# Each lesson has one source, `lessons/NN_name.py`, from which a Chinese and an English notebook are generated
# (`notebooks/zh/`, `notebooks/en/`). There are two ways to run a lesson:
#
# - **In Jupyter**: open `notebooks/en/NN_name.ipynb` and run it top to bottom. The first code cell finds the
#   repository, so `gankit` imports even without `pip install -e .`. On an online platform such as Baidu AI Studio
#   or Colab, upload or clone the whole repository and open the notebook there.
# - **In a terminal**:
#
# ```bash
# python -m gankit.lesson               # list the lessons
# python -m gankit.lesson 2             # run lesson 2 in full mode (trains for real)
# python -m gankit.lesson 2 --quick     # quick mode: done in tens of seconds
# python -m gankit.lesson 2 --lang en   # English section titles and figure labels (default: Chinese)
# python -m gankit.lesson 2 --epochs 5  # choose the number of epochs
# python -m gankit.lesson 2 --out /tmp/runs  # put the outputs elsewhere
# ```
#
# **Quick mode** (`--quick`, or the environment variable `GANKIT_QUICK=1`) shrinks the data and the number of
# training steps but **never skips a cell**, so every line of code really runs once. It is what the automatic
# tests use and what you want for a first try; it usually ends within a minute on a CPU, and its pictures only
# show that the model is learning. **Full mode** trains the models properly, on your own computer or a GPU.
# Every difference between the two modes is visible in the code (`L.pick(full=..., quick=...)`, `L.epochs(...)`).
#
# Each run makes a new folder `runs/lessonNN-<time>/` holding every picture and a `summary.json` (time, losses,
# metrics).
#
# The figure below shows how the lessons build on each other: lessons 1 and 2 underlie everything else; then three
# routes — conditional generation, stable training, image translation — and lesson 10 gathers training tricks,
# evaluation and the frontier.

# %%
assert sorted(CATALOGUE) == list(range(11))
written = set(available())
for number, (title_zh, title_en) in CATALOGUE.items():
    state = "" if number in written else L.t("（即将推出）", "(coming)")
    print(f"{number:>3}  {L.t(title_zh, title_en):<50} python -m gankit.lesson {number} {state}")

SHORT = {0: tr("导览", "Tour"), 1: "GAN", 2: "DCGAN", 3: "CGAN", 4: "ACGAN", 5: "InfoGAN", 6: "WGAN / WGAN-GP",
         7: "Pix2Pix", 8: "CycleGAN", 9: "SRCNN → ESRGAN", 10: tr("技巧 · 评估\n· 前沿", "tricks · evaluation\n· frontier")}
POSITION = {0: (0, 1), 1: (1, 1), 2: (2, 1), 3: (3.2, 2), 4: (4.3, 2), 5: (5.4, 2), 6: (3.2, 1), 10: (5.0, 1),
            7: (3.2, 0), 8: (4.6, 0.35), 9: (4.6, -0.35)}
EDGES = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (2, 6), (6, 10), (2, 7), (7, 8), (7, 9)]
ROUTES = {3: (tr("条件生成", "conditional generation"), +0.42), 6: (tr("稳定训练", "stable training"), +0.42),
          7: (tr("图像翻译", "image translation"), -0.45)}

fig, ax = plt.subplots(figsize=(10, 3.8))
boxes = {}
for number, (x, y) in POSITION.items():
    boxes[number] = ax.text(x, y, f"{number}\n{SHORT[number]}", ha="center", va="center", fontsize=9,
                            bbox=dict(boxstyle="round,pad=0.4", fc=plt.cm.viridis(number / 11, alpha=0.25),
                                      ec="black" if number in written else "0.6",
                                      ls="-" if number in written else "--"))
fig.canvas.draw()  # lay the boxes out, so the arrows can stop at their edges
for a, b in EDGES:
    ax.annotate("", xy=POSITION[b], xytext=POSITION[a],
                arrowprops=dict(arrowstyle="-|>", color="0.45", lw=1.2, shrinkA=3, shrinkB=3,
                                patchA=boxes[a].get_bbox_patch(), patchB=boxes[b].get_bbox_patch()))
for number, (label, dy) in ROUTES.items():
    x, y = POSITION[number]
    ax.text(x, y + dy, label, ha="center", va="center", fontsize=8.5, style="italic", color="0.3")
ax.set_xlim(-0.4, 5.9)
ax.set_ylim(-0.85, 2.6)
ax.axis("off")
ax.set_title(tr("课程地图（实线框：已写好的课）", "Course map (solid box: lesson written)"))
L.show(fig, "course_map")
L.record(lessons_written=len(written))

# %% [markdown] lang="zh"
# ## 0.5 预备知识
#
# GAN 的两个网络都是普通的神经网络，训练它们用的也是普通的反向传播和优化器。下面六个小节把后续课程反复用到的
# 基础知识各用一段代码演示一遍。每段代码都先“手算”一遍，再用 Keras 算一遍，最后用 `assert` 检查两者一致——
# 这也是学习一个新框架的好习惯。

# %% [markdown] lang="en"
# ## 0.5 Prerequisites
#
# Both networks of a GAN are ordinary neural networks, trained with ordinary back-propagation and optimizers. The
# six short sections below each demonstrate one building block the later lessons use again and again. Every demo
# computes something by hand, computes it again with Keras and checks with `assert` that the two agree — a good
# habit when learning any new framework.

# %% [markdown] lang="zh"
# ### 1. 神经元与全连接层
#
# 一个神经元接收信号 $a_1, \dots, a_K$，把它们按权重 $w_1, \dots, w_K$ 加权求和，再加上偏置 $b$：
#
# $$z = a_1 w_1 + \dots + a_k w_k + \dots + a_K w_K + b = \sum_{k=1}^{K} a_k w_k + b .$$
#
# 然后 $z$ 经过一个激活函数 $\sigma$ 得到输出 $\sigma(z)$。把许多神经元并排放在一起，每个都连接上一层的全部输入，
# 就是**全连接层**（Keras 的 `Dense`）：一批输入 $A$（$N\times K$）经过 $J$ 个神经元，输出 $Z = AW + b$，
# 其中 $W$ 是 $K\times J$ 的权重矩阵，参数个数为 $KJ + J$。第 1 课的 MLP GAN 就完全由全连接层搭成。

# %% [markdown] lang="en"
# ### 1. A neuron and a fully connected layer
#
# A neuron receives signals $a_1, \dots, a_K$, weighs them with weights $w_1, \dots, w_K$, sums them and adds a
# bias $b$:
#
# $$z = a_1 w_1 + \dots + a_k w_k + \dots + a_K w_K + b = \sum_{k=1}^{K} a_k w_k + b .$$
#
# Then an activation function $\sigma$ turns $z$ into the output $\sigma(z)$. Put many neurons side by side, each
# connected to every input of the previous layer, and you have a **fully connected layer** (Keras' `Dense`): a batch
# of inputs $A$ ($N\times K$) through $J$ neurons gives $Z = AW + b$, where $W$ is the $K\times J$ weight matrix;
# the layer has $KJ + J$ parameters. Lesson 1's MLP GAN is built from fully connected layers only.

# %%
a = np.array([[0.5, -1.0, 2.0]], "float32")      # one sample with K = 3 signals a_k
w = np.array([0.2, 0.4, -0.1], "float32")        # weights w_k
b = 0.3                                          # bias

neuron = keras.layers.Dense(1)                   # a single neuron, no activation
neuron.build((None, 3))
neuron.set_weights([w.reshape(3, 1), np.array([b], "float32")])

z_by_hand = 0.5 * 0.2 + (-1.0) * 0.4 + 2.0 * (-0.1) + 0.3
z_keras = float(neuron(a)[0, 0])
print(L.t(f"手算的 z = {z_by_hand:.4f}，keras.layers.Dense(1) 算出的 z = {z_keras:.4f}",
          f"z by hand = {z_by_hand:.4f},  z from keras.layers.Dense(1) = {z_keras:.4f}"))
assert abs(z_keras - z_by_hand) < 1e-6

layer = keras.layers.Dense(4)                    # J = 4 neurons, each connected to all K = 3 inputs
layer.build((None, 3))
batch = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
W, bias = layer.get_weights()
assert np.allclose(layer(batch).numpy(), batch @ W + bias, atol=1e-5)   # Z = AW + b
assert layer.count_params() == 3 * 4 + 4
print(L.t(f"Dense(4) 接 3 个输入：{layer.count_params()} 个参数 = 3×4 个权重 + 4 个偏置",
          f"Dense(4) on 3 inputs: {layer.count_params()} parameters = 3×4 weights + 4 biases"))

# %% [markdown] lang="zh"
# ### 2. 激活函数
#
# 没有激活函数，多层网络叠起来仍然只是一次线性变换。GAN 里最常用的四个激活函数及其导数：
#
# | 名称 | 公式 | 导数 | 在 GAN 中的位置 |
# |---|---|---|---|
# | sigmoid | $\sigma(z) = \dfrac{1}{1+e^{-z}}$ | $\sigma(z)\,(1-\sigma(z))$，最大 $1/4$ | 判别器输出“是真实样本的概率” |
# | tanh | $\tanh z = \dfrac{e^{z}-e^{-z}}{e^{z}+e^{-z}}$ | $1-\tanh^2 z$ | 生成器输出层，像素缩放到 $[-1, 1]$ |
# | ReLU | $\max(0, z)$ | $z>0$ 时为 1，否则为 0 | DCGAN 生成器的隐藏层 |
# | LeakyReLU | $z>0$ 时为 $z$，否则为 $\alpha z$ | $1$ 或 $\alpha$ | 判别器的隐藏层（DCGAN 取 $\alpha=0.2$） |
#
# 注意导数曲线：sigmoid 和 tanh 在 $|z|$ 较大时导数趋近于 0，即**饱和**，反向传播时梯度会越乘越小（**梯度消失**）；
# ReLU 对负输入的梯度恒为 0。判别器用 LeakyReLU，是为了让负半轴也留一点梯度，
# 生成器的训练信号全部要穿过判别器传回来，一点都不能浪费。第 1 课会看到，同样的饱和问题也出现在 GAN 的损失函数里。
#
# 另外要留意：Keras 里 `keras.activations.leaky_relu` 的默认斜率是 0.2，而 `keras.layers.LeakyReLU` 层的默认斜率是 0.3，
# 写论文里的结构时最好显式写出 `negative_slope`。

# %% [markdown] lang="en"
# ### 2. Activation functions
#
# Without activation functions a stack of layers is still one linear map. The four activations GANs use most,
# with their derivatives:
#
# | Name | Formula | Derivative | Where in a GAN |
# |---|---|---|---|
# | sigmoid | $\sigma(z) = \dfrac{1}{1+e^{-z}}$ | $\sigma(z)\,(1-\sigma(z))$, at most $1/4$ | the discriminator's output, "probability of real" |
# | tanh | $\tanh z = \dfrac{e^{z}-e^{-z}}{e^{z}+e^{-z}}$ | $1-\tanh^2 z$ | the generator's output layer, pixels in $[-1, 1]$ |
# | ReLU | $\max(0, z)$ | 1 for $z>0$, else 0 | hidden layers of the DCGAN generator |
# | LeakyReLU | $z$ for $z>0$, else $\alpha z$ | $1$ or $\alpha$ | hidden layers of the discriminator (DCGAN: $\alpha=0.2$) |
#
# Look at the derivative curves: for large $|z|$ the derivatives of sigmoid and tanh approach 0 — they
# **saturate** — and back-propagation multiplies such small factors into ever smaller gradients (**vanishing
# gradients**); ReLU's gradient is exactly 0 for negative inputs. The discriminator uses LeakyReLU to keep some
# gradient on the negative side: every training signal of the generator has to flow back through the
# discriminator, so none should be thrown away. Lesson 1 shows the same saturation inside the GAN loss itself.
#
# A detail to watch: in Keras, `keras.activations.leaky_relu` defaults to a slope of 0.2 but the layer
# `keras.layers.LeakyReLU` defaults to 0.3; write `negative_slope` explicitly when you copy a paper's network.

# %%
z = tf.constant(np.linspace(-5, 5, 401).astype("float32"))
ACTIVATIONS = {
    "sigmoid": keras.activations.sigmoid,
    "tanh": keras.activations.tanh,
    "ReLU": keras.activations.relu,
    "LeakyReLU (α=0.2)": lambda t: keras.activations.leaky_relu(t, negative_slope=0.2),
}
values, slopes = {}, {}
for name, fn in ACTIVATIONS.items():
    with tf.GradientTape() as tape:     # the derivative by automatic differentiation
        tape.watch(z)
        out = fn(z)
    values[name], slopes[name] = out.numpy(), tape.gradient(out, z).numpy()

s, t = values["sigmoid"], values["tanh"]
assert np.allclose(slopes["sigmoid"], s * (1 - s), atol=1e-6)           # σ' = σ(1 − σ)
assert np.allclose(slopes["tanh"], 1 - t ** 2, atol=1e-5)                # tanh' = 1 − tanh²
assert abs(slopes["sigmoid"].max() - 0.25) < 1e-4                        # the sigmoid passes on at most 1/4
assert np.allclose(slopes["LeakyReLU (α=0.2)"][z.numpy() < 0], 0.2)
assert keras.layers.LeakyReLU().negative_slope == 0.3                    # the layer's default differs!
print(L.t(f"sigmoid 在 z=±5 处的导数只有 {slopes['sigmoid'][0]:.4f}：已经饱和",
          f"the sigmoid's derivative at z=±5 is only {slopes['sigmoid'][0]:.4f}: saturated"))

fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
for name, style in zip(ACTIVATIONS, ("-", "-", "-", "--")):   # dashed: LeakyReLU overlaps ReLU for z > 0
    axes[0].plot(z, values[name], style, label=name)
    axes[1].plot(z, slopes[name], style, label=name)
axes[0].set_title(tr("激活函数", "activation functions"))
axes[1].set_title(tr("导数", "derivatives"))
axes[0].set_ylim(-1.5, 3)
for ax in axes:
    ax.set_xlabel("z")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
L.show(fig, "activations")

# %% [markdown] lang="zh"
# ### 3. 反向传播
#
# 训练就是求损失对每个参数的梯度，再沿负梯度方向更新参数。反向传播用链式法则，从输出层往回逐层计算这些梯度。
# 以只有一个神经元的网络为例：$\hat y = \sigma(z)$，$z = \mathbf{w}^\top\mathbf{x} + b$，
# 用二元交叉熵（binary cross-entropy）做损失，它正是 GAN 判别器的损失：
#
# $$\mathcal{L} = -\big[y\log\hat y + (1-y)\log(1-\hat y)\big].$$
#
# 链式法则给出
#
# $$\frac{\partial \mathcal{L}}{\partial w_k} = \frac{\partial \mathcal{L}}{\partial \hat y}\cdot
#   \frac{\partial \hat y}{\partial z}\cdot\frac{\partial z}{\partial w_k}
#   = \frac{\hat y - y}{\hat y(1-\hat y)}\cdot \hat y(1-\hat y)\cdot x_k = (\hat y - y)\,x_k ,
#   \qquad \frac{\partial \mathcal{L}}{\partial b} = \hat y - y .$$
#
# sigmoid 的导数恰好被约掉了！如果换成均方误差 $\tfrac12(\hat y - y)^2$，梯度就成了
# $(\hat y - y)\,\hat y(1-\hat y)\,x_k$，多出的因子 $\hat y(1-\hat y)$ 在神经元饱和时接近 0：
# 即使预测错得离谱，也几乎学不动。更深的网络无非是把链式法则多乘几层，Keras 的 `tf.GradientTape` 自动完成这件事。
# 下面把手推的梯度和自动求导的结果对比一下（对一个批次取平均）。

# %% [markdown] lang="en"
# ### 3. Back-propagation
#
# Training means computing the gradient of the loss with respect to every parameter and stepping against it.
# Back-propagation computes those gradients with the chain rule, layer by layer from the output backwards. Take a
# network of a single neuron, $\hat y = \sigma(z)$ with $z = \mathbf{w}^\top\mathbf{x} + b$, and the binary
# cross-entropy loss — exactly the loss of a GAN's discriminator:
#
# $$\mathcal{L} = -\big[y\log\hat y + (1-y)\log(1-\hat y)\big].$$
#
# The chain rule gives
#
# $$\frac{\partial \mathcal{L}}{\partial w_k} = \frac{\partial \mathcal{L}}{\partial \hat y}\cdot
#   \frac{\partial \hat y}{\partial z}\cdot\frac{\partial z}{\partial w_k}
#   = \frac{\hat y - y}{\hat y(1-\hat y)}\cdot \hat y(1-\hat y)\cdot x_k = (\hat y - y)\,x_k ,
#   \qquad \frac{\partial \mathcal{L}}{\partial b} = \hat y - y .$$
#
# The sigmoid's derivative cancels out! With the squared error $\tfrac12(\hat y - y)^2$ instead, the gradient
# becomes $(\hat y - y)\,\hat y(1-\hat y)\,x_k$, and the extra factor $\hat y(1-\hat y)$ is close to 0 when the
# neuron saturates: even a badly wrong prediction barely learns. A deeper network only multiplies more layers
# into the chain rule, and Keras' `tf.GradientTape` does it automatically. Below, the hand-derived gradient is
# compared with automatic differentiation (averaged over a batch).

# %%
x = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -2.0], [2.0, 1.0]], "float32")
y = np.array([[1.0], [0.0], [1.0], [0.0]], "float32")
w0, b0 = np.array([[0.5], [-0.3]], "float32"), np.array([0.1], "float32")

net = keras.layers.Dense(1, activation="sigmoid")
net.build((None, 2))
net.set_weights([w0, b0])
bce = keras.losses.BinaryCrossentropy()

with tf.GradientTape() as tape:
    loss = bce(y, net(x))
grad_w, grad_b = [g.numpy() for g in tape.gradient(loss, net.trainable_weights)]

y_hat = 1 / (1 + np.exp(-(x @ w0 + b0)))                # forward pass by hand
hand_w = x.T @ (y_hat - y) / len(x)                      # mean over the batch of (ŷ − y)·x
hand_b = np.mean(y_hat - y, axis=0)
print(L.t("GradientTape 求得：", "GradientTape:"), grad_w.ravel(), grad_b,
      L.t("\n手算的梯度：     ", "\nby hand:     "), hand_w.ravel(), hand_b)
assert np.allclose(grad_w, hand_w, atol=1e-5) and np.allclose(grad_b, hand_b, atol=1e-5)

# one gradient-descent step with learning rate 0.5 lowers the loss
net.set_weights([w0 - 0.5 * grad_w, b0 - 0.5 * grad_b])
new_loss = float(bce(y, net(x)))
print(L.t(f"一步梯度下降：损失 {float(loss):.4f} → {new_loss:.4f}", f"one gradient step: loss {float(loss):.4f} → {new_loss:.4f}"))
assert new_loss < float(loss)

# a saturated neuron (z = −8, but the label is 1): cross-entropy still pulls hard, squared error hardly at all
p = 1 / (1 + np.exp(8.0))
print(L.t(f"饱和时 ∂L/∂z：交叉熵 {p - 1:.4f}，均方误差 {(p - 1) * p * (1 - p):.6f}",
          f"saturated neuron, ∂L/∂z: cross-entropy {p - 1:.4f}, squared error {(p - 1) * p * (1 - p):.6f}"))
L.record(backprop_max_error=max(np.abs(grad_w - hand_w).max(), np.abs(grad_b - hand_b).max()))

# %% [markdown] lang="zh"
# ### 4. 优化器
#
# 有了梯度 $g$，优化器决定怎样更新参数 $\theta$（学习率记为 $\eta$）。四种最常用的优化器：
#
# - **SGD**（随机梯度下降）：$\theta \leftarrow \theta - \eta\, g$。
# - **动量**（Momentum）：$v \leftarrow \mu v - \eta g,\ \ \theta \leftarrow \theta + v$。像滚下山的球一样积累速度，
#   在狭长的山谷里前进得更快，但也容易冲过头。
# - **RMSProp**：$s \leftarrow \rho s + (1-\rho) g^2,\ \ \theta \leftarrow \theta - \eta\, g/(\sqrt{s}+\epsilon)$。
#   每个参数按自己梯度的大小缩放步长。
# - **Adam**：动量加 RMSProp，再做偏差修正：
#   $m \leftarrow \beta_1 m + (1-\beta_1) g$，$s \leftarrow \beta_2 s + (1-\beta_2) g^2$，
#   $\theta \leftarrow \theta - \eta\, \hat m/(\sqrt{\hat s}+\epsilon)$，其中 $\hat m = m/(1-\beta_1^t)$，$\hat s = s/(1-\beta_2^t)$。
#
# 下面让四个优化器从同一点出发，最小化一个狭长弯曲的“香蕉形”山谷（Rosenbrock 函数的一个较温和的版本）
#
# $$f(x, y) = (1 - x)^2 + 10\,(y - x^2)^2 ,$$
#
# 最小值在 $(1, 1)$。可以看到：SGD 在谷底爬得很慢；动量快得多但会来回摆动；RMSProp 和 Adam 自适应地调整步长。
# 这和 GAN 直接相关：DCGAN 用 Adam（$\eta=2\times10^{-4}$，$\beta_1=0.5$），WGAN 用不带动量的 RMSProp，
# WGAN-GP 又回到 Adam（$\beta_1=0$，$\beta_2=0.9$）——动量在“对手一直在变”的博弈里可能帮倒忙，第 2、6 课会细讲。
#
# 顺带验证 Adam 的一个性质：第一步时 $\hat m/\sqrt{\hat s} = g/|g|$，所以每个参数都恰好移动 $\eta$（与梯度大小无关）。

# %% [markdown] lang="en"
# ### 4. Optimizers
#
# Given the gradient $g$, an optimizer decides how to update the parameters $\theta$ (learning rate $\eta$). The four
# most common ones:
#
# - **SGD** (stochastic gradient descent): $\theta \leftarrow \theta - \eta\, g$.
# - **Momentum**: $v \leftarrow \mu v - \eta g,\ \ \theta \leftarrow \theta + v$. Like a ball rolling downhill it
#   gathers speed and moves faster along a narrow valley, but it may overshoot.
# - **RMSProp**: $s \leftarrow \rho s + (1-\rho) g^2,\ \ \theta \leftarrow \theta - \eta\, g/(\sqrt{s}+\epsilon)$.
#   Each parameter's step is scaled by the size of its own gradients.
# - **Adam**: momentum plus RMSProp, with bias correction:
#   $m \leftarrow \beta_1 m + (1-\beta_1) g$, $s \leftarrow \beta_2 s + (1-\beta_2) g^2$,
#   $\theta \leftarrow \theta - \eta\, \hat m/(\sqrt{\hat s}+\epsilon)$ with $\hat m = m/(1-\beta_1^t)$, $\hat s = s/(1-\beta_2^t)$.
#
# Below, the four optimizers start from the same point and minimise a narrow, curved "banana" valley (a milder
# version of the Rosenbrock function)
#
# $$f(x, y) = (1 - x)^2 + 10\,(y - x^2)^2 ,$$
#
# whose minimum is at $(1, 1)$. SGD crawls along the valley floor; momentum is much faster but swings back and
# forth; RMSProp and Adam adapt their steps. This matters for GANs: DCGAN uses Adam ($\eta=2\times10^{-4}$,
# $\beta_1=0.5$), WGAN uses RMSProp without momentum, WGAN-GP returns to Adam ($\beta_1=0$, $\beta_2=0.9$) —
# momentum can hurt in a game where the opponent keeps changing; lessons 2 and 6 say more.
#
# On the way we check one property of Adam: at the first step $\hat m/\sqrt{\hat s} = g/|g|$, so every parameter moves
# by exactly $\eta$, whatever the size of its gradient.


# %%
def banana(p):
    return (1 - p[0]) ** 2 + 10 * (p[1] - p[0] ** 2) ** 2


START = (-1.5, 2.0)
STEPS = L.pick(full=1500, quick=300)
OPTIMIZERS = {
    "SGD": lambda: keras.optimizers.SGD(learning_rate=2e-3),
    "Momentum (μ=0.9)": lambda: keras.optimizers.SGD(learning_rate=2e-3, momentum=0.9),
    "RMSProp": lambda: keras.optimizers.RMSprop(learning_rate=1e-2),
    "Adam": lambda: keras.optimizers.Adam(learning_rate=5e-2),
}


def descend(optimizer, steps):
    point = tf.Variable(START, dtype="float32")

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = banana(point)
        optimizer.apply_gradients([(tape.gradient(loss, point), point)])

    path = [point.numpy().copy()]
    for _ in range(steps):
        step()
        path.append(point.numpy().copy())
    return np.array(path)


paths = {name: descend(make(), STEPS) for name, make in OPTIMIZERS.items()}
start_value = banana(np.array(START))
for name, path in paths.items():
    final = banana(path[-1])
    print(f"{name:<18} " + L.t(f"f 从 {start_value:.3f} 降到 {final:.5f}，终点", f"f: {start_value:.3f} → {final:.5f}  ")
          + f" (x, y) = ({path[-1][0]:+.3f}, {path[-1][1]:+.3f})")
    assert final < start_value
    L.record(**{f"optimizer.{name.split()[0]}": final})
assert banana(paths["Momentum (μ=0.9)"][-1]) < banana(paths["SGD"][-1])      # momentum beats plain SGD here

# Adam's first step moves every coordinate by the learning rate, whatever the gradient's size
adam = keras.optimizers.Adam(learning_rate=0.1)
probe = tf.Variable([3.0, -0.001])
adam.apply_gradients([(tf.constant([50.0, -0.02]), probe)])
assert np.allclose(probe.numpy() - np.array([3.0, -0.001]), [-0.1, 0.1], atol=1e-4)

gx, gy = np.meshgrid(np.linspace(-2, 2, 200), np.linspace(-1, 3, 200))
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
axes[0].contour(gx, gy, np.log10(banana(np.array([gx, gy])) + 1e-3), levels=20, cmap="Greys", linewidths=0.6)
for name, path in paths.items():
    axes[0].plot(path[:, 0], path[:, 1], lw=3 if name == "SGD" else 1.3, zorder=3 if name == "SGD" else 2, label=name)
    axes[1].semilogy([banana(p) + 1e-12 for p in path], label=name)
axes[0].plot(*START, "ko")
axes[0].plot(1, 1, "r*", ms=12)
axes[0].set_title(tr("优化路径（★ 为最小值）", "optimizer paths (★ = minimum)"))
axes[0].set_xlabel("x"), axes[0].set_ylabel("y")
axes[1].set_title(tr("函数值随步数的变化", "function value per step"))
axes[1].set_xlabel(tr("步数", "step"))
for ax in axes:
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
L.show(fig, "optimizers")

# %% [markdown] lang="zh"
# ### 5. 卷积
#
# 用全连接层处理图像有一个核心痛点：参数太多。一张 $28\times28$ 的灰度图有 784 个像素，若下一层也输出 784 个值，
# 全连接层就需要 $784\times784+784 \approx 61.5$ 万个参数，而且它完全不知道“相邻像素相关”这件事。卷积层靠两件“利器”解决：
#
# - **局部感受野**：每个输出只看输入中的一小块（比如 $3\times3$），因为图像的边缘、纹理都是局部的；
# - **权值共享**：同一个卷积核从左上角滑到右下角，在每个位置用的是同一组权重，所以参数个数与图像大小无关。
#
# 一个经典的手算例子：卷积核和当前扫描到的 $3\times3$ 区域分别是
#
# $$K = \begin{bmatrix}1&0&1\\0&1&0\\1&0&1\end{bmatrix},\qquad
#   P = \begin{bmatrix}0&1&1\\0&0&1\\0&0&1\end{bmatrix},\qquad
#   \sum_{i,j} K_{ij}P_{ij} = 1\cdot1 + 1\cdot1 = 2 .$$
#
# 对应位置相乘再求和，只有右上角和右下角两处都是 1，结果是 2。下面用 `keras.layers.Conv2D` 复现它，再把同一个卷积核
# 在一张 $5\times5$ 的图上滑一遍，与两重循环的手算结果对比。
#
# 两点说明：深度学习里的“卷积”其实是互相关（卷积核不翻转），这个 $K$ 旋转 180° 后不变，所以两种算法答案相同；
# 输出尺寸为 $\lfloor (n + 2p - k)/s \rfloor + 1$（输入 $n$、填充 $p$、核大小 $k$、步长 $s$），
# 第 2 课的步长卷积和转置卷积都要用到它。

# %% [markdown] lang="en"
# ### 5. Convolution
#
# Fully connected layers have one core problem with images: too many parameters. A $28\times28$ grey picture has
# 784 pixels; if the next layer also outputs 784 values, a fully connected layer needs $784\times784+784 \approx$
# 615 thousand parameters, and it has no idea that neighbouring pixels are related. A convolutional layer solves
# this with two ideas:
#
# - **Local receptive field**: each output looks at a small patch of the input (say $3\times3$), because edges and
#   textures are local;
# - **Weight sharing**: the same kernel slides from the top-left to the bottom-right corner with the same weights
#   at every position, so the number of parameters does not depend on the size of the picture.
#
# A classic worked example: the kernel and the $3\times3$ patch currently under it are
#
# $$K = \begin{bmatrix}1&0&1\\0&1&0\\1&0&1\end{bmatrix},\qquad
#   P = \begin{bmatrix}0&1&1\\0&0&1\\0&0&1\end{bmatrix},\qquad
#   \sum_{i,j} K_{ij}P_{ij} = 1\cdot1 + 1\cdot1 = 2 .$$
#
# Multiply position by position and add: only the top-right and bottom-right corners are 1 in both, so the answer
# is 2. Below, `keras.layers.Conv2D` reproduces it; then the same kernel slides over a $5\times5$ picture and is
# compared with a hand-written double loop.
#
# Two remarks: what deep learning calls "convolution" is really cross-correlation (the kernel is not flipped);
# this $K$ is unchanged by a 180° rotation, so both give the same answer here. The output size is
# $\lfloor (n + 2p - k)/s \rfloor + 1$ (input $n$, padding $p$, kernel $k$, stride $s$) — lesson 2's strided and
# transposed convolutions rely on it.

# %%
K = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], "float32")
P = np.array([[0, 1, 1], [0, 0, 1], [0, 0, 1]], "float32")

conv = keras.layers.Conv2D(filters=1, kernel_size=3, use_bias=False)   # 'valid': no padding
conv.build((None, 3, 3, 1))
conv.set_weights([K.reshape(3, 3, 1, 1)])                               # (height, width, in, out)
answer = float(conv(P.reshape(1, 3, 3, 1))[0, 0, 0, 0])
print(L.t(f"Conv2D 在这一块上的输出：{answer:g}", f"Conv2D output on this patch: {answer:g}"))
assert answer == 2.0

# slide the same kernel over a 5x5 picture whose top-right 3x3 block is P
image = np.array([[1, 1, 0, 1, 1],
                  [0, 1, 0, 0, 1],
                  [1, 0, 0, 0, 1],
                  [0, 1, 1, 1, 0],
                  [1, 0, 1, 0, 1]], "float32")
by_loop = np.array([[np.sum(image[i:i + 3, j:j + 3] * K) for j in range(3)] for i in range(3)])
feature_map = conv(image.reshape(1, 5, 5, 1)).numpy()[0, :, :, 0]
print(L.t("特征图（5×5 输入，3×3 核，无填充 → 3×3）：", "feature map (5×5 input, 3×3 kernel, no padding → 3×3):"))
print(feature_map)
assert np.array_equal(feature_map, by_loop) and feature_map[0, 2] == 2.0

# output sizes: floor((n + 2p − k) / s) + 1
assert keras.layers.Conv2D(1, 3, padding="same")(image.reshape(1, 5, 5, 1)).shape == (1, 5, 5, 1)
assert keras.layers.Conv2D(1, 3, strides=2)(image.reshape(1, 5, 5, 1)).shape == (1, 2, 2, 1)

# weight sharing: a 28x28 -> 28x28 map costs 615,440 parameters fully connected, 10 as a 3x3 convolution
dense_params = keras.Sequential([keras.Input((784,)), keras.layers.Dense(784)]).count_params()
conv_params = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(1, 3, padding="same")]).count_params()
print(L.t(f"28×28 → 28×28：全连接 {dense_params:,} 个参数，3×3 卷积 {conv_params} 个参数",
          f"28×28 → 28×28: fully connected {dense_params:,} parameters, 3×3 convolution {conv_params}"))
assert (dense_params, conv_params) == (784 * 784 + 784, 3 * 3 + 1)

fig, axes = plt.subplots(1, 3, figsize=(10, 3.4), gridspec_kw={"width_ratios": [5, 3, 3]})
for ax, array, title in zip(axes, (image, K, feature_map),
                            (tr("输入 5×5", "input 5×5"), tr("卷积核 3×3", "kernel 3×3"),
                             tr("输出特征图 3×3", "feature map 3×3"))):
    ax.imshow(array, cmap="Blues", vmin=0, vmax=max(2, array.max()))
    for (i, j), v in np.ndenumerate(array):
        ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=11)
    ax.set_title(title)
    ax.set_xticks([]), ax.set_yticks([])
axes[0].add_patch(plt.Rectangle((1.5, -0.5), 3, 3, fill=False, ec="red", lw=2.5))
axes[2].add_patch(plt.Rectangle((1.5, -0.5), 1, 1, fill=False, ec="red", lw=2.5))
L.show(fig, "convolution")
L.record(conv_answer=answer)

# %% [markdown] lang="zh"
# ### 6. 池化
#
# 池化层把每个小窗口（常用 $2\times2$、步长 2）汇总成一个数：**最大池化**取最大值，**平均池化**取平均值。
# 它让特征图的长宽减半，计算量随之减少，并让网络对微小的平移不那么敏感；池化层没有任何可训练的参数。
#
# 例如对下面的 $4\times4$ 数组做 $2\times2$ 池化，左上角的窗口是 $\{1, 3, 4, 6\}$：最大值 6，平均值 3.5。
# 值得一提的是，DCGAN 的判别器**不用**池化，而是用步长为 2 的卷积来缩小尺寸，让网络自己学习如何下采样（第 2 课）。

# %% [markdown] lang="en"
# ### 6. Pooling
#
# A pooling layer summarises each small window (typically $2\times2$ with stride 2) by one number: **max pooling**
# keeps the largest value, **average pooling** the mean. It halves the height and width of a feature map, cutting
# computation, and makes the network less sensitive to small shifts; a pooling layer has no trainable parameters.
#
# For the $4\times4$ array below with $2\times2$ pooling, the top-left window is $\{1, 3, 4, 6\}$: maximum 6, mean
# 3.5. Note that the DCGAN discriminator uses **no** pooling: it shrinks pictures with stride-2 convolutions, so
# the network learns how to downsample (lesson 2).

# %%
grid = np.array([[1, 3, 2, 1],
                 [4, 6, 5, 0],
                 [7, 2, 9, 8],
                 [1, 0, 3, 4]], "float32").reshape(1, 4, 4, 1)
max_pool = keras.layers.MaxPooling2D(pool_size=2)(grid).numpy()[0, :, :, 0]
avg_pool = keras.layers.AveragePooling2D(pool_size=2)(grid).numpy()[0, :, :, 0]
print(L.t("最大池化：", "max pooling:"), max_pool.tolist(), L.t(" 平均池化：", " average pooling:"), avg_pool.tolist())
assert np.array_equal(max_pool, [[6, 5], [7, 9]])
assert np.allclose(avg_pool, [[3.5, 2.0], [2.5, 6.0]])
assert keras.layers.MaxPooling2D(2).count_params() == 0

# a one-pixel shift inside the window leaves max pooling unchanged
shifted = grid.copy()
shifted[0, 0, 0, 0], shifted[0, 1, 1, 0] = 6, 1      # move the 6 from (1, 1) to (0, 0)
assert np.array_equal(keras.layers.MaxPooling2D(2)(shifted).numpy()[0, :, :, 0], max_pool)
L.record(max_pool_sum=max_pool.sum(), avg_pool_sum=avg_pool.sum())

# %% [markdown] lang="zh"
# ## 学到了什么
#
# 1. GAN 由生成器和判别器对抗训练而成，擅长“答案不唯一”的任务：图像翻译、超分辨率、视频预测、数据增强。
# 2. 均方误差之类的逐像素损失给出所有可能答案的平均（条件均值），也就是模糊的“鬼影”；对抗损失迫使模型给出一个清晰的答案。
# 3. 2014 年以后的研究沿“受控生成”“稳定训练”“图像翻译”“更大更清晰”几条线展开；引用年份时要分清 arXiv 时间和会议时间。
# 4. 每一课都可以用 `python -m gankit.lesson N [--quick]` 或 `notebooks/` 里的笔记本运行；快速模式只缩小规模，不跳过代码。
# 5. 预备知识：神经元 $z=\sum_k a_k w_k + b$；sigmoid/tanh 会饱和，LeakyReLU 保留负半轴梯度；sigmoid 加交叉熵的梯度是 $(\hat y - y)x$；
#    Adam、RMSProp 等自适应优化器；卷积的局部感受野与权值共享；池化。
#
# ## 练习
#
# 1. **（简单）** 用 `Conv2D(1, 3, strides=2, padding="same")` 处理 0.5 节那张 $5\times5$ 的图像：先用公式算出输出尺寸，再运行验证。
#    不加填充（`padding="valid"`）时又是多大？
#
#    <details><summary>提示</summary>
#
#    `padding="same"` 时输出边长是 $\lceil n/s\rceil$；`"valid"` 时用 $\lfloor (n - k)/s \rfloor + 1$。
#    </details>
#
# 2. **（中等）** 在反向传播的演示中把损失换成 `keras.losses.MeanSquaredError()`，推导新的梯度，再用 `GradientTape` 验证。
#    神经元饱和时，这个梯度和交叉熵的梯度相比有多小？
#
#    <details><summary>提示</summary>
#
#    Keras 的 MSE 是 $\frac1N\sum_i(\hat y_i - y_i)^2$，没有 $\tfrac12$，所以对 $w_k$ 的梯度是
#    $\frac2N\sum_i(\hat y_i-y_i)\,\hat y_i(1-\hat y_i)\,x_{ik}$。
#    </details>
#
# 3. **（中等）** 在“鬼影”实验里，把四个方向的概率改成不相等：向右 1/2，其他三个方向各 1/6。MSE 预测会变成什么样？
#    先用条件均值算出预测图里最亮的像素值和 MSE 的理论下限，再改代码训练验证。
#
#    <details><summary>提示</summary>
#
#    条件均值是四种未来按概率加权的平均，所以向右的那个鬼影亮度是 1/2，其余是 1/6。每个鬼影像素的方差是 $p(1-p)$，
#    每个鬼影有 4 个像素；把 16 个像素的方差加起来再除以 144 就是下限。训练时让每个起点按概率重复出现（例如向右的样本放 3 份）。
#    </details>
#
# 4. **（开放）** 在优化器演示中把 SGD 的学习率调到 $10^{-2}$、把 Adam 的 $\beta_1$ 调成 0.5（DCGAN 的设置），
#    再把函数里的 10 改成 100（标准的 Rosenbrock 函数）。哪种优化器最稳？你能解释为什么 GAN 常用较小的 $\beta_1$ 吗？
#
#    <details><summary>提示</summary>
#
#    学习率太大时 SGD 会在山谷两壁之间越弹越远（可以打印每一步的函数值看它是否发散）。$\beta_1$ 越小，动量记得越短；
#    在 GAN 里“地形”随着对手一起变，过长的记忆反而有害——第 2 课、第 6 课还会回到这一点。
#    </details>
#
# 前三题的参考解答在 `solutions/00_tour.py`。如果环境检查说没有找到 MNIST，请先按提示准备好它：第 1 课就要用。
#
# ## 参考文献
#
# - Ian Goodfellow, Jean Pouget-Abadie, Mehdi Mirza, Bing Xu, David Warde-Farley, Sherjil Ozair, Aaron Courville,
#   Yoshua Bengio. *Generative Adversarial Nets*. NIPS 2014. [arXiv:1406.2661](https://arxiv.org/abs/1406.2661)
# - Michael Mathieu, Camille Couprie, Yann LeCun. *Deep Multi-Scale Video Prediction beyond Mean Square Error*.
#   ICLR 2016. [arXiv:1511.05440](https://arxiv.org/abs/1511.05440)（视频预测里 MSE 变模糊、对抗损失保持清晰）
# - Diederik P. Kingma, Jimmy Ba. *Adam: A Method for Stochastic Optimization*. ICLR 2015.
#   [arXiv:1412.6980](https://arxiv.org/abs/1412.6980)
# - 时间线中的论文（按出现顺序）：[GAN](https://arxiv.org/abs/1406.2661)（Goodfellow 等，2014）、
#   [CGAN](https://arxiv.org/abs/1411.1784)（Mirza 与 Osindero，2014）、[DCGAN](https://arxiv.org/abs/1511.06434)（Radford 等，2015）、
#   [ImprovedGAN](https://arxiv.org/abs/1606.03498)（Salimans 等，2016）、[InfoGAN](https://arxiv.org/abs/1606.03657)（Chen 等，2016）、
#   [SRGAN](https://arxiv.org/abs/1609.04802)（Ledig 等，2016）、[ACGAN](https://arxiv.org/abs/1610.09585)（Odena 等，2016）、
#   [LSGAN](https://arxiv.org/abs/1611.04076)（Mao 等，2016）、[pix2pix](https://arxiv.org/abs/1611.07004)（Isola 等，2016）、
#   [WGAN](https://arxiv.org/abs/1701.07875)（Arjovsky 等，2017）、[CycleGAN](https://arxiv.org/abs/1703.10593)（Zhu 等，2017）、
#   [WGAN-GP](https://arxiv.org/abs/1704.00028)（Gulrajani 等，2017）、[PGGAN](https://arxiv.org/abs/1710.10196)（Karras 等，2017）、
#   [StarGAN](https://arxiv.org/abs/1711.09020)（Choi 等，2017）、[PacGAN](https://arxiv.org/abs/1712.04086)（Lin 等，2017）、
#   [SNGAN](https://arxiv.org/abs/1802.05957)（Miyato 等，2018）、[ESRGAN](https://arxiv.org/abs/1809.00219)（Wang 等，2018）、
#   [BigGAN](https://arxiv.org/abs/1809.11096)（Brock 等，2018）、[StyleGAN](https://arxiv.org/abs/1812.04948)（Karras 等，2018）、
#   [StyleGAN2](https://arxiv.org/abs/1912.04958)（Karras 等，2019）。
#
# **延伸阅读**
#
# - Ian Goodfellow. *NIPS 2016 Tutorial: Generative Adversarial Networks*. 2016.
#   [arXiv:1701.00160](https://arxiv.org/abs/1701.00160)——GAN 作者本人写的长篇入门。
# - 李宏毅（台湾大学）的机器学习课程中的 GAN 系列讲座（中文）：[课程主页](https://speech.ee.ntu.edu.tw/~hylee/ml/2021-spring.php)。
# - Ian Goodfellow, Yoshua Bengio, Aaron Courville. *Deep Learning*. MIT Press, 2016.
#   [在线阅读](https://www.deeplearningbook.org/)——本课预备知识的系统讲解（第 6–9 章）。

# %% [markdown] lang="en"
# ## What you learned
#
# 1. A GAN is a generator and a discriminator trained against each other; it shines where the answer is not unique:
#    image translation, super-resolution, video prediction, data augmentation.
# 2. A per-pixel loss such as MSE returns the average of all possible answers (the conditional mean), a blurry
#    "ghost"; an adversarial loss forces one sharp answer.
# 3. After 2014, research ran along four threads: controlled generation, stable training, image translation, bigger
#    and sharper; when quoting a year, tell the arXiv date from the conference date.
# 4. Every lesson runs with `python -m gankit.lesson N [--quick]` or from the notebooks in `notebooks/`; quick mode
#    only shrinks the work, it skips no code.
# 5. Prerequisites: a neuron $z=\sum_k a_k w_k + b$; sigmoid and tanh saturate, LeakyReLU keeps a gradient for
#    negative inputs; cross-entropy after a sigmoid has gradient $(\hat y - y)x$; adaptive optimizers such as Adam
#    and RMSProp; convolution's local receptive fields and weight sharing; pooling.
#
# ## Exercises
#
# 1. **(Easy)** Apply `Conv2D(1, 3, strides=2, padding="same")` to the $5\times5$ picture of section 0.5: compute the
#    output size with the formula first, then run it. What is the size without padding (`padding="valid"`)?
#
#    <details><summary>Hint</summary>
#
#    With `padding="same"` the output side is $\lceil n/s\rceil$; with `"valid"` use $\lfloor (n - k)/s \rfloor + 1$.
#    </details>
#
# 2. **(Medium)** In the back-propagation demo, switch the loss to `keras.losses.MeanSquaredError()`, derive the new
#    gradient and verify it with `GradientTape`. For a saturated neuron, how small is this gradient compared with
#    the cross-entropy's?
#
#    <details><summary>Hint</summary>
#
#    Keras' MSE is $\frac1N\sum_i(\hat y_i - y_i)^2$, with no $\tfrac12$, so the gradient with respect to $w_k$ is
#    $\frac2N\sum_i(\hat y_i-y_i)\,\hat y_i(1-\hat y_i)\,x_{ik}$.
#    </details>
#
# 3. **(Medium)** In the "ghost" experiment, make the four directions unequally likely: right with probability 1/2,
#    the other three 1/6 each. What will the MSE prediction look like? Work out the brightest predicted pixel and the
#    MSE floor from the conditional mean first, then change the code, train and check.
#
#    <details><summary>Hint</summary>
#
#    The conditional mean weights the four futures by their probabilities, so the "right" ghost has brightness 1/2
#    and the others 1/6. Each ghost pixel has variance $p(1-p)$ and each ghost has 4 pixels; add the variances of the
#    16 pixels and divide by 144 for the floor. For training, repeat each start according to the probabilities (e.g.
#    three copies of the "right" example).
#    </details>
#
# 4. **(Open)** In the optimizer demo, raise SGD's learning rate to $10^{-2}$ and set Adam's $\beta_1$ to 0.5
#    (DCGAN's setting), then change the 10 in the function to 100 (the standard Rosenbrock function). Which optimizer
#    is the most robust? Can you explain why GANs often use a small $\beta_1$?
#
#    <details><summary>Hint</summary>
#
#    With too large a learning rate SGD bounces ever further between the valley's walls (print the function value at
#    every step to see whether it diverges). A smaller $\beta_1$ gives momentum a shorter memory; in a GAN the
#    "landscape" moves with the opponent, and a long memory can hurt — lessons 2 and 6 come back to this.
#    </details>
#
# Worked solutions to the first three are in `solutions/00_tour.py`. If the environment check did not find MNIST, get
# it as the check says: lesson 1 needs it.
#
# ## References
#
# - Ian Goodfellow, Jean Pouget-Abadie, Mehdi Mirza, Bing Xu, David Warde-Farley, Sherjil Ozair, Aaron Courville,
#   Yoshua Bengio. *Generative Adversarial Nets*. NIPS 2014. [arXiv:1406.2661](https://arxiv.org/abs/1406.2661)
# - Michael Mathieu, Camille Couprie, Yann LeCun. *Deep Multi-Scale Video Prediction beyond Mean Square Error*.
#   ICLR 2016. [arXiv:1511.05440](https://arxiv.org/abs/1511.05440) (MSE blurs video prediction, an adversarial loss
#   keeps it sharp)
# - Diederik P. Kingma, Jimmy Ba. *Adam: A Method for Stochastic Optimization*. ICLR 2015.
#   [arXiv:1412.6980](https://arxiv.org/abs/1412.6980)
# - The timeline's papers, in order: [GAN](https://arxiv.org/abs/1406.2661) (Goodfellow et al., 2014),
#   [CGAN](https://arxiv.org/abs/1411.1784) (Mirza & Osindero, 2014), [DCGAN](https://arxiv.org/abs/1511.06434)
#   (Radford et al., 2015), [ImprovedGAN](https://arxiv.org/abs/1606.03498) (Salimans et al., 2016),
#   [InfoGAN](https://arxiv.org/abs/1606.03657) (Chen et al., 2016), [SRGAN](https://arxiv.org/abs/1609.04802)
#   (Ledig et al., 2016), [ACGAN](https://arxiv.org/abs/1610.09585) (Odena et al., 2016),
#   [LSGAN](https://arxiv.org/abs/1611.04076) (Mao et al., 2016), [pix2pix](https://arxiv.org/abs/1611.07004)
#   (Isola et al., 2016), [WGAN](https://arxiv.org/abs/1701.07875) (Arjovsky et al., 2017),
#   [CycleGAN](https://arxiv.org/abs/1703.10593) (Zhu et al., 2017), [WGAN-GP](https://arxiv.org/abs/1704.00028)
#   (Gulrajani et al., 2017), [PGGAN](https://arxiv.org/abs/1710.10196) (Karras et al., 2017),
#   [StarGAN](https://arxiv.org/abs/1711.09020) (Choi et al., 2017), [PacGAN](https://arxiv.org/abs/1712.04086)
#   (Lin et al., 2017), [SNGAN](https://arxiv.org/abs/1802.05957) (Miyato et al., 2018),
#   [ESRGAN](https://arxiv.org/abs/1809.00219) (Wang et al., 2018), [BigGAN](https://arxiv.org/abs/1809.11096)
#   (Brock et al., 2018), [StyleGAN](https://arxiv.org/abs/1812.04948) (Karras et al., 2018),
#   [StyleGAN2](https://arxiv.org/abs/1912.04958) (Karras et al., 2019).
#
# **Further reading**
#
# - Ian Goodfellow. *NIPS 2016 Tutorial: Generative Adversarial Networks*. 2016.
#   [arXiv:1701.00160](https://arxiv.org/abs/1701.00160): a long introduction by the inventor of GANs.
# - Hung-yi Lee's (National Taiwan University) GAN lectures in his machine-learning course (in Mandarin):
#   [course page](https://speech.ee.ntu.edu.tw/~hylee/ml/2021-spring.php).
# - Ian Goodfellow, Yoshua Bengio, Aaron Courville. *Deep Learning*. MIT Press, 2016.
#   [Read online](https://www.deeplearningbook.org/): the prerequisites of this lesson in depth (chapters 6–9).

# %%
L.summary()

# %% [markdown] lang="zh"
# # 第 9 课 · 超分辨率：SRCNN → SRGAN → ESRGAN
#
# 把一张小图放大 4 倍，每个低分辨率像素要变成 $4\times4=16$ 个像素——多出来的 15 个从哪里来？
# **超分辨率**（超分）就是从低分辨率（LR）图像猜出高分辨率（HR）图像。同一张 LR 图对应无数张 HR 图（细节在下采样时丢掉了），
# 所以这是一个“一对多”的病态问题，也正是 GAN 能派上用场的地方。这一课依次做四件事：
#
# 1. **问题与评价**：双三次插值这个老基线；峰值信噪比（PSNR）和结构相似性（SSIM）怎么算，超分论文的惯例（只比 Y 通道、裁掉 4 像素边框）；
# 2. **SRCNN**（[Dong 等 2014](https://arxiv.org/abs/1501.00092)）：先双三次放大，再用三层卷积修补，损失是像素 MSE——第一个端到端的深度超分网络；
# 3. **SRResNet**：残差块 + 批归一化 + PReLU，用**亚像素卷积（像素重排）**在网络末端放大；先用像素 MSE 预训练；
# 4. **SRGAN 与 ESRGAN**：为什么 MSE 最优的输出一定发糊；**感知损失** = 内容损失（特征图上的 MSE）+ $10^{-3}$ × 对抗损失；
#    ESRGAN 的 RRDB、残差缩放和**相对判别器**；最后把 双三次 / SRCNN / SRResNet / SRGAN 放在一起，看表格、看放大的局部。
#
# 训练数据是 BSD100 的前 90 张照片加 scikit-image 自带的几张照片；评估用 **Set5**（×4 超分的标准测试集）和留出的照片
# （BSD100 的后 10 张、astronaut、chelsea），它们**从不参与训练**。快速模式（`GANKIT_QUICK=1`）一分钟左右跑完，只检查代码；
# 完整模式在 2 核 AVX-512 CPU 上真正训练，约需半小时（只有 AVX2 的 CPU 更慢）。

# %% [markdown] lang="en"
# # Lesson 9 · Super-resolution: SRCNN → SRGAN → ESRGAN
#
# Enlarge a small picture 4 times and every low-resolution pixel becomes $4\times4=16$ pixels — where do the 15 new ones
# come from? **Super-resolution** guesses a high-resolution (HR) image from a low-resolution (LR) one. Countless HR images
# share the same LR image (down-sampling threw their details away), so the problem is ill-posed, "one-to-many", and that is
# exactly where a GAN helps. This lesson does four things:
#
# 1. **The problem and its scores**: bicubic interpolation, the old baseline; how PSNR (peak signal-to-noise ratio) and
#    SSIM (structural similarity) are computed, and the convention of SR papers (Y channel only, 4-pixel border cut);
# 2. **SRCNN** ([Dong et al. 2014](https://arxiv.org/abs/1501.00092)): bicubic up-sampling, then three convolutions that repair it, trained
#    with pixel MSE — the first end-to-end deep SR network;
# 3. **SRResNet**: residual blocks + batch norm + PReLU, up-sampling at the end by **sub-pixel convolution (pixel
#    shuffle)**; pre-trained with pixel MSE;
# 4. **SRGAN and ESRGAN**: why the MSE-optimal output must be blurry; the **perceptual loss** = content loss (MSE between
#    feature maps) + $10^{-3}$ × adversarial loss; ESRGAN's RRDB, residual scaling and **relativistic discriminator**; finally
#    bicubic / SRCNN / SRResNet / SRGAN side by side, in a table and in zoomed crops.
#
# Training data: the first 90 photos of BSD100 plus a few photos shipped with scikit-image. Evaluation: **Set5** (the
# standard ×4 benchmark) and held-out photos (the last 10 of BSD100, astronaut, chelsea), **never trained on**. Quick mode
# (`GANKIT_QUICK=1`) takes about a minute and only checks the code; full mode trains for real and takes about half an
# hour on a 2-core AVX-512 CPU (slower on CPUs with only AVX2).

# %%
import pathlib, sys
_root = next((p for p in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents] if (p / "gankit").is_dir()), None)
if _root and str(_root) not in sys.path:
    sys.path.insert(0, str(_root))
from gankit.lesson import Lesson
L = Lesson(9)
L.needs("sr_patches", "sr_images")  # its datasets, checked before the first section

# %%
import time
import warnings

warnings.filterwarnings("ignore", message="Glyph")  # a missing CJK font only warns; figures still render
warnings.filterwarnings("ignore", message=".*shuffle=True.*")
warnings.filterwarnings("ignore", message=".*ran out of data.*")

import numpy as np
import keras
import tensorflow as tf
import matplotlib.pyplot as plt

from gankit import data, metrics, nets
from gankit.models import SRCNN, SRGAN, SRResNet
from gankit.losses import relativistic_d_loss, relativistic_g_loss
from gankit.nets import bicubic, vgg19_available, vgg19_features

tf.get_logger().setLevel("ERROR")
keras.utils.set_random_seed(0)
tt = L.label  # figure text: Chinese where a Chinese font exists, else English
SCALE = 4
print(f"Keras {keras.__version__} · TensorFlow {tf.__version__} · "
      + L.t("快速模式" if L.quick else "完整模式", "quick mode" if L.quick else "full mode"))

# %% [markdown] lang="zh"
# ## 9.1 问题、双三次插值与 PSNR / SSIM
#
# 低分辨率图像按惯例由 HR 图像**双三次下采样**得到（MATLAB `imresize` 的做法；这里用 PIL 的双三次缩放，同样带抗混叠）：
# $I^{LR}=\mathrm{down}_4(I^{HR})$。最简单的超分是把它再**双三次插值**放大回去：每个新像素是周围 $4\times4$ 个像素的加权和，
# 权重来自三次样条核。它平滑、不会“编造”细节，所以边缘和纹理都是糊的——这是所有方法要超过的基线。
#
# **PSNR**：两张取值在 $[0,1]$ 的图像，
#
# $$\mathrm{MSE}=\frac1{N}\sum_i (x_i-y_i)^2,\qquad \mathrm{PSNR}=10\log_{10}\frac{1}{\mathrm{MSE}}\ \text{dB}.$$
#
# MSE 每降一半，PSNR 升约 3 dB；超分论文里 0.3 dB 就算明显的进步。**SSIM**（Wang 等 2004）在 $11\times11$ 的高斯窗口里比较
# 局部均值、方差和协方差：$\mathrm{SSIM}=\frac{(2\mu_x\mu_y+C_1)(2\sigma_{xy}+C_2)}{(\mu_x^2+\mu_y^2+C_1)(\sigma_x^2+\sigma_y^2+C_2)}$，1 表示完全相同。
#
# **评价惯例**（本课所有数字都这样算）：先把 RGB 转成亮度 **Y 通道**（ITU-R BT.601：$Y=16+65.481R+128.553G+24.966B$，$R,G,B\in[0,1]$，再除以 255），
# 再**裁掉 4 像素的边框**（等于放大倍数），因为边框处卷积只看到一半邻域。HR 图先裁成 4 的倍数（modcrop）。
# 下面的代码手算一张图的 PSNR，确认它和 `gankit.metrics.psnr(..., y_channel=True, crop=4)` 一致。
#
# 数据从哪里来：`gankit.data.sr_images(split)` 返回整张图 `(name, lr, hr)`，`split` 为 `"set5"`、`"held_out"` 或 `"train"`；
# 离线时训练集是 `../shared/data/sr/BSD100` 的前 90 张和 scikit-image 的照片。联网时可以用 DIV2K（800 张 2K 训练图）：
# `data.load("sr_patches", source="div2k")` 通过 `tensorflow_datasets` 下载一次（约 4 GB）；离线时它给出清楚的错误提示。

# %% [markdown] lang="en"
# ## 9.1 The problem, bicubic interpolation, PSNR / SSIM
#
# By convention the LR image is the **bicubic down-sampling** of the HR image (what MATLAB's `imresize` does; here PIL's
# bicubic resize, antialiased in the same way): $I^{LR}=\mathrm{down}_4(I^{HR})$. The simplest SR method enlarges it again by
# **bicubic interpolation**: each new pixel is a weighted sum of the $4\times4$ pixels around it, with weights from a cubic
# spline kernel. It is smooth and never invents detail, so edges and textures come out blurred — the baseline every method
# has to beat.
#
# **PSNR**: for two images with values in $[0,1]$,
#
# $$\mathrm{MSE}=\frac1{N}\sum_i (x_i-y_i)^2,\qquad \mathrm{PSNR}=10\log_{10}\frac{1}{\mathrm{MSE}}\ \text{dB}.$$
#
# Halving the MSE adds about 3 dB; in SR papers 0.3 dB is a clear step forward. **SSIM** (Wang et al. 2004) compares local
# means, variances and covariance in an $11\times11$ Gaussian window:
# $\mathrm{SSIM}=\frac{(2\mu_x\mu_y+C_1)(2\sigma_{xy}+C_2)}{(\mu_x^2+\mu_y^2+C_1)(\sigma_x^2+\sigma_y^2+C_2)}$; 1 means identical.
#
# **The protocol** (every number in this lesson): convert RGB to the luma **Y channel** (ITU-R BT.601:
# $Y=16+65.481R+128.553G+24.966B$ with $R,G,B\in[0,1]$, divided by 255), then **cut a 4-pixel border** (the scale factor),
# where convolutions see only half a neighbourhood. HR images are first cropped to a multiple of 4 (modcrop). The code
# computes one picture's PSNR by hand and checks it equals `gankit.metrics.psnr(..., y_channel=True, crop=4)`.
#
# Where the data comes from: `gankit.data.sr_images(split)` returns whole pictures `(name, lr, hr)`, with `split` one of
# `"set5"`, `"held_out"`, `"train"`; offline the training photos are the first 90 of `../shared/data/sr/BSD100` and the
# scikit-image photos. Online, DIV2K (800 2K training photos) is one option away: `data.load("sr_patches", source="div2k")`
# downloads it once through `tensorflow_datasets` (about 4 GB); offline it stops with a clear message.

# %%
# Evaluation pictures: Set5 (the standard x4 benchmark) and held-out photos, never trained on.
# Quick mode keeps two of each and their central 96x96 (HR) crop, so the cell takes seconds.
EVAL_LIMIT = L.pick(full=None, quick=2)
EVAL_CROP = L.pick(full=None, quick=96)


def centre_crop(picture, size):
    if size is None:
        return picture
    h, w = picture.lr.shape[:2]
    s = min(size // SCALE, h, w)
    y, x = (h - s) // 2, (w - s) // 2
    return data.SRImage(picture.name, picture.lr[y:y + s, x:x + s],
                        picture.hr[SCALE * y:SCALE * (y + s), SCALE * x:SCALE * (x + s)])


eval_sets = {name: [centre_crop(p, EVAL_CROP) for p in data.sr_images(split, scale=SCALE, limit=EVAL_LIMIT)]
             for name, split in [("Set5", "set5"), ("held-out", "held_out")]}
train_names = {n for n, _ in data._sr_files("train")}
assert not train_names & {p.name for ps in eval_sets.values() for p in ps}  # never trained on
for name, pictures in eval_sets.items():
    print(L.t(f"{name}：{len(pictures)} 张图片，例如 {pictures[0].name}：LR {pictures[0].lr.shape} -> HR {pictures[0].hr.shape}",
              f"{name}: {len(pictures)} pictures, e.g. {pictures[0].name}: LR {pictures[0].lr.shape} -> "
              f"HR {pictures[0].hr.shape}"))

# PSNR by hand on one picture, Y channel, 4-pixel border cut: it must equal gankit.metrics.psnr.
picture = eval_sets["Set5"][0]
up = bicubic(picture.lr, SCALE)
to_y = lambda im: (16 + ((im + 1) / 2) @ np.array([65.481, 128.553, 24.966])) / 255  # noqa: E731  BT.601 luma
mse = np.mean((to_y(up)[4:-4, 4:-4] - to_y(picture.hr)[4:-4, 4:-4]) ** 2)
by_hand = 10 * np.log10(1.0 / mse)
library = metrics.psnr(up[None], picture.hr[None], y_channel=True, crop=SCALE)
print(L.t(f"{picture.name} 上的双三次插值：手算 PSNR {by_hand:.3f} dB，gankit.metrics.psnr {library:.3f} dB",
          f"bicubic on {picture.name}: PSNR by hand {by_hand:.3f} dB, gankit.metrics.psnr {library:.3f} dB"))
assert abs(by_hand - library) < 0.01

# %% [markdown] lang="zh"
# ## 9.2 SRCNN：双三次放大 + 三层卷积
#
# 训练不用整张图，而用随机切下的**成对小块**：`data.load("sr_patches", image_size=48)` 从训练照片里随机切 $48\times48$ 的 HR 块，
# 配上 LR 图中对齐的 $12\times12$ 块，再随机旋转/翻转（8 种）做数据增强；每个轮次都切新的块。
#
# SRCNN（Dong、Loy、何恺明、汤晓鸥 2014）先把 LR 图双三次放大到目标尺寸得到 $Y$，再用三层卷积把它“修”成 $F(Y)$：
#
# $$F_1=\max(0,W_1*Y+B_1),\quad F_2=\max(0,W_2*F_1+B_2),\quad F(Y)=W_3*F_2+B_3,$$
#
# 三层分别叫**图块提取**（$9\times9$，64 个滤波器）、**非线性映射**（$1\times1$，32 个）和**重建**（$5\times5$），
# 损失是像素 MSE $\frac1n\sum_i\|F(Y_i)-X_i\|^2$（Dong 等, 2014, 式 (1)–(4)）。今天看来它相当粗糙，却成了后来许多超分论文的基线。
# 论文用 SGD 训练了 $10^8$ 步；我们的 CPU 预算只够几百步（完整模式 735 步），所以换成 Adam（学习率按余弦从 $10^{-3}$ 降到 $10^{-5}$）。
# 注意它的三层卷积都在**放大后的**尺寸上做，计算量是在 LR 尺寸上做的 16 倍——下一节的 SRResNet 正是改了这一点。

# %% [markdown] lang="en"
# ## 9.2 SRCNN: bicubic up-sampling + three convolutions
#
# Training uses random **paired patches**, not whole pictures: `data.load("sr_patches", image_size=48)` cuts random
# $48\times48$ HR patches from the training photos with the aligned $12\times12$ patch of the LR image, randomly rotated or
# flipped (8 ways) as augmentation; every epoch cuts new patches.
#
# SRCNN (Dong, Loy, He and Tang 2014) first enlarges the LR image to the target size by bicubic interpolation, giving $Y$,
# then repairs it with three convolutions into $F(Y)$:
#
# $$F_1=\max(0,W_1*Y+B_1),\quad F_2=\max(0,W_2*F_1+B_2),\quad F(Y)=W_3*F_2+B_3,$$
#
# called **patch extraction** ($9\times9$, 64 filters), **non-linear mapping** ($1\times1$, 32) and **reconstruction**
# ($5\times5$); the loss is pixel MSE $\frac1n\sum_i\|F(Y_i)-X_i\|^2$ (Dong et al., 2014, Eqs. 1–4). It looks rather crude
# today, yet it became the baseline of many later SR papers. The paper trains with SGD for $10^8$ steps; our CPU budget
# allows a few hundred (735 in full mode), so we use Adam (learning rate falling along a cosine from $10^{-3}$ to $10^{-5}$). Note that all three
# convolutions run at the **enlarged** size, 16 times the work of running at LR size — the very thing SRResNet changes.

# %%
HR_PATCH = L.pick(full=48, quick=32)          # HR patch side; the LR patch is HR_PATCH / 4
BATCH = L.pick(full=16, quick=8)
PATCHES = L.pick(full=40, quick=1)            # patches per training photo and epoch (full: 245 steps)
LIMIT = L.pick(full=None, quick=16)           # training photos (quick: the first 16)
train = data.load("sr_patches", split="train", batch_size=BATCH, image_size=HR_PATCH, limit=LIMIT,
                  patches_per_image=PATCHES, seed=0)
steps_per_epoch = sum(1 for _ in train)
lr_batch, hr_batch = next(iter(train))
print(L.t(f"一个批次：LR {tuple(lr_batch.shape)}，HR {tuple(hr_batch.shape)}；每轮 {steps_per_epoch} 步",
          f"one batch: LR {tuple(lr_batch.shape)}, HR {tuple(hr_batch.shape)}; {steps_per_epoch} steps per epoch"))
assert hr_batch.shape[1] == SCALE * lr_batch.shape[1]

fig, axes = plt.subplots(2, 4, figsize=(8, 4.2))
for i in range(4):
    axes[0, i].imshow(data.to_uint8(lr_batch[i]), interpolation="nearest")
    axes[1, i].imshow(data.to_uint8(hr_batch[i]))
    for a in axes[:, i]:
        a.axis("off")
axes[0, 0].set_title(tt("低分辨率输入", "LR input"), fontsize=9, loc="left")
axes[1, 0].set_title(tt("高分辨率目标", "HR target"), fontsize=9, loc="left")
L.show(fig, "patches")

# %%
timings = {}


def cosine_adam(epochs, peak=3e-4):
    """Adam whose learning rate falls from ``peak`` to 1 % of it along a cosine over the run.
    SRCNN trains well at 1e-3; SRResNet (batch norm, PReLU) needs 3e-4: at 1e-3 its detail branch
    collapsed to zero and it stayed exactly bicubic interpolation (see 9.3)."""
    return keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(peak, epochs * steps_per_epoch, alpha=0.01))


SRCNN_EPOCHS = L.epochs(full=3, quick=1)
srcnn = SRCNN(scale=SCALE)
srcnn.compile(optimizer=cosine_adam(SRCNN_EPOCHS, peak=1e-3))
start = time.time()
srcnn_history = srcnn.fit(train, epochs=SRCNN_EPOCHS, callbacks=L.callbacks("srcnn"), verbose=0)
timings["SRCNN"] = time.time() - start
print("SRCNN: " + L.t(f"{srcnn.net.count_params():,} 个权重，{SRCNN_EPOCHS} 轮用时 {timings['SRCNN'] / 60:.1f} 分钟，"
                     f"最终 MSE {srcnn_history.history['loss'][-1]:.4f}",
                     f"{srcnn.net.count_params():,} weights, {SRCNN_EPOCHS} epochs in {timings['SRCNN'] / 60:.1f} min, "
                     f"final MSE {srcnn_history.history['loss'][-1]:.4f}"))
assert np.isfinite(srcnn_history.history["loss"][-1])
L.record(srcnn_epochs=SRCNN_EPOCHS, srcnn_minutes=timings["SRCNN"] / 60)

# %% [markdown] lang="zh"
# ## 9.3 SRResNet：残差块与亚像素卷积
#
# SRGAN 的生成器（[Ledig 等 2017](https://arxiv.org/abs/1609.04802)，图 4）全部在 **LR 尺寸**上计算，到最后才放大：
#
# - $9\times9$ 卷积 + PReLU，然后 $B$ 个**残差块**：conv3×3 → BN → PReLU → conv3×3 → BN，再加上输入 $x$（输出 $x+f(x)$，
#   网络只需学“改动量”，几十层也好训练）；再一个 conv + BN，加上跨越所有残差块的跳跃连接；
# - **PReLU**：$\max(0,x)+a\min(0,x)$，负半轴斜率 $a$ 是可学习的（每个通道一个）；
# - **亚像素卷积**（[Shi 等 2016](https://arxiv.org/abs/1609.05158)）：先用卷积把通道数变成 $C r^2$，再用**像素重排**（pixel shuffle，`depth_to_space`）把
#   $(H,W,Cr^2)$ 排成 $(rH,rW,C)$：输出像素 $(y,x,c)$ 取自输入 $(\lfloor y/r\rfloor,\lfloor x/r\rfloor,\ C r\,(y \bmod r)+C\,(x \bmod r)+c)$。
#   每个输出像素恰好由一个输入位置算出，所以没有转置卷积那种由**重叠不均**造成的棋盘格伪影（[Odena 等 2016](https://distill.pub/2016/deconv-checkerboard/)）；
#   但它并非对所有格点纹理免疫：一个 $r\times r$ 块里的 $r^2$ 个子像素各由一组不同的卷积核算出，初始化或训练得不好、这几组核彼此不同时，
#   输出就会每隔 $r$ 个像素重复同一个图案——一种**周期性的格点纹理**（9.8 节会看到）。[Aitken 等（2017）](https://arxiv.org/abs/1707.02937)
#   提出 **ICNR 初始化**：让 $r^2$ 组子卷积核一开始完全相同，网络起步时就等价于“卷积 + 最近邻放大”，没有格点纹理。
#   gankit 的 SRResNet 默认就用它（`icnr=True`，初始化器是 `nets.ICNR`），效果在 9.8 节量给你看；练习 3 请你亲手实现一遍。
#   所有卷积都在小尺寸上做；×4 就是两级 ×2。
# - 最后 $9\times9$ 卷积输出图像。
#
# 论文用 16 个残差块、64 个通道（约 150 万参数），在 ImageNet 的 35 万张图上训练 $10^6$ 步。完整模式**保留论文的网络**
# （16 块 × 64 通道）和论文的 **96 像素 HR 块**（本课其他模型用 48 像素），只是步数少得多：12 个轮次，共 2,940 步。
# 先说块的大小：网络的**感受野**有几十个 LR 像素宽（$9\times9$ 卷积半径 4，
# 每个 $3\times3$ 卷积再加 1：8 个残差块约 47 像素，16 个约 79 像素），而 48 像素的 HR 块只有 12 个 LR 像素——训练时它看到的
# 大部分是卷积补的 0，测试时面对的却是整张图——换成 96 像素的块，同样的小网络在留出照片上多涨约 0.1 dB。再说网络大小：
# 8 块 × 32 通道的小网络在 1,500 步左右就到顶（比双三次高约 0.9 dB）；论文大小的网络每步贵 3 倍多，同样的步数下却更高、还在涨。
# 在固定的计算预算里，宁可少走几步，也要给网络足够的容量和上下文。
# 还有一处**与论文不同**：`residual=True` 把 LR 图的双三次放大加到输出上，
# 最后一层卷积初始化为 0（VDSR，Kim 等 2016 的全局残差）——网络一开始就等于双三次插值，只学缺掉的细节，
# 所以从第一步起就不会比基线差；论文的版本（tanh 输出）要先花很多步学会“复制”输入。像素 MSE 预训练出的这个网络就是 **SRResNet**，也是下一阶段 GAN 的起点。
#
# **学习率**：论文用 Adam($10^{-4}$) 训练 $10^6$ 步；我们只有约 3,000 步，想加快一点。但峰值学习率设成 $10^{-3}$
# （SRCNN 在这个值上练得很好）时，SRResNet 的“细节”分支很快塌成 0——输出**一直等于**双三次插值，Set5 上一分不涨：
# 带 BN 和 PReLU 的深一些的网络在大学习率下不稳，而“什么都不加”是最安全的解。峰值取 $3\times10^{-4}$（按余弦降到 1%）时，
# 几百步就比双三次高出约 0.8 dB。遇到“损失不降、输出和基线一模一样”，先把学习率降几倍试试。

# %% [markdown] lang="en"
# ## 9.3 SRResNet: residual blocks and sub-pixel convolution
#
# SRGAN's generator ([Ledig et al. 2017](https://arxiv.org/abs/1609.04802), fig. 4) computes everything at **LR size** and enlarges only at the end:
#
# - a $9\times9$ conv + PReLU, then $B$ **residual blocks**: conv3×3 → BN → PReLU → conv3×3 → BN, plus the input $x$
#   (output $x+f(x)$: each block learns only a change, so dozens of layers still train); one more conv + BN, plus a skip
#   connection over all blocks;
# - **PReLU**: $\max(0,x)+a\min(0,x)$ with a learned negative slope $a$ (one per channel);
# - **sub-pixel convolution** ([Shi et al. 2016](https://arxiv.org/abs/1609.05158)): a conv brings the channels to $C r^2$, then **pixel shuffle**
#   (`depth_to_space`) rearranges $(H,W,Cr^2)$ into $(rH,rW,C)$: output pixel $(y,x,c)$ comes from input
#   $(\lfloor y/r\rfloor,\lfloor x/r\rfloor,\ C r\,(y \bmod r)+C\,(x \bmod r)+c)$. Each output pixel is computed from
#   exactly one input position, so there is none of the **uneven overlap** that gives transposed convolutions their
#   checkerboard artefacts ([Odena et al. 2016](https://distill.pub/2016/deconv-checkerboard/)). It is not immune to
#   grid patterns, though: the $r^2$ sub-pixels of an $r\times r$ block come from $r^2$ different sets of kernels, and
#   if these differ — badly initialised or badly trained — the output repeats one pattern every $r$ pixels, a
#   **periodic grid texture** (seen in 9.8). [Aitken et al. (2017)](https://arxiv.org/abs/1707.02937) propose **ICNR
#   initialisation**: make the $r^2$ sets of kernels identical at the start, so that the network begins as "convolution +
#   nearest-neighbour enlargement", free of the grid. gankit's SRResNet uses it by default (`icnr=True`, the initialiser
#   `nets.ICNR`); 9.8 measures what it changes, and exercise 3 has you implement it. Every conv stays small; ×4 is two
#   ×2 stages.
# - a final $9\times9$ conv gives the image.
#
# The paper uses 16 blocks of 64 channels (about 1.5 M weights) and $10^6$ steps on 350 thousand ImageNet pictures. Full
# mode **keeps the paper's network** (16 blocks × 64 channels) and the paper's **96-pixel HR patches** (the other models
# here use 48), only with far fewer steps: 12 epochs, 2,940 steps. Patch size first: the network's **receptive field**
# is dozens of LR pixels wide (radius 4 for the $9\times9$
# conv, 1 more for each $3\times3$ conv: about 47 pixels with 8 residual blocks, 79 with 16), while a 48-pixel HR patch
# is only 12 LR pixels — in training it saw mostly the convolutions' zero padding, at test time whole pictures; with
# 96-pixel patches the same small network gains about 0.1 dB more on the held-out photos. Then network size: 8 blocks ×
# 32 channels level off around 1,500 steps (about 0.9 dB above bicubic); the paper's network costs over 3 times as
# much per step, yet is higher at the same number of steps and still climbing. On a fixed compute budget, fewer steps
# with enough capacity and context beat many steps without.
# One more
# **departure from the paper**: `residual=True` adds the bicubic enlargement of the LR image to the output, with the last
# conv initialised to 0 (VDSR's global residual, Kim et al. 2016) — the network starts out as bicubic interpolation and only
# learns the missing detail, so it is never worse than the baseline from the first step; the paper's version (tanh output)
# first spends many steps learning to copy its input.
# Pre-trained with pixel MSE, this network is **SRResNet**, and the starting point of the GAN stage.
#
# **The learning rate**: the paper uses Adam($10^{-4}$) for $10^6$ steps; we have about 3,000 steps and want to go
# faster. But with a peak learning rate of $10^{-3}$ (at which SRCNN trains well) SRResNet's "detail" branch soon
# collapses to zero: its output stays **exactly** bicubic interpolation and Set5 does not gain a thing — a deeper
# network with BN and PReLU is unstable at a large learning rate, and "add nothing" is the safest answer. With a peak
# of $3\times10^{-4}$ (falling along a cosine to 1 %) it is about 0.8 dB above bicubic within a few hundred steps.
# When a loss stops falling and the output equals the baseline, try a learning rate a few
# times smaller first.

# %%
# Pixel shuffle: 4 channels of a 1x1 pixel become one channel of a 2x2 block.
x = np.arange(8, dtype="float32").reshape(1, 1, 2, 4)   # one row of 2 pixels, 4 channels each
y = np.asarray(nets.PixelShuffle(2)(x))
print(L.t("输入像素（各通道）：", "input pixels (channels):"), x[0, 0].tolist())
print(L.t("像素重排之后（2x4，一个通道）：\n", "after pixel shuffle (2x4, one channel):\n"), y[0, :, :, 0])
assert y.shape == (1, 2, 4, 1) and y[0, :, :2, 0].tolist() == [[0, 1], [2, 3]]

BLOCKS, FILTERS = L.pick(full=(16, 64), quick=(2, 16))  # full: the paper's size
srresnet = SRResNet(scale=SCALE, blocks=BLOCKS, filters=FILTERS, residual=True)
print("SRResNet: " + L.t(f"{BLOCKS} 个残差块 x {FILTERS} 个滤波器，{srresnet.net.count_params():,} 个权重（论文：16 x 64，1.5 M）",
                        f"{BLOCKS} residual blocks x {FILTERS} filters, {srresnet.net.count_params():,} weights "
                        "(the paper: 16 x 64, 1.5 M)"))

# %%
# SRResNet trains on the paper's 96-pixel HR patches (24 LR pixels): its receptive field is about 79 LR pixels
# wide, and on 48-pixel patches (12 LR pixels) most of what it saw was zero padding (measured in 9.3).
SRRESNET_PATCH = L.pick(full=96, quick=32)
train_srresnet = data.load("sr_patches", split="train", batch_size=BATCH, image_size=SRRESNET_PATCH, limit=LIMIT,
                           patches_per_image=PATCHES, seed=1)
SRRESNET_EPOCHS = L.epochs(full=12, quick=1)
srresnet.compile(optimizer=cosine_adam(SRRESNET_EPOCHS))
start = time.time()
srresnet_history = srresnet.fit(train_srresnet, epochs=SRRESNET_EPOCHS, callbacks=L.callbacks("srresnet"), verbose=0)
timings["SRResNet"] = time.time() - start
print("SRResNet: " + L.t(f"{SRRESNET_EPOCHS} 轮（{SRRESNET_EPOCHS * steps_per_epoch} 步）用时 "
                        f"{timings['SRResNet'] / 60:.1f} 分钟，最终 MSE {srresnet_history.history['loss'][-1]:.4f}",
                        f"{SRRESNET_EPOCHS} epochs ({SRRESNET_EPOCHS * steps_per_epoch} steps) in "
                        f"{timings['SRResNet'] / 60:.1f} min, final MSE {srresnet_history.history['loss'][-1]:.4f}"))
assert np.isfinite(srresnet_history.history["loss"][-1])
L.record(srresnet_epochs=SRRESNET_EPOCHS, srresnet_minutes=timings["SRResNet"] / 60)
srresnet.save(L.path("srresnet.keras"))
srcnn.save(L.path("srcnn.keras"))

# %% [markdown] lang="zh"
# ## 9.4 为什么 MSE 最优的输出会发糊
#
# 设同一张 LR 图可能来自多张 HR 图 $x^{(1)},\dots,x^{(K)}$（比如一条边缘的确切位置在下采样时丢了）。对 MSE 来说，
# 最优的输出是它们的**条件均值** $\hat x=\mathbb E[x\mid I^{LR}]$——因为 $\mathbb E\|\hat x-x\|^2$ 在 $\hat x$ 取均值时最小。
# 可几条位置不同的清晰边缘平均起来，就是一条**模糊的斜坡**：它离每个候选都“不太远”，却不是任何一张真实图像。
# 高 PSNR 恰恰奖励这种折中。下面用一维的例子算一算：4 个同样可能的阶跃，平均值的期望 MSE 比任何一个清晰的候选都低，但它更“缓”。
#
# SRGAN 的思路：不要求输出接近均值，而要求它落在**自然图像的流形上**——由判别器来判断“像不像真的 HR 图”。
# 输出会选定**一个**清晰的候选，PSNR 因此往往略低（选错位置要付两倍的误差），但看起来更锐利、更真实。

# %% [markdown] lang="en"
# ## 9.4 Why the MSE-optimal output is blurry
#
# Suppose one LR image may come from several HR images $x^{(1)},\dots,x^{(K)}$ (say the exact position of an edge was lost
# in down-sampling). For MSE the best output is their **conditional mean** $\hat x=\mathbb E[x\mid I^{LR}]$, since
# $\mathbb E\|\hat x-x\|^2$ is smallest when $\hat x$ is the mean. But several sharp edges at different positions average to
# a **blurry ramp**: "not too far" from every candidate, yet not a real image at all. High PSNR rewards exactly this
# compromise. The 1-D example below computes it: 4 equally likely steps; the mean's expected MSE is lower than that of any
# sharp candidate, and it is less steep.
#
# SRGAN's idea: do not ask the output to be near the mean, ask it to lie **on the manifold of natural images** — judged by
# a discriminator that tells real HR patches from generated ones. The output commits to **one** sharp candidate, so its
# PSNR is often a little lower (a wrong guess costs twice the error), but it looks crisper and more real.

# %%
# A 1-D "texture": a sharp step whose exact position the LR signal cannot tell (one of 4 shifts).
n, shifts = 32, [12, 13, 14, 15]
candidates = np.array([np.where(np.arange(n) < s, -1.0, 1.0) for s in shifts])   # all equally plausible
mse_optimal = candidates.mean(axis=0)                                            # what MSE training learns
expected_mse = lambda guess: np.mean([(guess - c) ** 2 for c in candidates])      # noqa: E731
sharpest_guess = candidates[1]
print(L.t(f"猜平均值（模糊）的期望 MSE：{expected_mse(mse_optimal):.3f}；猜一个清晰、合理的答案：{expected_mse(sharpest_guess):.3f}",
          f"expected MSE of the mean (blurry) guess: {expected_mse(mse_optimal):.3f}; "
          f"of a sharp, plausible guess: {expected_mse(sharpest_guess):.3f}"))
assert expected_mse(mse_optimal) < expected_mse(sharpest_guess)
gradient = lambda s: np.abs(np.diff(s)).max()  # noqa: E731  steepest step: sharpness
assert gradient(mse_optimal) < gradient(sharpest_guess)

fig, ax = plt.subplots(figsize=(7, 2.6))
for c in candidates:
    ax.plot(c, color="0.75", lw=1)
ax.plot(mse_optimal, "C3", lw=2, label=tt("MSE 最优：平均", "MSE-optimal: the mean"))
ax.plot(sharpest_guess, "C0--", lw=1.5, label=tt("一个清晰的候选", "one sharp candidate"))
ax.set_xlabel("x")
ax.legend(fontsize=8)
L.show(fig, "mse_blur_toy")

# %% [markdown] lang="zh"
# ## 9.5 SRGAN：感知损失 = 内容损失 + 10⁻³ × 对抗损失
#
# SRGAN 的生成器损失是**感知损失**（Ledig 等, 2017, 式 (3)、(5)、(6)）：
#
# $$l^{SR}=\underbrace{\frac{1}{W_{i,j}H_{i,j}}\sum_{x=1}^{W_{i,j}}\sum_{y=1}^{H_{i,j}}\big\|\phi_{i,j}(I^{HR})_{x,y}-\phi_{i,j}(G(I^{LR}))_{x,y}\big\|^2}_{\text{内容损失 } l^{SR}_X}
# \;+\;10^{-3}\underbrace{\sum_n -\log D\big(G(I^{LR}_n)\big)}_{\text{对抗损失 } l^{SR}_{Gen}} ,$$
#
# $\phi_{i,j}$ 是一个固定网络的特征图（宽 $W_{i,j}$、高 $H_{i,j}$，每个位置是一个 $C$ 维向量）。论文用 ImageNet 上训练好的 VGG19 第 5 段第 4 个卷积的特征（“VGG54”，除以 12.75 缩放）：
# 在特征空间里比较，允许像素位置上的小偏差，更看重边缘和纹理对不对。对抗项用非饱和形式 $-\log D(G(\cdot))$（第 1 课）。
# 判别器（图 4）是 8 个 $3\times3$ 卷积（64 → 512 通道，每两层步长 2 减半尺寸，LeakyReLU(0.2)，除第一层外都有 BN），
# 再接 Dense(1024) 和一个 logit；它看的是固定大小的 HR 块，而生成器是全卷积的，`upscale(image)` 可以处理任意尺寸的整图
# （边框先镜像填充 8 个像素，放大后再裁掉，避免卷积的零填充把边缘压暗）。
#
# **内容损失的归一化**：论文只除以特征图的宽和高 $W_{i,j}H_{i,j}$，通道是求和的；gankit 的 `SRGAN.content_loss` 用 `losses.mse`，
# 对批次、宽、高**和通道**一起取平均，也就是再多除以通道数 $C$（批次上取平均与论文对各图求平均一致）。对一个固定的特征层，$C$ 是常数，
# 所以两者只差一个常数因子：内容损失自身的最优解和梯度方向不变，只是数值小了 $C$ 倍，等于把对抗项的相对权重放大了 $C$ 倍。
# 取平均的好处是损失的数值不随所选的层（64 到 512 个通道）变化；代价是论文的 $10^{-3}$ 不能原样照搬——本课还要用特征的均方根做校准（见下文），
# 实际的平衡由校准和 `adv_weight` 一起决定。
#
# **本课实际用了哪种特征**：`keras.applications.VGG19(weights="imagenet")` 需要下载权重，不联网时下载会失败。
# 代码先检测（缓存里有就用，能下载就下载），失败时改用**本课自己训练的特征提取器**：9.2 节训练好的 SRCNN 的前两层
# （$9\times9$ 图块提取 + $1\times1$ 非线性映射，ReLU 之后，冻结）。它是低层的边缘/纹理特征，相当于论文里的 “VGG22” 变体，
# 比 VGG54 更接近像素损失。这些特征的数值很小，所以先除以它们在几批训练图块上的均方根（论文把 VGG 特征除以 12.75 也是同一个用意），
# 让内容损失成为一个“相对误差”（约 0.01–0.1），$10^{-3}$ 倍的对抗项才是论文里那样的小修正；不校准时对抗项反客为主，
# 输出满是网格状纹理（9.8 节有这次的对照）。下面一行会打印这次运行实际用的是哪一个、为什么。GAN 阶段从 SRResNet 的权重出发，两个网络都用 Adam($10^{-4}$)。
# 为了省 CPU，每一步只前向一次，用同一次前向分别更新判别器和生成器（各自的梯度带只更新自己的权重）；论文是交替更新的。

# %% [markdown] lang="en"
# ## 9.5 SRGAN: perceptual loss = content loss + 10⁻³ × adversarial loss
#
# SRGAN's generator loss is the **perceptual loss** (Ledig et al., 2017, Eqs. 3, 5 and 6)
#
# $$l^{SR}=\underbrace{\frac{1}{W_{i,j}H_{i,j}}\sum_{x=1}^{W_{i,j}}\sum_{y=1}^{H_{i,j}}\big\|\phi_{i,j}(I^{HR})_{x,y}-\phi_{i,j}(G(I^{LR}))_{x,y}\big\|^2}_{\text{content loss } l^{SR}_X}
# \;+\;10^{-3}\underbrace{\sum_n -\log D\big(G(I^{LR}_n)\big)}_{\text{adversarial loss } l^{SR}_{Gen}} ,$$
#
# with $\phi_{i,j}$ the feature maps of a fixed network (width $W_{i,j}$, height $H_{i,j}$, a $C$-vector at each position). The paper uses the 4th conv of the 5th block of an ImageNet VGG19
# ("VGG54", scaled by 1/12.75): comparing in feature space tolerates small shifts in pixel positions and cares about whether
# edges and textures are right. The adversarial term is the non-saturating $-\log D(G(\cdot))$ of lesson 1. The
# discriminator (fig. 4) has 8 convs of $3\times3$ (64 → 512 channels, stride 2 every second layer, LeakyReLU(0.2), BN on all
# but the first), then Dense(1024) and a logit; it sees fixed-size HR patches, while the generator is fully convolutional
# and `upscale(image)` takes whole pictures of any size (the border is mirrored by 8 pixels first and cut off after
# enlarging, so the convolutions' zero padding does not darken the edges).
#
# **How the content loss is normalised**: the paper divides only by the feature map's width and height $W_{i,j}H_{i,j}$
# and sums over the channels; gankit's `SRGAN.content_loss` uses `losses.mse`, which averages over batch, width, height
# **and channels**, i.e. it also divides by the number of channels $C$ (averaging over the batch matches the paper's
# mean over images). For a fixed feature layer $C$ is a constant, so the two differ by a constant factor: the content
# loss's own optimum and gradient direction are unchanged, it is just $C$ times smaller — which makes the adversarial
# term $C$ times heavier relative to it. The mean keeps the loss's size independent of the layer chosen (64 to 512
# channels); the price is that the paper's $10^{-3}$ cannot be copied blindly — this lesson also calibrates the
# features by their root mean square (below), and the balance is set by that calibration together with `adv_weight`.
#
# **Which features this lesson used**: `keras.applications.VGG19(weights="imagenet")` needs a download, which fails
# offline. The code checks first (cached weights are used, a download is tried where allowed) and
# otherwise uses **a feature extractor this lesson trained itself**: the first two layers of the SRCNN from 9.2 ($9\times9$
# patch extraction + $1\times1$ mapping, after ReLU, frozen). These are low-level edge and texture features, like the
# paper's "VGG22" variant, closer to a pixel loss than VGG54. Their values are small, so they are first divided by their
# root mean square on a few batches of training patches (the paper divides VGG's features by 12.75 for the same reason):
# the content loss becomes a relative error (about 0.01–0.1) and $10^{-3}$ × the adversarial loss is the small correction
# it is in the paper; uncalibrated, the adversarial term took over and filled the output with a grid-like texture (see
# 9.8). The line below prints which one ran and why. The GAN stage
# starts from SRResNet's weights, with Adam($10^{-4}$) for both networks. To save CPU, each step runs the networks forward
# once and updates the discriminator and the generator from that same pass (each tape updates only its own network's
# weights); the paper alternates the two updates.

# %%
# The content loss's features: VGG19 (ImageNet) where its weights can be loaded, else SRCNN's two
# feature layers trained in 9.2 (a feature extractor this lesson trained itself).
available, why = vgg19_available()
features, content_source = None, why
if available is not False:
    try:
        features, content_source = vgg19_features(), "VGG19 (ImageNet), block5_conv4 / 12.75"
    except Exception as err:  # noqa: BLE001  no network, firewall, damaged download
        content_source = f"VGG19's ImageNet weights could not be loaded ({type(err).__name__})"
if features is None:
    # calibrated: divided by their RMS on HR patches, so the content loss is a relative error like the
    # paper's VGG54 / 12.75 and 10⁻³ × the adversarial loss stays a small correction (see 9.8)
    features = srcnn.features(calibrate=np.concatenate([hr for _, hr in train.take(4)]))
    content_source = L.t(f"VGG19 的 ImageNet 权重用不了（{content_source}），改用 9.2 节训练的 SRCNN 的两层特征",
                         f"{content_source}; using the two feature layers of the SRCNN trained in 9.2")
print(L.t("内容损失用的特征：", "content loss features: ") + content_source)
L.record(content_features=features.name, content_source=content_source)


def gan_from_srresnet(adversarial):
    """An SRGAN whose generator starts as a copy of the trained SRResNet (the paper's initialisation)."""
    generator = keras.models.clone_model(srresnet.generator)
    generator.set_weights(srresnet.generator.get_weights())
    # d_blur: a binomial blur before each stride-2 conv of the discriminator (not in the paper): without it
    # the discriminator's aliasing paints a x4 grid into SRGAN's output (measured in 9.8)
    return SRGAN(generator=generator, scale=SCALE, hr_size=HR_PATCH, d_filters=L.pick(32, 8),
                 adversarial=adversarial, feature_extractor=features, residual=True, d_blur=True, seed=0)


srgan = gan_from_srresnet("standard")
print(L.t(f"判别器：{srgan.discriminator.count_params():,} 个权重，输入 {HR_PATCH}x{HR_PATCH} 的图块",
          f"discriminator: {srgan.discriminator.count_params():,} weights on {HR_PATCH}x{HR_PATCH} patches"))

GAN_EPOCHS = L.epochs(full=1, quick=1)
srgan.compile()
start = time.time()
srgan_history = srgan.fit(train, epochs=GAN_EPOCHS, callbacks=L.callbacks("srgan"), verbose=0)
timings["SRGAN"] = time.time() - start
L.record_history("srgan", srgan_history)
L.record(gan_epochs=GAN_EPOCHS, srgan_minutes=timings["SRGAN"] / 60)
assert all(np.isfinite(v[-1]) for v in srgan_history.history.values())
print({k: round(v[-1], 4) for k, v in srgan_history.history.items()})
srgan.save(L.path("srgan.keras"))

# %% [markdown] lang="zh"
# ## 9.6 ESRGAN：相对判别器
#
# ESRGAN（[Wang 等 2018](https://arxiv.org/abs/1809.00219)）在 SRGAN 上做了三处改动：
#
# 1. **RRDB**（残差中的残差密集块）取代残差块，并**去掉所有 BN**——BN 在训练和测试时统计量不同，会带来伪影；
#    深网络靠**残差缩放**（每个残差分支乘 0.2 再相加）保持稳定；
# 2. **相对平均判别器**（RaD，源自 [Jolicoeur-Martineau](https://arxiv.org/abs/1807.00734) 的 RaGAN；Wang 等, 2018, 式 (1)、(2)）：判别器不再回答“这张是真的吗”，而是回答
#    “真图是否比假图**平均而言**更真”：$D_{Ra}(x_r,x_f)=\sigma\big(C(x_r)-\mathbb E_{x_f}[C(x_f)]\big)$，$C$ 是 logit。
#
# $$L_D^{Ra}=-\mathbb E_{x_r}\big[\log D_{Ra}(x_r,x_f)\big]-\mathbb E_{x_f}\big[\log\big(1-D_{Ra}(x_f,x_r)\big)\big],$$
# $$L_G^{Ra}=-\mathbb E_{x_r}\big[\log\big(1-D_{Ra}(x_r,x_f)\big)\big]-\mathbb E_{x_f}\big[\log D_{Ra}(x_f,x_r)\big].$$
#
#    生成器的损失里**也有真图那一项**，所以它同时从真、假两边得到梯度；论文说这样边缘更锐利、纹理更细。
# 3. 感知损失用**激活之前**的特征（ReLU 之后的深层特征很稀疏，亮度也会偏）。
#
# gankit 的 `SRGAN(adversarial="relativistic")` 实现第 2 点；下面先手算 $L_D^{Ra}$、$L_G^{Ra}$ 与库函数对照，再从同一个 SRResNet 出发训练一遍。
# RRDB 可以自己动手实现（练习 4）。

# %% [markdown] lang="en"
# ## 9.6 ESRGAN: the relativistic discriminator
#
# ESRGAN ([Wang et al. 2018](https://arxiv.org/abs/1809.00219)) changes SRGAN in three places:
#
# 1. **RRDB** (residual-in-residual dense blocks) replace the residual blocks, and **all BN layers go** — BN's statistics
#    differ between training and testing and cause artefacts; **residual scaling** (each residual branch times 0.2 before the
#    sum) keeps the deep network stable;
# 2. the **relativistic average discriminator** (RaD, from [Jolicoeur-Martineau](https://arxiv.org/abs/1807.00734)'s RaGAN;
#    Wang et al., 2018, Eqs. 1–2): instead of "is this image real?"
#    it answers "is the real image more real than the fakes **on average**?":
#    $D_{Ra}(x_r,x_f)=\sigma\big(C(x_r)-\mathbb E_{x_f}[C(x_f)]\big)$, with $C$ the logit.
#
# $$L_D^{Ra}=-\mathbb E_{x_r}\big[\log D_{Ra}(x_r,x_f)\big]-\mathbb E_{x_f}\big[\log\big(1-D_{Ra}(x_f,x_r)\big)\big],$$
# $$L_G^{Ra}=-\mathbb E_{x_r}\big[\log\big(1-D_{Ra}(x_r,x_f)\big)\big]-\mathbb E_{x_f}\big[\log D_{Ra}(x_f,x_r)\big].$$
#
#    The generator's loss **has a term for the real images too**, so it gets gradients from both sides; the paper reports
#    sharper edges and finer textures.
# 3. the perceptual loss uses features **before activation** (deep features after ReLU are sparse and shift brightness).
#
# gankit's `SRGAN(adversarial="relativistic")` implements point 2; below, $L_D^{Ra}$ and $L_G^{Ra}$ by hand are checked
# against the library, then a second GAN is trained from the same SRResNet. RRDB is yours to implement (exercise 4).

# %%
# The relativistic average losses written out, checked against the library's.
real_logits, fake_logits = tf.constant([[1.5], [0.5]]), tf.constant([[-0.5], [0.5]])
softplus = lambda v: np.log1p(np.exp(v))  # noqa: E731  -log σ(v) = softplus(-v), -log(1 - σ(v)) = softplus(v)
real_rel = np.array([1.5, 0.5]) - np.mean([-0.5, 0.5])
fake_rel = np.array([-0.5, 0.5]) - np.mean([1.5, 0.5])
d_ours = softplus(-real_rel).mean() + softplus(fake_rel).mean()
g_ours = softplus(real_rel).mean() + softplus(-fake_rel).mean()
assert abs(d_ours - float(relativistic_d_loss(real_logits, fake_logits))) < 1e-5
assert abs(g_ours - float(relativistic_g_loss(real_logits, fake_logits))) < 1e-5
print(f"L_D^Ra = {d_ours:.4f}, L_G^Ra = {g_ours:.4f} " + L.t("（手算 = 库函数）", "(by hand = library)"))

esrgan_loss = gan_from_srresnet("relativistic")
esrgan_loss.compile()
start = time.time()
ra_history = esrgan_loss.fit(train, epochs=GAN_EPOCHS, callbacks=L.callbacks("esrgan_loss"), verbose=0)
timings["SRGAN + RaD"] = time.time() - start
L.record_history("srgan_relativistic", ra_history)
L.record(srgan_relativistic_minutes=timings["SRGAN + RaD"] / 60)
assert all(np.isfinite(v[-1]) for v in ra_history.history.values())
esrgan_loss.save(L.path("srgan_relativistic.keras"))

# %% [markdown] lang="zh"
# ## 9.7 结果：PSNR / SSIM 表格与放大的局部
#
# 每种方法都在整张图上运行（`upscale` 是全卷积的，任意尺寸），分数按 9.1 节的惯例在 **Y 通道、裁掉 4 像素边框**后计算。
# 表格之后是放大的局部：左边是整张 HR 图和黄框，右边依次是 HR、双三次、SRCNN、SRResNet、SRGAN 和 SRGAN + RaD 在黄框里的样子。
#
# 读表时记住 9.4 节的结论：**SRResNet 的 PSNR 最高**，因为它正是按 MSE 训练的；GAN 阶段让输出离“均值”远一点、纹理更多，
# PSNR 通常会降一点（论文中 Set5 上 SRResNet 32.05 dB，SRGAN 29.40 dB），而人眼打分（MOS）反而更高。
# 我们的 GAN 阶段只有几分钟、内容特征又是低层的，结果会和论文不同（完整模式的数字和原因见 9.8 节）：放大局部时要留意 GAN 输出里的高频纹理是真实细节还是伪影。

# %% [markdown] lang="en"
# ## 9.7 Results: the PSNR / SSIM table and zoomed crops
#
# Every method runs on whole pictures (`upscale` is fully convolutional, any size); scores follow 9.1's protocol: **Y
# channel, 4-pixel border cut**. After the table come zoomed crops: the whole HR picture with a yellow box, then what HR,
# bicubic, SRCNN, SRResNet, SRGAN and SRGAN + RaD show inside that box.
#
# Read the table with 9.4 in mind: **SRResNet has the highest PSNR** because it was trained for exactly that (MSE); the GAN
# stage pulls the output away from the "mean" towards more texture, which usually costs some PSNR (in the paper, on Set5:
# SRResNet 32.05 dB, SRGAN 29.40 dB) while human ratings (MOS) go up. Our GAN stage lasts a few minutes and its content
# features are low-level, so the results differ from the paper's (full-mode numbers and why in 9.8): in the zoomed crops,
# ask whether the GAN's high-frequency texture is real detail or an artefact.

# %%
methods = {"bicubic": lambda lr: bicubic(lr, SCALE), "SRCNN": srcnn.upscale, "SRResNet": srresnet.upscale,
           "SRGAN": srgan.upscale, "SRGAN + RaD": esrgan_loss.upscale}
inner = lambda image: image[SCALE:-SCALE, SCALE:-SCALE][None]  # noqa: E731  the 4-pixel border cut
outputs, table = {}, {}
for set_name, pictures in eval_sets.items():
    for method, upscale in methods.items():
        outs = [upscale(p.lr) for p in pictures]
        outputs[set_name, method] = outs
        table[set_name, method] = (
            np.mean([metrics.psnr(o[None], p.hr[None], y_channel=True, crop=SCALE) for o, p in zip(outs, pictures)]),
            np.mean([metrics.ssim(o[None], p.hr[None], y_channel=True, crop=SCALE) for o, p in zip(outs, pictures)]),
            # the error's power at the x4 grid's frequencies over the rest (1: no grid; see 9.8)
            np.mean([metrics.periodic_energy(inner(o), inner(p.hr), SCALE)[0] for o, p in zip(outs, pictures)]))

print(L.t(f"{'x4，Y 通道，裁边 4':19s}", f"{'x4, Y channel, crop 4':24s}")
      + "".join(f"{s + ' PSNR':>16s}{'SSIM':>8s}{L.t('格点能量', 'grid'):>8s}" for s in eval_sets))
for method in methods:
    print(f"{method:24s}" + "".join(f"{table[s, method][0]:16.2f}{table[s, method][1]:8.4f}{table[s, method][2]:8.2f}"
                                    for s in eval_sets))
    for s in eval_sets:
        L.record(**{f"psnr.{s}.{method}": table[s, method][0], f"ssim.{s}.{method}": table[s, method][1],
                    f"grid_energy.{s}.{method}": table[s, method][2]})
for method in methods:  # for the READMEs' results table (tools/results_table.py)
    L.record_metrics(method, "Set5", minutes=round(timings[method] / 60, 2) if method in timings else None,
                     psnr=round(table["Set5", method][0], 2), ssim=round(table["Set5", method][1], 3),
                     psnr_held_out=round(table["held-out", method][0], 2),
                     grid_energy_held_out=round(table["held-out", method][2], 2))
gain = {s: table[s, "SRResNet"][0] - table[s, "bicubic"][0] for s in eval_sets}
print(L.t("SRResNet 比双三次插值高出：", "SRResNet over bicubic: ")
      + ", ".join(f"{s} {g:+.2f} dB" for s, g in gain.items()))
if not L.quick:
    assert all(g > 0 for g in gain.values()), "the trained SRResNet should beat bicubic interpolation"

# %%
def zoom_figure(set_name, index, box=None):
    """The whole HR picture, then the same zoomed crop from every method."""
    picture = eval_sets[set_name][index]
    h, w = picture.hr.shape[:2]
    size = min(h, w, 64 if L.quick else 96)
    if box is None:  # the most detailed square (largest spread of HR pixel values), where methods differ most
        step = max(size // 2, 1)
        spots = [(y, x) for y in range(0, h - size + 1, step) for x in range(0, w - size + 1, step)]
        box = max(spots, key=lambda yx: picture.hr[yx[0]:yx[0] + size, yx[1]:yx[1] + size].std())
    y, x = box
    columns = ["HR"] + list(methods)
    fig, axes = plt.subplots(1, len(columns) + 1, figsize=(2.1 * (len(columns) + 1), 2.5))
    axes[0].imshow(data.to_uint8(picture.hr))
    axes[0].add_patch(plt.Rectangle((x, y), size, size, fill=False, color="yellow", lw=1.5))
    axes[0].set_title(picture.name.split("/")[-1][:18], fontsize=8)
    for a, col in zip(axes[1:], columns):
        image = picture.hr if col == "HR" else outputs[set_name, col][index]
        a.imshow(data.to_uint8(image[y:y + size, x:x + size]), interpolation="nearest")
        score = "" if col == "HR" else \
            f"\n{metrics.psnr(image[None], picture.hr[None], y_channel=True, crop=SCALE):.2f} dB"
        a.set_title(col + score, fontsize=8)
    for a in axes:
        a.axis("off")
    return fig


for set_name, pictures in eval_sets.items():
    for i in range(min(len(pictures), L.pick(3, 1))):
        L.show(zoom_figure(set_name, i), f"zoom_{set_name}_{i}")

# %% [markdown] lang="zh"
# ## 9.8 用时与完整模式的结果
#
# 下面打印这次运行每个阶段的训练用时。完整模式的设置：批大小 16、每个轮次每张训练照片切 40 块（245 步）；
# SRCNN 在 48 像素的 HR 块上训练 3 个轮次（峰值学习率 $10^{-3}$），SRResNet（论文的 16 块 × 64 通道）在 96 像素的块上训练
# 12 个轮次（2,940 步，峰值 $3\times10^{-4}$），SRGAN 和 SRGAN + RaD 在 48 像素的块上各 1 个轮次。
# 完整模式在 2 核 AVX-512 CPU 上约需半小时，绝大部分花在 SRResNet 上；时间不够就用 `--epochs` 少训几轮（它会同时改动本课每个阶段的轮数），或者换到 GPU 上。
#
# 我们完整模式运行的结果（×4、Y 通道、裁掉 4 像素边框，Set5 5 张、留出照片 12 张，都从未参与训练）：
#
# | 方法 | Set5 PSNR (dB) | Set5 SSIM | 留出照片 PSNR (dB) | 留出照片 SSIM |
# |---|---|---|---|---|
# | 双三次 | 28.43 | 0.8114 | 25.80 | 0.6553 |
# | SRCNN | 28.94 | 0.8263 | 26.09 | 0.6753 |
# | SRResNet | **31.01** | **0.8753** | **26.85** | **0.7083** |
# | SRGAN | 29.99 | 0.8411 | 26.36 | 0.6698 |
# | SRGAN + RaD | 29.46 | 0.8267 | 26.35 | 0.6798 |
#
# SRResNet 在 Set5 上比双三次高 **2.58 dB**，在留出照片上高 **1.04 dB**——和论文的规律一致：Set5 多是平滑的大块和清楚的边缘，
# 提升最大；BSD 这类照片纹理杂乱，提升小得多（论文里训练 $10^6$ 步的 SRResNet 在 Set5 上高 3.6 dB，在 BSD100 上只高 1.6 dB）。
# 逐张看留出照片：10 张 BSD 照片里有 7 张高出 1.03–1.33 dB，宇航员照片高 2.16 dB；拉低平均的是纹理最碎的两张 BSD 照片（+0.13、+0.34）
# 和猫毛（chelsea，+0.64）——毛发、草丛这类随机纹理，像素损失只能给出平均值，这正是下一步 GAN 想解决的。
# SRCNN 只有 2 万个参数、735 步，也已经比双三次高 0.5 dB。
#
# GAN 阶段让 PSNR 下降了约 1.0 dB（论文：32.05 → 29.40 dB），这正是 9.4 节的道理：对抗损失把输出从“平均值”推向“某一个清晰的可能”，
# 逐像素来看就离真值更远。但要诚实：只训练 245 步，SRGAN 加上的高频里有不少是**规则的格点纹理**，而不是真实的纹理，放大的局部里看得很清楚。
# 这就是 9.3 节说的亚像素卷积的周期性图案：它不是转置卷积那种重叠不均的棋盘格，而是短时间的对抗训练把每个 $r\times r$ 块里 $r^2$ 组子卷积核推得彼此不同，
# 于是每隔 $r$ 个像素重复同一个图案（论文的 GAN 阶段训练了 $10^5$ 步）。
# 对抗项的分量越重，格点越明显：内容特征不做 9.5 节的均方根校准时，对抗项反客为主，PSNR 会掉 4–6 dB，网格铺满整张图。
#
# **把格点量出来。** 9.7 节打印的表里有一列“格点能量”（`metrics.periodic_energy`）：误差图（输出减 HR）的傅里叶功率，在 ×4 格点的频率上
# （也就是每隔 4 个像素重复一次的图案所占的那些频率）取平均，再除以其余频率上的平均。没有格点时约为 1；双三次插值本身约 1.5。
# ICNR 初始化或者换掉亚像素卷积，能不能挡住格点？`benchmarks/sr_artifacts.py` 用小一号的网络（8 块 × 32 通道，SRResNet 600 步、
# SRGAN 245 步，随机种子 0，2 核 AVX2 CPU）各量了一次，留出照片上的结果：
#
# | 阶段 | 比双三次高 | 格点能量 | 清晰度比 |
# |---|---|---|---|
# | 双三次 | — | 1.52 | 0.33 |
# | SRResNet（ICNR 初始化） | +0.68 dB | 2.03 | 0.43 |
# | 从它出发的 SRGAN | −0.14 dB | **150** | 0.88 |
# | SRResNet（最近邻放大 + 卷积，`upsample="resize"`） | +0.69 dB | 2.03 | 0.43 |
# | 从它出发的 SRGAN | −0.37 dB | **62** | 0.72 |
# | SRGAN（ICNR 的 SRResNet 出发，判别器加模糊 `d_blur=True`） | **+0.47 dB** | **4.3** | 0.49 |
#
# 用像素 MSE 预训练时，ICNR 起步的 SRResNet 几乎没有格点（2.0，接近双三次的 1.5）；可是 245 步对抗训练就把格点能量推到 150：
# 格点是**对抗阶段**造出来的，子卷积核一开始相同也拦不住它们在对抗梯度下分开。清晰度比从 0.43 升到 0.88，说明 SRGAN 确实加了高频，
# 可这些高频大多是规则的格点，而不是照片里真实的纹理。把亚像素卷积换成“最近邻放大 + 卷积”（一个卷积核管所有子像素位置）能把格点能量降到 62，
# 却仍然去不掉——可见格点不全是上采样层的错。真正的来源在判别器：它的步长为 2 的卷积只在偶数位置取样，看不见也分不清某些每隔 2、4、8 个像素
# 重复的图案（混叠），回传给生成器的梯度本身就是周期性的（Odena 等 2016 也指出过这一点）。在判别器每个步长 2 的卷积前加一层二项式模糊
# $[1,2,1]\otimes[1,2,1]/16$（`nets.Blur2D`，它对周期为 2 的图案响应为 0；Zhang 2019 的抗混叠下采样），其余一概不变：
# 格点能量从 150 降到 **4.3**，PSNR 反而比双三次高 0.47 dB（只比 SRResNet 低 0.21 dB；论文里 SRGAN 比 SRResNet 低 2.65 dB），
# 清晰度比从 SRResNet 的 0.43 升到 0.49——这回加上的是细节，而不是格点。所以本课的 SRGAN 用 `d_blur=True`（论文的判别器没有这一层），
# SRResNet 默认用 ICNR。还能怎样让细节更多、又不出格点，是练习 4。注意：本节上面那张 PSNR / SSIM 表来自 ICNR 和判别器模糊加入之前的一次完整运行（AVX-512 机器），还没有格点能量这一列。

# %% [markdown] lang="en"
# ## 9.8 Timings and the full-mode results
#
# Below: the training time of each stage in this run. Full-mode settings: batch 16, 40 patches per training photo per
# epoch (245 steps); SRCNN 3 epochs on 48-pixel HR patches (peak learning rate $10^{-3}$), SRResNet (the paper's 16
# blocks × 64 channels) 12 epochs on 96-pixel patches (2,940 steps, peak $3\times10^{-4}$), SRGAN and SRGAN + RaD 1 epoch
# each on 48-pixel patches. Full mode takes about half an hour on a 2-core AVX-512 CPU, most of it for SRResNet; short of time,
# train fewer epochs with `--epochs` (it changes every stage of this lesson) or use a GPU.
#
# Our full-mode run gave (×4, Y channel, 4-pixel border cut, the 5 Set5 pictures and the 12 held-out photos, none ever
# trained on):
#
# | method | Set5 PSNR (dB) | Set5 SSIM | held-out PSNR (dB) | held-out SSIM |
# |---|---|---|---|---|
# | bicubic | 28.43 | 0.8114 | 25.80 | 0.6553 |
# | SRCNN | 28.94 | 0.8263 | 26.09 | 0.6753 |
# | SRResNet | **31.01** | **0.8753** | **26.85** | **0.7083** |
# | SRGAN | 29.99 | 0.8411 | 26.36 | 0.6698 |
# | SRGAN + RaD | 29.46 | 0.8267 | 26.35 | 0.6798 |
#
# SRResNet beats bicubic by **2.58 dB** on Set5 and by **1.04 dB** on the held-out photos — the same pattern as in the paper:
# Set5 is mostly smooth regions and clean edges and gains most, while BSD-like photos full of irregular texture gain much
# less (the paper's SRResNet, after $10^6$ steps, is 3.6 dB above bicubic on Set5 but only 1.6 dB on BSD100). Photo by
# photo: 7 of the 10 BSD photos gain 1.03–1.33 dB and the astronaut 2.16 dB; the mean is pulled down by the two most
# texture-heavy BSD photos (+0.13, +0.34) and the cat's fur (chelsea, +0.64) — for random texture such as fur or grass
# a pixel loss can only give the average, which is exactly what the GAN stage tries to fix.
# SRCNN, with 20 thousand weights and 735 steps, is already 0.5 dB above bicubic.
#
# The GAN stage costs about 1.0 dB of PSNR (the paper: 32.05 → 29.40 dB), which is the point of section 9.4: the
# adversarial loss pushes the output away from "the average" towards "one sharp possibility", and pixel by pixel that is
# further from the truth. But to be honest: after only 245 steps, much of the high frequency SRGAN adds is a **regular
# grid texture** rather than real texture — the zoomed crops show it clearly. This is the periodic pattern of sub-pixel
# convolution from 9.3: not the uneven-overlap checkerboard of transposed convolutions, but a short adversarial training
# pushing the $r^2$ sets of sub-pixel kernels of each $r\times r$ block apart, so that one pattern repeats every $r$
# pixels (the paper's GAN stage runs $10^5$ steps). The heavier the adversarial term, the stronger the grid: without 9.5's root-mean-square calibration of the
# content features the adversarial term takes over, PSNR falls by 4–6 dB and the grid covers the whole picture.
#
# **Measuring the grid.** The table printed in 9.7 has a "grid" column (`metrics.periodic_energy`): the Fourier power of the
# error (output minus HR) at the frequencies of the ×4 grid (those a pattern repeating every 4 pixels occupies),
# averaged and divided by the average power at all other frequencies. About 1 without a grid; bicubic itself gives
# about 1.5. Does ICNR initialisation, or replacing sub-pixel convolution, keep the grid away? `benchmarks/sr_artifacts.py`
# measured each once with a smaller network (8 blocks × 32 channels, SRResNet 600 steps, SRGAN 245 steps, seed 0, on a
# 2-core AVX2 CPU), on the held-out photos:
#
# | stage | over bicubic | grid energy | sharpness ratio |
# |---|---|---|---|
# | bicubic | — | 1.52 | 0.33 |
# | SRResNet (ICNR init) | +0.68 dB | 2.03 | 0.43 |
# | SRGAN from it | −0.14 dB | **150** | 0.88 |
# | SRResNet (nearest ×2 + conv, `upsample="resize"`) | +0.69 dB | 2.03 | 0.43 |
# | SRGAN from it | −0.37 dB | **62** | 0.72 |
# | SRGAN from the ICNR SRResNet, blurred discriminator (`d_blur=True`) | **+0.47 dB** | **4.3** | 0.49 |
#
# Pre-trained with pixel MSE, the ICNR-initialised SRResNet has almost no grid (2.0, close to bicubic's 1.5); 245
# adversarial steps push the grid energy to 150. The grid is made by the **adversarial stage**: kernels that start out
# equal still drift apart under the adversarial gradient. The sharpness ratio rises from 0.43 to 0.88, so SRGAN does add
# high frequencies, but most of them are a regular grid, not the texture of the photo. Resize-convolution ("nearest ×2 +
# conv", one kernel for every sub-pixel position) brings the grid energy down to 62 but does not remove it either, so
# the up-sampling layer is not the whole story. The real source is the discriminator: its stride-2 convolutions sample
# only every other position, so they cannot see, or tell apart, some patterns that repeat every 2, 4 or 8 pixels
# (aliasing), and the gradient they send back to the generator is itself periodic (Odena et al. 2016 point this out).
# A binomial blur $[1,2,1]\otimes[1,2,1]/16$ before each stride-2 conv of the discriminator (`nets.Blur2D`, whose
# response to a period-2 pattern is 0; the anti-aliased down-sampling of Zhang 2019), nothing else changed: the grid
# energy falls from 150 to **4.3**, and PSNR is 0.47 dB above bicubic (only 0.21 dB below SRResNet; in the paper SRGAN
# is 2.65 dB below SRResNet), while the sharpness ratio rises from SRResNet's 0.43 to 0.49: this time the added high
# frequencies are detail, not a grid. So this lesson's SRGAN uses `d_blur=True` (the paper's discriminator has no such
# layer), and SRResNet uses ICNR by default. How to get more detail without the grid is exercise 4. Note: the PSNR / SSIM table above in this section comes from a full run made before ICNR and the
# discriminator's blur came in (on an AVX-512 machine), without the grid column.

# %%
for stage, seconds in timings.items():
    print(f"{stage:14s} {seconds / 60:6.1f} min")
total = sum(timings.values()) / 60
print(L.t(f"训练共 {total:.1f} 分钟（本机 CPU）", f"training in all: {total:.1f} min (this machine's CPU)"))
L.record(train_minutes=total)

# %% [markdown] lang="zh"
# ## 学到了什么
#
# 1. 超分是“一对多”的病态问题：按像素 MSE 训练的网络输出所有可能 HR 图的**条件均值**，PSNR 高但发糊；分数要按惯例算（Y 通道、裁掉与倍数相同的边框），还要放大局部用眼睛看。
# 2. SRCNN 是双三次放大 + 三层卷积（9-1-5）；SRResNet 用残差块 + BN + PReLU 在 LR 尺寸上计算，最后用**亚像素卷积**放大。
# 3. 亚像素卷积没有转置卷积那种重叠不均造成的棋盘格，但 $r^2$ 组子卷积核彼此不同时仍会产生周期性的格点纹理；ICNR 初始化让它们从相同处出发。
# 4. SRGAN 的**感知损失** = 特征空间的内容损失 + $10^{-3}$ × 对抗损失：先用 MSE 预训练 SRResNet，再进入 GAN 阶段；内容损失怎样归一化、特征怎样缩放，决定了两项的实际平衡。
# 5. ESRGAN：RRDB、去掉 BN、残差缩放、**相对平均判别器**、激活前的特征；GAN 阶段用 PSNR 换来锐利，但训练太短时换来的可能是伪影。
#
# ## 练习
#
# 从易到难排列；有代码的练习，参考答案在 `solutions/09_super_resolution.py`。
#
# 1. **（基础）** 评价惯例有多重要？在 Set5 上算双三次放大的 PSNR 四次：RGB 或 Y 通道，裁不裁 4 像素边框。惯例本身能让数字变多少？和 SRCNN 比双三次高出的 0.5 dB 比一比。
#
#    <details><summary>提示</summary>`metrics.psnr(out[None], hr[None], y_channel=..., crop=...)`；`data.sr_images("set5", scale=4)` 给出整张图，`nets.bicubic(lr, 4)` 做双三次放大。</details>
#
# 2. **（基础）** 用三重循环按 9.3 节的下标公式实现像素重排，与 `nets.PixelShuffle` 的输出逐个元素比较（取 $r=2$、$C=3$）。
#
#    <details><summary>提示</summary>输出像素 $(y,x,c)$ 取自输入 $(\lfloor y/r\rfloor,\lfloor x/r\rfloor,\ C r\,(y \bmod r)+C\,(x \bmod r)+c)$；`//` 和 `%` 就是向下取整和取余。</details>
#
# 3. **（进阶）** 实现 ICNR 初始化：先随机生成一个只输出 $C$ 个通道的卷积核，再沿输出通道重复 $r^2$ 次，作为“卷积 $C\to Cr^2$ + 像素重排”的初始权重。验证它的输出等于“原卷积 + 最近邻放大”；再在一张纯色图上比较 ICNR 与普通随机初始化：哪一个画出了格点？（gankit 的 `nets.ICNR` 是一种写法，写完可以对照。）
#
#    <details><summary>提示</summary>像素重排按 $C r\,(y \bmod r)+C\,(x \bmod r)+c$ 读通道，所以第 $k$ 个输出通道应当用第 $k \bmod C$ 组核：`np.tile(base, (1, 1, 1, r * r))`。纯色输入上，把输出按 $(y \bmod r, x \bmod r)$ 分成 $r^2$ 组求平均，各组差别越大，格点越明显（离边框远一点，避开零填充）。</details>
#
# 4. **（开放）** 格点纹理从哪里来、怎样去掉？可以试：把 SRGAN 的 `adv_weight` 调到 $10^{-2}$ 和 $10^{-4}$；用不校准的 `srcnn.features()` 做内容特征；联网时用 `content="vgg19"`（VGG54）或 `block2_conv2`（“VGG22”）；去掉判别器的模糊（`d_blur=False`）看格点回来；或者实现 ESRGAN 的 RRDB（每个密集块 5 层卷积、残差缩放 0.2、不用 BN）。
#
#    <details><summary>提示</summary>每次只改一处，用同样的步数比较 PSNR 和放大的局部；用 `metrics.periodic_energy(输出, HR, 4)` 量格点（`benchmarks/sr_artifacts.py` 是现成的比较脚本）；把输出减去双三次放大，再看它的傅里叶频谱，周期为 $r$ 的格点会在频谱上留下亮点。这一题没有唯一答案。</details>

# %% [markdown] lang="en"
# ## What you learned
#
# 1. Super-resolution is ill-posed, "one-to-many": a network trained with pixel MSE outputs the **conditional mean** of all plausible HR images — high PSNR, but blurry; scores follow a protocol (Y channel, a border as wide as the scale factor cut off), and zoomed crops must be looked at.
# 2. SRCNN is bicubic + three convolutions (9-1-5); SRResNet computes at LR size with residual blocks + BN + PReLU and enlarges at the end by **sub-pixel convolution**.
# 3. Sub-pixel convolution has none of the uneven-overlap checkerboard of transposed convolutions, yet its $r^2$ sets of sub-pixel kernels still paint a periodic grid when they differ; ICNR initialisation starts them equal.
# 4. SRGAN's **perceptual loss** = content loss in feature space + $10^{-3}$ × adversarial loss: SRResNet is pre-trained with MSE, then the GAN stage; how the content loss is normalised and the features are scaled sets the real balance of the two terms.
# 5. ESRGAN: RRDB, no BN, residual scaling, the **relativistic average discriminator**, features before activation; the GAN stage trades PSNR for sharpness, but a training that is too short may buy artefacts instead.
#
# ## Exercises
#
# From easy to open; solutions to the exercises with code are in `solutions/09_super_resolution.py`.
#
# 1. **(Easy)** How much does the protocol matter? Compute bicubic's PSNR on Set5 four times: RGB or Y channel, with or without cutting a 4-pixel border. How much does the protocol alone move the number? Compare with the 0.5 dB SRCNN gains over bicubic.
#
#    <details><summary>Hint</summary>`metrics.psnr(out[None], hr[None], y_channel=..., crop=...)`; `data.sr_images("set5", scale=4)` gives whole pictures and `nets.bicubic(lr, 4)` enlarges bicubically.</details>
#
# 2. **(Easy)** Implement pixel shuffle with three nested loops from the index formula of 9.3 and compare it element by element with `nets.PixelShuffle` ($r=2$, $C=3$).
#
#    <details><summary>Hint</summary>Output pixel $(y,x,c)$ comes from input $(\lfloor y/r\rfloor,\lfloor x/r\rfloor,\ C r\,(y \bmod r)+C\,(x \bmod r)+c)$; `//` and `%` are the floor and the remainder.</details>
#
# 3. **(Intermediate)** Implement ICNR initialisation: draw a kernel with only $C$ output channels, repeat it $r^2$ times along the output channels and use it as the initial weight of "conv $C\to Cr^2$ + pixel shuffle". Check that the output equals "the small conv + nearest-neighbour enlargement"; then compare ICNR with a plain random initialisation on a flat picture: which one paints a grid? (gankit's `nets.ICNR` is one way to write it; compare once yours works.)
#
#    <details><summary>Hint</summary>Pixel shuffle reads channel $C r\,(y \bmod r)+C\,(x \bmod r)+c$, so output channel $k$ must use base kernel $k \bmod C$: `np.tile(base, (1, 1, 1, r * r))`. On a flat input, split the output into the $r^2$ groups of $(y \bmod r, x \bmod r)$ and average each; the more the groups differ, the stronger the grid (stay away from the zero-padded border).</details>
#
# 4. **(Open)** Where does the grid texture come from, and how do you get rid of it? Try: SRGAN's `adv_weight` at $10^{-2}$ and $10^{-4}$; uncalibrated `srcnn.features()` as the content features; online, `content="vgg19"` (VGG54) or `block2_conv2` ("VGG22"); the discriminator without its blur (`d_blur=False`), to watch the grid come back; or ESRGAN's RRDB (dense blocks of 5 convs, residual scaling 0.2, no BN).
#
#    <details><summary>Hint</summary>Change one thing at a time and compare PSNR and zoomed crops after the same number of steps; measure the grid with `metrics.periodic_energy(output, hr, 4)` (`benchmarks/sr_artifacts.py` is a ready comparison script); subtract the bicubic enlargement from the output and look at its Fourier spectrum — a grid of period $r$ leaves bright peaks there. There is no single answer.</details>

# %%
L.summary()

# %% [markdown] lang="zh"
# ## 参考文献
#
# - Dong, C., Loy, C. C., He, K., Tang, X. (2014/2016). *Image Super-Resolution Using Deep Convolutional Networks*（SRCNN）. ECCV 2014 / TPAMI 2016. [arXiv:1501.00092](https://arxiv.org/abs/1501.00092)
# - Ledig, C. et al. (2017). *Photo-Realistic Single Image Super-Resolution Using a Generative Adversarial Network*（SRGAN）. CVPR 2017. [arXiv:1609.04802](https://arxiv.org/abs/1609.04802)
# - Wang, X. et al. (2018). *ESRGAN: Enhanced Super-Resolution Generative Adversarial Networks*. ECCV Workshops 2018. [arXiv:1809.00219](https://arxiv.org/abs/1809.00219)
# - Shi, W. et al. (2016). *Real-Time Single Image and Video Super-Resolution Using an Efficient Sub-Pixel Convolutional Neural Network*. CVPR 2016. [arXiv:1609.05158](https://arxiv.org/abs/1609.05158)
# - Aitken, A. et al. (2017). *Checkerboard artifact free sub-pixel convolution: A note on sub-pixel convolution, resize convolution and convolution resize*. [arXiv:1707.02937](https://arxiv.org/abs/1707.02937)
# - Odena, A., Dumoulin, V., Olah, C. (2016). *Deconvolution and Checkerboard Artifacts*. Distill. [distill.pub/2016/deconv-checkerboard](https://distill.pub/2016/deconv-checkerboard/)
# - Jolicoeur-Martineau, A. (2018). *The relativistic discriminator: a key element missing from standard GAN*. ICLR 2019. [arXiv:1807.00734](https://arxiv.org/abs/1807.00734)
# - Kim, J., Lee, J. K., Lee, K. M. (2016). *Accurate Image Super-Resolution Using Very Deep Convolutional Networks*（VDSR）. CVPR 2016. [arXiv:1511.04587](https://arxiv.org/abs/1511.04587)
# - Ioffe, S., Szegedy, C. (2015). *Batch Normalization*. ICML 2015. [arXiv:1502.03167](https://arxiv.org/abs/1502.03167)
# - Wang, Z., Bovik, A. C., Sheikh, H. R., Simoncelli, E. P. (2004). *Image Quality Assessment: From Error Visibility to Structural Similarity*（SSIM）. IEEE TIP 13(4). [DOI:10.1109/TIP.2003.819861](https://doi.org/10.1109/TIP.2003.819861)
#
# **延伸阅读**
#
# - Blau, Y., Michaeli, T. (2018). *The Perception-Distortion Tradeoff*（为什么 PSNR 和“看起来真”不能兼得）. CVPR 2018. [arXiv:1711.06077](https://arxiv.org/abs/1711.06077)
# - Odena 等人在 Distill 上的文章（上面已列）有可交互的图，最适合直观理解棋盘格伪影。

# %% [markdown] lang="en"
# ## References
#
# - Dong, C., Loy, C. C., He, K., Tang, X. (2014/2016). *Image Super-Resolution Using Deep Convolutional Networks* (SRCNN). ECCV 2014 / TPAMI 2016. [arXiv:1501.00092](https://arxiv.org/abs/1501.00092)
# - Ledig, C. et al. (2017). *Photo-Realistic Single Image Super-Resolution Using a Generative Adversarial Network* (SRGAN). CVPR 2017. [arXiv:1609.04802](https://arxiv.org/abs/1609.04802)
# - Wang, X. et al. (2018). *ESRGAN: Enhanced Super-Resolution Generative Adversarial Networks*. ECCV Workshops 2018. [arXiv:1809.00219](https://arxiv.org/abs/1809.00219)
# - Shi, W. et al. (2016). *Real-Time Single Image and Video Super-Resolution Using an Efficient Sub-Pixel Convolutional Neural Network*. CVPR 2016. [arXiv:1609.05158](https://arxiv.org/abs/1609.05158)
# - Aitken, A. et al. (2017). *Checkerboard artifact free sub-pixel convolution: A note on sub-pixel convolution, resize convolution and convolution resize*. [arXiv:1707.02937](https://arxiv.org/abs/1707.02937)
# - Odena, A., Dumoulin, V., Olah, C. (2016). *Deconvolution and Checkerboard Artifacts*. Distill. [distill.pub/2016/deconv-checkerboard](https://distill.pub/2016/deconv-checkerboard/)
# - Jolicoeur-Martineau, A. (2018). *The relativistic discriminator: a key element missing from standard GAN*. ICLR 2019. [arXiv:1807.00734](https://arxiv.org/abs/1807.00734)
# - Kim, J., Lee, J. K., Lee, K. M. (2016). *Accurate Image Super-Resolution Using Very Deep Convolutional Networks* (VDSR). CVPR 2016. [arXiv:1511.04587](https://arxiv.org/abs/1511.04587)
# - Ioffe, S., Szegedy, C. (2015). *Batch Normalization*. ICML 2015. [arXiv:1502.03167](https://arxiv.org/abs/1502.03167)
# - Wang, Z., Bovik, A. C., Sheikh, H. R., Simoncelli, E. P. (2004). *Image Quality Assessment: From Error Visibility to Structural Similarity* (SSIM). IEEE TIP 13(4). [DOI:10.1109/TIP.2003.819861](https://doi.org/10.1109/TIP.2003.819861)
#
# **Further reading**
#
# - Blau, Y., Michaeli, T. (2018). *The Perception-Distortion Tradeoff* (why PSNR and "looks real" cannot both be maximised). CVPR 2018. [arXiv:1711.06077](https://arxiv.org/abs/1711.06077)
# - Odena et al.'s Distill article (listed above) has interactive figures, the best way to get a feel for checkerboard artefacts.

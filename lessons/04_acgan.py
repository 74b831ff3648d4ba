# %% [markdown] lang="zh"
# # 第 4 课 · 辅助分类器 GAN：ACGAN
#
# 第 3 课的 CGAN 把标签 $y$ 交给判别器，让它判断“图和标签配不配”。ACGAN（Auxiliary Classifier GAN，
# Odena、Olah 与 Shlens，2017）换了个思路：判别器**不再接收**标签，而是自己**说出**标签。
# 它有两个输出：这张图是真是假（来源，source），以及它属于哪一类（类别，class）。
# 正如一篇流传很广的中文 GAN 长文所概括：ACGAN“既能生成图像又能进行分类”。
#
# 本课内容：
#
# 1. 两个对数似然 $L_S$ 与 $L_C$，以及**谁最大化什么**：判别器最大化 $L_S+L_C$，生成器最大化 $L_C-L_S$；
#    手算一遍，并与 gankit 的实现核对；
# 2. 共享主干、两个输出头的判别器；
# 3. 在 MNIST 上训练 ACGAN，跟踪判别器类别头在真实图片上的准确率；
# 4. 把判别器的类别头当作**分类器**，在 MNIST 测试集上报告它的准确率；
# 5. 每行一个类别的样本网格，以及独立分类器量出的条件准确率。
#
# 快速模式（`GANKIT_QUICK=1`）只检查代码能否运行，一分钟左右跑完；其中的准确率接近瞎猜，没有意义。数字请看完整模式。

# %% [markdown] lang="en"
# # Lesson 4 · ACGAN: auxiliary classifier GAN
#
# Lesson 3's CGAN handed the label $y$ to the discriminator and had it judge "do picture and label fit". ACGAN
# (Auxiliary Classifier GAN; Odena, Olah and Shlens, 2017) turns this around: the discriminator **no longer
# receives** the label; it **names** it. It has two outputs: whether the picture is real or fake (its source), and
# which class it belongs to. As a widely read Chinese blog post on GANs sums it up, ACGAN "both generates images and classifies them".
#
# In this lesson:
#
# 1. The two log-likelihoods $L_S$ and $L_C$, and **who maximises what**: the discriminator maximises $L_S+L_C$,
#    the generator $L_C-L_S$; computed by hand and checked against gankit's implementation;
# 2. a discriminator with a shared body and two output heads;
# 3. ACGAN trained on MNIST, following the accuracy of the discriminator's class head on real pictures;
# 4. the discriminator's class head used as a **classifier**, with its accuracy on the MNIST test split;
# 5. a sample grid with one row per class, and the conditional accuracy measured by an independent classifier.
#
# Quick mode (`GANKIT_QUICK=1`) only checks that the code runs, in about a minute; its accuracies are close to
# guessing and mean nothing. For the numbers, use full mode.

# %%
import pathlib, sys
_root = next((p for p in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents] if (p / "gankit").is_dir()), None)
if _root and str(_root) not in sys.path:
    sys.path.insert(0, str(_root))
from gankit.lesson import Lesson
L = Lesson(4)
L.needs("mnist", L.dataset("mnist", choices=("mnist", "fashion_mnist")))  # its datasets, checked before the first section

# %%
import time
import warnings

warnings.filterwarnings("ignore", message="Glyph")      # a missing CJK font only warns; figures still render
warnings.filterwarnings("ignore", message=".*shuffle=True.*")

import numpy as np
import keras
import tensorflow as tf
import matplotlib.pyplot as plt

from gankit import data, losses, metrics, models, viz
from gankit.losses import class_cross_entropy

tf.get_logger().setLevel("ERROR")
tt = L.label  # figure text: Chinese where a Chinese font exists, else English


def independent_classifier(dataset):
    """gankit's classifier for ``dataset`` (trained on real data only), or None with a clear message."""
    try:
        return metrics.load_classifier(dataset)
    except metrics.MetricsError as err:
        print(L.t(f"没有 {dataset} 的分类器，跳过条件准确率：", f"No classifier for {dataset}; conditional accuracy "
                  "is skipped:"), err)
        return None


print(f"Keras {keras.__version__} · TensorFlow {tf.__version__} · "
      + L.t("快速模式" if L.quick else "完整模式", "quick mode" if L.quick else "full mode"))

# %% [markdown] lang="zh"
# ## 1 · 两个对数似然：$L_S$ 与 $L_C$
#
# 每个生成样本先抽一个类别 $c\sim p_c$（均匀分布）和噪声 $z$，由 $X_\text{fake}=G(c,z)$ 生成。判别器给出两个概率分布：
# 来源 $P(S\mid X)$（$S\in\{\text{real},\text{fake}\}$）和类别 $P(C\mid X)$。论文第 3 节定义了两个对数似然（Odena 等，2017，式 (2)、(3)）：
#
# $$L_S=\mathbb{E}\big[\log P(S=\text{real}\mid X_\text{real})\big]+\mathbb{E}\big[\log P(S=\text{fake}\mid X_\text{fake})\big],$$
#
# $$L_C=\mathbb{E}\big[\log P(C=c\mid X_\text{real})\big]+\mathbb{E}\big[\log P(C=c\mid X_\text{fake})\big].$$
#
# $L_S$ 是第 1 课的 GAN 价值函数：判别器分辨真假的本事。$L_C$ 是“说对类别”的本事，**真图和假图都算**：
# 真图用数据集的标签，假图用生成它时抽的 $c$。两个玩家的目标是：
#
# | | $L_S$（来源） | $L_C$（类别） | 目标 |
# |---|---|---|---|
# | 判别器 $D$ | 最大化：分清真假 | 最大化：说对类别 | $\max_D\ L_S+L_C$ |
# | 生成器 $G$ | 最小化：让 $D$ 分不清真假 | 最大化：让 $D$ 认出它要画的类别 | $\max_G\ L_C-L_S$ |
#
# 在 $L_S$ 上两人对抗，在 $L_C$ 上两人**合作**：生成器希望自己画的“7”被判别器一眼认作 7。这就是生成器学会按类别作画的原因。
# 和前几课一样，生成器的 $-L_S$ 部分实际用非饱和形式 $-\log P(S=\text{real}\mid X_\text{fake})$；
# 用 logit 表示时，$P(S=\text{real}\mid X)=\sigma(\ell_S)$，$P(C\mid X)=\mathrm{softmax}(\ell_C)$，
# 于是 $-L_S$ 就是第 1 课的判别器损失，$-L_C$ 是两个交叉熵之和。下面在一个还没训练的模型上手算这两个量，
# 与 gankit 的函数逐项核对。

# %% [markdown] lang="en"
# ## 1 · Two log-likelihoods: $L_S$ and $L_C$
#
# Every generated sample first draws a class $c\sim p_c$ (uniform) and noise $z$, and is made as $X_\text{fake}=G(c,z)$.
# The discriminator gives two probability distributions: the source $P(S\mid X)$ ($S\in\{\text{real},\text{fake}\}$)
# and the class $P(C\mid X)$. Section 3 of the paper defines two log-likelihoods (Odena et al., 2017, Eqs. 2 and 3):
#
# $$L_S=\mathbb{E}\big[\log P(S=\text{real}\mid X_\text{real})\big]+\mathbb{E}\big[\log P(S=\text{fake}\mid X_\text{fake})\big],$$
#
# $$L_C=\mathbb{E}\big[\log P(C=c\mid X_\text{real})\big]+\mathbb{E}\big[\log P(C=c\mid X_\text{fake})\big].$$
#
# $L_S$ is lesson 1's GAN value function: how well the discriminator tells real from fake. $L_C$ is how well it names
# the class, **on real and fake pictures alike**: real pictures with the dataset's labels, fakes with the $c$ they
# were generated for. The two players' goals:
#
# | | $L_S$ (source) | $L_C$ (class) | goal |
# |---|---|---|---|
# | discriminator $D$ | maximise: tell real from fake | maximise: name the class | $\max_D\ L_S+L_C$ |
# | generator $G$ | minimise: keep $D$ from telling | maximise: make $D$ recognise the class it drew | $\max_G\ L_C-L_S$ |
#
# On $L_S$ the players fight; on $L_C$ they **cooperate**: the generator wants its "7" to be recognised as a 7 by the
# discriminator at a glance. That is why the generator learns to draw by class. As in earlier lessons, the
# generator's $-L_S$ part is taken in its non-saturating form $-\log P(S=\text{real}\mid X_\text{fake})$. With logits,
# $P(S=\text{real}\mid X)=\sigma(\ell_S)$ and $P(C\mid X)=\mathrm{softmax}(\ell_C)$, so $-L_S$ is lesson 1's
# discriminator loss and $-L_C$ a sum of two cross-entropies. Below, both are computed by hand on a model that has
# not been trained yet, and checked term by term against gankit's functions.

# %%
F_DEMO = 8
demo = models.ACGAN(filters=F_DEMO, seed=0)
print(L.t("判别器的输出（真假 logit，类别 logits）：", "discriminator outputs (source logit, class logits):"), [tuple(t.shape) for t in demo.discriminator.outputs])
assert [tuple(t.shape) for t in demo.discriminator.outputs] == [(None, 1), (None, 10)]

test_x, test_y, _ = data.load_arrays("mnist", split="test")
real = test_x[:128].astype("float32") / 127.5 - 1.0
real_labels = test_y[:128].astype("int32")
c = np.random.default_rng(0).integers(0, 10, 128).astype("int32")             # c ~ p_c, uniform
fake = demo.generate(labels=c, seed=0)                                           # X_fake = G(c, z)

real_source, real_class = demo.run_batched(demo.discriminator, [real])
fake_source, fake_class = demo.run_batched(demo.discriminator, [fake])


def log_sigmoid(t):
    return -np.logaddexp(0.0, -t)


def log_softmax(t):
    t = t - t.max(axis=1, keepdims=True)
    return t - np.log(np.exp(t).sum(axis=1, keepdims=True))


# L_S = E[log P(S=real | X_real)] + E[log P(S=fake | X_fake)],  P(S=real | X) = sigmoid(logit)
L_S = log_sigmoid(real_source[:, 0]).mean() + log_sigmoid(-fake_source[:, 0]).mean()
# L_C = E[log P(C=c | X_real)] + E[log P(C=c | X_fake)]
L_C = (log_softmax(real_class)[np.arange(128), real_labels].mean()
       + log_softmax(fake_class)[np.arange(128), c].mean())
d_objective = L_S + L_C                                                          # D maximises this
g_objective = L_C - L_S                                                          # G maximises this (saturating form)
print(L.t(f"L_S = {L_S:.4f}   L_C = {L_C:.4f}（未训练的类别头每项约为 log 1/10 = {np.log(0.1):.4f}）",
          f"L_S = {L_S:.4f}   L_C = {L_C:.4f}   (log 1/10 = {np.log(0.1):.4f} per term for an untrained class head)"))
print(L.t(f"D 最大化 L_S + L_C = {d_objective:.4f}；G 最大化 L_C - L_S = {g_objective:.4f}",
          f"D maximises L_S + L_C = {d_objective:.4f};  G maximises L_C - L_S = {g_objective:.4f}"))

# gankit's d_loss is -(L_S + L_C): lesson 1's discriminator loss plus two cross-entropies
gankit_d_loss = float(losses.minimax_d_loss(real_source, fake_source)
                      + class_cross_entropy(real_labels, real_class) + class_cross_entropy(c, fake_class))
print(L.t(f"手算 -(L_S + L_C) = {-d_objective:.5f}   gankit 的 d_loss = {gankit_d_loss:.5f}",
          f"-(L_S + L_C) by hand {-d_objective:.5f}   gankit's d_loss {gankit_d_loss:.5f}"))
assert np.isclose(-d_objective, gankit_d_loss, rtol=1e-4)
# gankit's g_loss: the non-saturating -log P(S=real | X_fake) plus the fakes' cross-entropy (= -their L_C term)
gankit_g_loss = float(losses.nonsaturating_g_loss(fake_source) + class_cross_entropy(c, fake_class))
by_hand_g = -log_sigmoid(fake_source[:, 0]).mean() - log_softmax(fake_class)[np.arange(128), c].mean()
print(L.t(f"手算 G 的损失 {by_hand_g:.5f}   gankit {gankit_g_loss:.5f}",
          f"G's loss by hand {by_hand_g:.5f}   gankit {gankit_g_loss:.5f}"))
assert np.isclose(by_hand_g, gankit_g_loss, rtol=1e-4)

# %% [markdown] lang="zh"
# 注意生成器的损失里只有**假图**的类别项：真图的 $\log P(C=c\mid X_\text{real})$ 与生成器无关，求梯度时为零。
# 未训练的类别头对每一类大约给出 $1/10$，所以 $L_C$ 的两项各约为 $\log\frac1{10}\approx-2.30$。
#
# ## 2 · 判别器：一个主干，两个头
#
# ACGAN 的判别器就是 DCGAN 的判别器主干（步长卷积、批归一化、LeakyReLU），在拉平后的特征上接两个全连接输出：
# 1 个来源 logit 和 $K$ 个类别 logit。生成器与第 3 课 CGAN 的完全相同：标签嵌入后与 $z$ 拼接。
# 两个任务共用主干，这是 ACGAN 的一个关键设计：论文发现，加上这个辅助分类任务后样本质量更高，训练也更稳定；
# 训练完后，这个类别头本身就是一个可以用的分类器（第 4 节）。
#
# 顺带一提，ACGAN 有一个已知的弱点：生成器会被“容易分类”的样本所奖励，同一类的样本可能变得比较单一。
# 后来的工作（如 TAC-GAN，Gong 等 2019）专门分析并修正了这一点。

# %% [markdown] lang="en"
# Notice that the generator's loss has only the **fakes'** class term: the real pictures' $\log P(C=c\mid X_\text{real})$
# does not depend on the generator, so its gradient is zero. An untrained class head gives each class about $1/10$,
# so each of $L_C$'s two terms is about $\log\frac1{10}\approx-2.30$.
#
# ## 2 · The discriminator: one body, two heads
#
# ACGAN's discriminator is DCGAN's discriminator body (strided convolutions, batch norm, LeakyReLU) with two dense
# outputs on its flattened features: 1 source logit and $K$ class logits. The generator is exactly lesson 3's CGAN
# generator: the label is embedded and concatenated with $z$. Sharing the body between the two tasks is one of
# ACGAN's key choices: the paper finds that adding the auxiliary classification task gives better samples and
# steadier training, and after training the class head is a usable classifier in its own right
# (section 4).
#
# In passing: ACGAN has a known weakness. The generator is rewarded for samples that are easy to classify, so samples
# within one class can become rather uniform; later work (e.g. TAC-GAN, Gong et al. 2019) analyses and fixes this.

# %%
body = [layer.name for layer in demo.discriminator.layers]
print(L.t("判别器的层：", "discriminator layers:"), ", ".join(body))
heads = {layer.name: layer for layer in demo.discriminator.layers if layer.name in ("source", "classes")}
same_features = heads["source"].input is heads["classes"].input
print(L.t(f"两个输出头读取同一份展平特征 {tuple(heads['source'].input.shape)}：{'是' if same_features else '否'}",
          f"both heads read the same flattened features {tuple(heads['source'].input.shape)}: {same_features}"))
assert same_features
print(L.t(f"参数量：生成器 {demo.generator.count_params():,}，判别器 {demo.discriminator.count_params():,}",
          f"parameters: generator {demo.generator.count_params():,}, discriminator {demo.discriminator.count_params():,}"))

# %% [markdown] lang="zh"
# ## 3 · 训练 ACGAN
#
# 完整模式：MNIST 全部 60000 张训练图，批大小 128，`filters=32`，8 轮；优化器按论文附录，
# 两个网络都用 Adam（学习率 $2\times10^{-4}$，$\beta_1=0.5$）。在 2 核 AVX-512 CPU 上（只有 AVX2 的 CPU 更慢）训练约 5.5 分钟，在 GPU 上估计不到一分钟；只训练 4 轮时条件准确率停在 86%–88%，8 轮才稳定超过 90%。
# 想换成 Fashion-MNIST：终端里运行 `python -m gankit.lesson 4 --dataset fashion_mnist`，或在 notebook 里把下面
# `L.dataset(...)` 的默认值改成 `"fashion_mnist"`（若还没有 Fashion-MNIST 的独立分类器，本课会说明并跳过条件准确率）。
# 快速模式只用一小部分数据。
#
# 训练过程中 `fit` 除了两个损失，还报告 `d_class_acc`：判别器的类别头在每批**真实**图片上的准确率。

# %% [markdown] lang="en"
# ## 3 · Training ACGAN
#
# Full mode: all 60,000 MNIST training pictures, batch size 128, `filters=32`, 8 epochs; as in the paper's appendix,
# both networks use Adam (learning rate $2\times10^{-4}$, $\beta_1=0.5$). Training takes about 5.5 minutes on a 2-core AVX-512 CPU (slower on CPUs with only AVX2) and
# an estimated minute or less on a GPU; after only 4 epochs the conditional accuracy stalled at 86–88%, and it took 8
# epochs to get safely above 90%. To switch to Fashion-MNIST run `python -m gankit.lesson 4 --dataset fashion_mnist`, or in the
# notebook change the default of `L.dataset(...)` below to `"fashion_mnist"` (if no independent Fashion-MNIST
# classifier exists yet, the lesson says so and skips the conditional accuracy). Quick mode uses only a small
# slice of the data.
#
# Besides the two losses, `fit` reports `d_class_acc`: the accuracy of the discriminator's class head on each batch
# of **real** pictures.

# %%
DATASET = L.dataset("mnist", choices=("mnist", "fashion_mnist"))   # or: python -m gankit.lesson N --dataset fashion_mnist
EPOCHS = L.epochs(full=8, quick=1)
BATCH = L.pick(full=128, quick=64)
FILTERS = L.pick(full=32, quick=8)
CLASS_NAMES = {"mnist": [str(k) for k in range(10)],
               "fashion_mnist": ["T-shirt", "trouser", "pullover", "dress", "coat",
                                 "sandal", "shirt", "sneaker", "bag", "boot"]}[DATASET]

train_ds = data.load(DATASET, batch_size=BATCH, limit=L.pick(None, 1024), labels=True)
print(L.t(f"{DATASET}：每轮 {len(train_ds)} 个批次（每批 {BATCH}），共 {EPOCHS} 轮，filters={FILTERS}",
          f"{DATASET}: {len(train_ds)} batches of {BATCH} per epoch, {EPOCHS} epochs, filters={FILTERS}"))

keras.utils.set_random_seed(0)
model = models.ACGAN(filters=FILTERS, seed=0)
model.compile()
sample_grid = viz.SampleGrid(L.out / "samples", n=100, nrow=10, seed=0)       # column j: class j
start = time.time()
history = model.fit(train_ds, epochs=EPOCHS, callbacks=[*L.callbacks("acgan"), sample_grid], verbose=0)
train_seconds = time.time() - start
print(L.t(f"{EPOCHS} 轮用时 {train_seconds:.0f} 秒（{train_seconds / 60:.1f} 分钟）",
          f"{EPOCHS} epochs in {train_seconds:.0f} s ({train_seconds / 60:.1f} min)"))
L.record_history("acgan", history)
L.record(dataset=DATASET, epochs=EPOCHS, filters=FILTERS, train_seconds=train_seconds)
for key in ("d_loss", "g_loss", "d_class_acc"):
    assert np.all(np.isfinite(history.history[key])), key
assert 0.0 <= history.history["d_class_acc"][-1] <= 1.0

fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
viz.plot_losses({k: history.history[k] for k in ("d_loss", "g_loss")}, ax=axes[0],
                title=tt("ACGAN 的损失", "ACGAN losses"))
epochs_axis = np.arange(1, EPOCHS + 1)
axes[1].plot(epochs_axis, history.history["d_class_acc"], "o-")
axes[1].set_ylim(0, 1)
axes[1].set_xlabel(tt("轮数", "epoch"))
axes[1].set_ylabel("d_class_acc")
axes[1].set_title(tt("类别头在真实训练图片上的准确率", "class head accuracy on real training pictures"))
axes[1].grid(alpha=0.3)
fig.tight_layout()
L.show(fig, "training")

# %% [markdown] lang="zh"
# ## 4 · 判别器的类别头就是一个分类器
#
# 训练中类别头在真实图片上的准确率，是在**训练集**上、而且一边训练一边量的。要知道它作为分类器有多好，
# 应该在它从没见过的 **MNIST 测试集**（10000 张）上量：`model.classify(images)` 返回类别头的 $P(C\mid X)$，
# 取最大的那一类即为预测。作为参照，gankit 的独立 MNIST 分类器（一个专门训练的小卷积网络）在测试集上的准确率是 99.25%。
# 完整模式下（8 轮）我们实测 ACGAN 类别头的测试准确率为 97.9%，训练结束时它在训练批次上的准确率约为 98%。
# 它没有专门为分类而训练，还要同时应付一个不断变化的生成器，能接近专门的分类器，说明对抗训练学到的特征相当有用。

# %% [markdown] lang="en"
# ## 4 · The discriminator's class head is a classifier
#
# The class head's accuracy during training was measured on the **training set**, while training. To know how good a
# classifier it is, measure it on the **MNIST test split** (10,000 pictures) it has never seen: `model.classify(images)`
# returns the class head's $P(C\mid X)$, and the most probable class is the prediction. For reference, gankit's
# independent MNIST classifier (a small convolutional network trained for the job) scores 99.25% on the test split.
# In full mode (8 epochs) we measured 97.9% for ACGAN's class head on the test split, with about 98% on the training
# batches at the end of training. It was never trained for classification
# alone and had to cope with an ever-changing generator at the same time; coming close to a dedicated classifier
# shows how useful the features learnt by adversarial training are.

# %%
N_TEST = L.pick(full=len(test_x), quick=1000)
if DATASET == "mnist":
    eval_x, eval_y = test_x, test_y
else:
    eval_x, eval_y, _ = data.load_arrays(DATASET, split="test")
eval_x = eval_x[:N_TEST].astype("float32") / 127.5 - 1.0
eval_y = eval_y[:N_TEST].astype("int32")
probs = model.classify(eval_x)
assert probs.shape == (N_TEST, model.num_classes) and np.allclose(probs.sum(axis=1), 1.0, atol=1e-4)
head_accuracy = float(np.mean(probs.argmax(axis=1) == eval_y))
print(L.t(f"ACGAN 的类别头在 {N_TEST} 张 {DATASET} 测试图片上的准确率：{head_accuracy:.2%}",
          f"ACGAN class head on {N_TEST} {DATASET} test pictures: accuracy {head_accuracy:.2%}"))
L.record(class_head_test_accuracy=head_accuracy)

classifier = independent_classifier(DATASET)
if classifier is not None:
    reference = float(np.mean(metrics.class_probabilities(eval_x, classifier).argmax(axis=1) == eval_y))
    print(L.t(f"独立分类器在同样图片上的准确率：              {reference:.2%}",
              f"independent classifier on the same pictures:         accuracy {reference:.2%}"))
    L.record(independent_classifier_test_accuracy=reference)

wrong = np.flatnonzero(probs.argmax(axis=1) != eval_y)[:16]
if len(wrong):
    print(L.t("类别头认错的测试图片（标题：真实 → 预测）：", "test pictures the class head gets wrong (title: true → predicted):"))
    fig, axes = plt.subplots(1, len(wrong), figsize=(1.1 * len(wrong), 1.6), squeeze=False)
    for ax, i in zip(axes[0], wrong):
        ax.imshow(eval_x[i, :, :, 0], cmap="gray", vmin=-1, vmax=1)
        ax.set_title(f"{eval_y[i]}→{probs[i].argmax()}", fontsize=8)
        ax.axis("off")
    L.show(fig, "class_head_mistakes")

# %% [markdown] lang="zh"
# ## 5 · 按类别生成：每行一个类别
#
# 与第 3 课一样，每行是一个类别，每一列用同一个 $z$。然后用独立分类器量条件准确率：为每一类生成若干张图
# （完整模式每类 500 张），统计被认作所要求类别的比例。我们的完整模式运行（8 轮）得到 93.6%：0、1、7 在 98% 以上，
# 3、5、8 在 86% 到 89% 之间，其余在 93% 到 96% 之间（只训练 4 轮时是 88.1%）；多训练几轮通常还会上升（练习 3 拿它和第 3 课的 CGAN 比较）。
# 换成 Fashion-MNIST（`--dataset fashion_mnist`，同样 8 轮）：条件准确率 93.8%，
# 而独立分类器在真实测试图上也只有 92.1%——ACGAN 的生成图比真实衣物还“典型”，这正是类别头损失 $L_C$ 推动的结果；
# 类别头自己在测试集上的准确率为 88.4%。第 3 课的 CGAN 在 Fashion-MNIST 上要训练 10–12 轮才超过 90%。
# 我们也顺便问问判别器自己的类别头：它对生成图的判断通常比独立分类器**更乐观**——生成器正是朝着让它认出类别的方向训练的，
# 所以量生成质量只能用独立分类器。在我们的完整模式运行中，类别头认为 99.8% 的生成图画对了类别，独立分类器只认可 93.6%。

# %% [markdown] lang="en"
# ## 5 · Generating by class: one row per class
#
# As in lesson 3, each row is one class and each column uses the same $z$. Then the independent classifier measures
# the conditional accuracy: generate pictures for every class (500 per class in full mode) and count the share
# recognised as the requested class. Our full-mode run (8 epochs) gave 93.6%: 0, 1 and 7 above 98%, 3, 5 and 8 between
# 86% and 89%, the rest between 93% and 96% (88.1% after only 4 epochs); more epochs usually raise it (exercise 3 compares it with lesson 3's CGAN).
# On Fashion-MNIST (`--dataset fashion_mnist`, the same 8 epochs) the
# conditional accuracy was 93.8%, while the independent classifier scores only 92.1% on real test pictures: ACGAN's
# samples are more "typical" than real garments, which is what the class loss $L_C$ pushes for. The class head itself
# reached 88.4% on the test split. Lesson 3's CGAN needs 10–12 epochs to pass 90% there. We also
# ask the discriminator's own class head: it is usually **more optimistic** about the fakes than the independent
# classifier, because the generator was trained precisely to make it recognise the class; so generation quality is
# measured with the independent classifier only. In our full-mode run the class head judged 99.8% of the fakes to be
# of the requested class; the independent classifier agreed with only 93.6%.

# %%
PER_CLASS = 10
grid_z = np.tile(model.latent(PER_CLASS, seed=5), (model.num_classes, 1))   # row k, column j: z_j
grid_labels = model.class_rows(PER_CLASS)
grid = model.generate(z=grid_z, labels=grid_labels)
assert grid.shape == (model.num_classes * PER_CLASS, 28, 28, 1)
L.save_grid(grid, "class_rows", nrow=PER_CLASS)
print(L.t("行：", "rows: ") + ", ".join(CLASS_NAMES))

gen_labels = model.class_rows(L.pick(full=500, quick=50))
samples = model.generate(labels=gen_labels, seed=123)
assert np.all(np.bincount(gen_labels, minlength=model.num_classes) == len(gen_labels) // model.num_classes)
self_opinion = float(np.mean(model.classify(samples).argmax(axis=1) == gen_labels))
print(L.t(f"D 自己的类别头与要求的类别一致：{self_opinion:.1%}",
          f"D's own class head agrees with the requested class: {self_opinion:.1%}"))
L.record(class_head_on_samples=self_opinion)
if classifier is not None:
    accuracy = metrics.conditional_accuracy(samples, gen_labels, classifier)
    predicted_class = metrics.class_probabilities(samples, classifier).argmax(axis=1)
    per_class = np.array([np.mean(predicted_class[gen_labels == k] == k) for k in range(model.num_classes)])
    print(L.t(f"独立分类器（条件准确率）：      {accuracy:.1%}",
              f"independent classifier (conditional accuracy):      {accuracy:.1%}"))
    L.record(conditional_accuracy=accuracy)
    assert 0.0 <= accuracy <= 1.0

    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    ax.bar(range(model.num_classes), per_class, color="C0")
    ax.axhline(0.1, color="gray", ls=":", label=tt("瞎猜 10%", "guessing 10%"))
    ax.set_xticks(range(model.num_classes), CLASS_NAMES, rotation=45 if DATASET != "mnist" else 0)
    ax.set_ylim(0, 1)
    ax.set_xlabel(tt("要求的类别", "requested class"))
    ax.set_ylabel(tt("独立分类器认同的比例", "share the classifier agrees with"))
    ax.set_title(tt(f"ACGAN 条件准确率 {accuracy:.1%}", f"ACGAN conditional accuracy {accuracy:.1%}"))
    ax.legend(loc="lower right")
    L.show(fig, "conditional_accuracy")

# %% [markdown] lang="zh"
# ## 学到了什么
#
# 1. ACGAN 的判别器不接收标签，而是输出两样东西：来源 $P(S\mid X)$ 和类别 $P(C\mid X)$。
# 2. $L_S$ 是真假的对数似然，$L_C$ 是类别的对数似然（真图与假图都算）；判别器最大化 $L_S+L_C$，生成器最大化 $L_C-L_S$：
#    在 $L_S$ 上对抗，在 $L_C$ 上合作。
# 3. 实现上，$-(L_S+L_C)$ 就是第 1 课的判别器损失加两个交叉熵；生成器的损失里只有假图的类别项。
# 4. 两个头共享判别器的主干；训练完的类别头是一个不错的分类器，可以直接在测试集上评估。
# 5. 生成质量用独立分类器量：判别器自己的类别头对生成图往往过于乐观。
#
# ## 练习
#
# 1. **（简单）** 用 `tf.GradientTape` 验证：真图的类别项 $-\log P(C=c\mid X_\text{real})$ 对生成器的权重没有梯度，
#    假图的类别项 $-\log P(C=c\mid X_\text{fake})$ 则有。这说明了生成器损失的什么？
#
#    <details><summary>提示</summary>
#
#    在同一个（`persistent=True` 的）`GradientTape` 里先用生成器造出假图，再让判别器分别看真图和假图，
#    然后对 `model.generator.trainable_weights` 求两个梯度：没有计算路径时 `tape.gradient` 返回 `None`。
#    </details>
#
# 2. **（中等）** 在未训练的模型上算出 $L_S$ 和 $L_C$。为什么 $L_C$ 接近 $2\log\frac1{10}$？`models.ACGAN(class_weight=w)` 的判别器最小化
#    $-L_S-wL_C$：$w=0.2$ 和 $w=5$ 时，损失里哪一部分占大头？你预计训练会因此怎样变化？
#
#    <details><summary>提示</summary>
#
#    未训练的类别头对 10 类给出差不多相等的概率，每一项交叉熵约为 $\log 10$。把第 1 节的手算代码照搬过来，
#    分别算出来源部分 $-L_S$ 和类别部分 $-wL_C$ 的大小即可。
#    </details>
#
# 3. **（开放）** 用 `class_weight=0.2` 和 `5` 各做一次第 3 节的训练，再与第 3 课的 CGAN 比较：同样的轮数下，谁的条件准确率更高？
#    谁的同类样本更多样？
#
#    <details><summary>提示</summary>
#
#    多样性可以用第 2 课的 `spread`（组内图片两两之间的平均距离）来量：对每个类别分别计算，再与同类真实测试图的 `spread` 比较。
#    </details>
#
# 4. **（开放）** 半监督学习：只保留 10% 训练图的标签，其余图片不计类别损失。类别头在测试集上还能有多准？
#
#    <details><summary>提示</summary>
#
#    继承 `models.ACGAN`，在 `train_step` 里给真实图片的交叉熵乘一个 0/1 掩码（按样本计算交叉熵再取加权平均）。
#    这正是 Salimans 等（2016）用 GAN 做半监督学习的思路。
#    </details>
#
# 前两题的参考解答在 `solutions/04_acgan.py`。
#
# ## 参考文献
#
# - Augustus Odena, Christopher Olah, Jonathon Shlens. *Conditional Image Synthesis with Auxiliary Classifier GANs*.
#   ICML 2017. [arXiv:1610.09585](https://arxiv.org/abs/1610.09585)——式 (2)、(3) 的 $L_S$ 与 $L_C$。
# - Mehdi Mirza, Simon Osindero. *Conditional Generative Adversarial Nets*. 2014. [arXiv:1411.1784](https://arxiv.org/abs/1411.1784)
# - Alec Radford, Luke Metz, Soumith Chintala. *Unsupervised Representation Learning with Deep Convolutional
#   Generative Adversarial Networks*. ICLR 2016. [arXiv:1511.06434](https://arxiv.org/abs/1511.06434)
# - Tim Salimans, Ian Goodfellow, Wojciech Zaremba, Vicki Cheung, Alec Radford, Xi Chen. *Improved Techniques for
#   Training GANs*. NIPS 2016. [arXiv:1606.03498](https://arxiv.org/abs/1606.03498)——用 GAN 做半监督分类。
# - Mingming Gong, Yanwu Xu, Chunyuan Li, Kun Zhang, Kayhan Batmanghelich. *Twin Auxiliary Classifiers GAN*.
#   NeurIPS 2019. [arXiv:1907.02690](https://arxiv.org/abs/1907.02690)——ACGAN 同类样本单一的问题与修正。
#
# **延伸阅读**
#
# - 李宏毅（台湾大学）机器学习课程中的 GAN 系列讲座（中文）：[课程主页](https://speech.ee.ntu.edu.tw/~hylee/ml/2021-spring.php)。
# - Keras 官方示例 *Conditional GAN*：[keras.io/examples/generative/conditional_gan](https://keras.io/examples/generative/conditional_gan/)
#   ——可与本课的 ACGAN 和第 3 课的 CGAN 对照阅读。

# %% [markdown] lang="en"
# ## What you learned
#
# 1. ACGAN's discriminator takes no label; it outputs two things: the source $P(S\mid X)$ and the class $P(C\mid X)$.
# 2. $L_S$ is the log-likelihood of the source, $L_C$ that of the class (on real and fake pictures); the discriminator
#    maximises $L_S+L_C$, the generator $L_C-L_S$: they fight over $L_S$ and cooperate on $L_C$.
# 3. In practice, $-(L_S+L_C)$ is lesson 1's discriminator loss plus two cross-entropies; the generator's loss has only
#    the fakes' class term.
# 4. The two heads share the discriminator's body; after training, the class head is a decent classifier that can be
#    evaluated on the test split directly.
# 5. Generation quality is measured with an independent classifier: the discriminator's own class head tends to be
#    too optimistic about the fakes.
#
# ## Exercises
#
# 1. **(Easy)** Check with `tf.GradientTape` that the real pictures' class term $-\log P(C=c\mid X_\text{real})$ has
#    no gradient with respect to the generator's weights, while the fakes' class term $-\log P(C=c\mid X_\text{fake})$
#    does. What does this say about the generator's loss?
#
#    <details><summary>Hint</summary>
#
#    In one (`persistent=True`) `GradientTape`, make the fakes with the generator, let the discriminator look at the
#    real and the fake pictures, then take both gradients with respect to `model.generator.trainable_weights`:
#    `tape.gradient` returns `None` where there is no path.
#    </details>
#
# 2. **(Medium)** Compute $L_S$ and $L_C$ on an untrained model. Why is $L_C$ close to $2\log\frac1{10}$? The
#    discriminator of `models.ACGAN(class_weight=w)` minimises $-L_S-wL_C$: for $w=0.2$ and $w=5$, which part of the
#    loss dominates? How do you expect training to change as a result?
#
#    <details><summary>Hint</summary>
#
#    An untrained class head gives the 10 classes roughly equal probabilities, so each cross-entropy is about
#    $\log 10$. Reuse the hand computation of section 1 and compare the source part $-L_S$ with the class part $-wL_C$.
#    </details>
#
# 3. **(Open)** Train section 3's model once with `class_weight=0.2` and once with `5`, and compare with lesson 3's
#    CGAN: for the same number of epochs, which has the higher conditional accuracy? Which has more diverse samples
#    within a class?
#
#    <details><summary>Hint</summary>
#
#    Diversity can be measured with lesson 2's `spread` (the mean distance between two pictures of a group): compute it
#    per class and compare with the `spread` of real test pictures of the same class.
#    </details>
#
# 4. **(Open)** Semi-supervised learning: keep the labels of only 10% of the training pictures and drop the class loss
#    for the rest. How accurate is the class head on the test split now?
#
#    <details><summary>Hint</summary>
#
#    Subclass `models.ACGAN` and multiply the real pictures' cross-entropy by a 0/1 mask in `train_step` (compute the
#    cross-entropy per sample, then take the weighted mean). This is the idea behind GANs for semi-supervised
#    learning in Salimans et al. (2016).
#    </details>
#
# Worked solutions to the first two are in `solutions/04_acgan.py`.
#
# ## References
#
# - Augustus Odena, Christopher Olah, Jonathon Shlens. *Conditional Image Synthesis with Auxiliary Classifier GANs*.
#   ICML 2017. [arXiv:1610.09585](https://arxiv.org/abs/1610.09585): $L_S$ and $L_C$ of Eqs. 2 and 3.
# - Mehdi Mirza, Simon Osindero. *Conditional Generative Adversarial Nets*. 2014. [arXiv:1411.1784](https://arxiv.org/abs/1411.1784)
# - Alec Radford, Luke Metz, Soumith Chintala. *Unsupervised Representation Learning with Deep Convolutional
#   Generative Adversarial Networks*. ICLR 2016. [arXiv:1511.06434](https://arxiv.org/abs/1511.06434)
# - Tim Salimans, Ian Goodfellow, Wojciech Zaremba, Vicki Cheung, Alec Radford, Xi Chen. *Improved Techniques for
#   Training GANs*. NIPS 2016. [arXiv:1606.03498](https://arxiv.org/abs/1606.03498): GANs for semi-supervised
#   classification.
# - Mingming Gong, Yanwu Xu, Chunyuan Li, Kun Zhang, Kayhan Batmanghelich. *Twin Auxiliary Classifiers GAN*.
#   NeurIPS 2019. [arXiv:1907.02690](https://arxiv.org/abs/1907.02690): ACGAN's uniform samples within a class, and a fix.
#
# **Further reading**
#
# - Hung-yi Lee's (National Taiwan University) GAN lectures in his machine-learning course (in Mandarin):
#   [course page](https://speech.ee.ntu.edu.tw/~hylee/ml/2021-spring.php).
# - The Keras example *Conditional GAN*: [keras.io/examples/generative/conditional_gan](https://keras.io/examples/generative/conditional_gan/),
#   to read side by side with this lesson's ACGAN and lesson 3's CGAN.

# %%
L.summary()

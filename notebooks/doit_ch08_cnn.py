# ---
# jupyter:
#   jupytext:
#     formats: py:percent,ipynb
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Do it! 딥러닝 입문 08장: 합성곱 신경망
#
# 08장은 합성곱 신경망을 먼저 직접 만들어 보고 (08-4), 그다음 Keras로 같은 구조를 만듭니다 (08-5).
# dualnet에서는 같은 모델 정의를 scratch 엔진(직접 만든 NumPy 구현)과 Keras 3에서 모두 돌립니다.
#
# 데이터: Fashion-MNIST 학습 세트를 `train_test_split(stratify=y, test_size=0.2, random_state=42)`로
# 48,000개와 12,000개로 나누고, 검증 정확도를 봅니다.

# %% tags=["parameters"]
import os

# QUICK = True: 적은 데이터와 1 에폭으로 빠르게 확인합니다 (테스트가 이 모드로 실행합니다).
# 빠른 모드에서는 실험마다 끝에 그리는 '안을 들여다보기' 그림을 건너뛰고, 아래에서 고른 실험만 그립니다.
QUICK = os.environ.get("DUALNET_QUICK") == "1"
QUICK_OPTIONS = dict(epochs=1, limit=120, verify=False, inside=False) if QUICK else {}
ENGINES = ("scratch", "keras")

# %%
import dualnet

dualnet.list_experiments().loc[["doit-conv-scratch", "doit-conv1", "doit-conv2"]]

# %% [markdown]
# ## 08-4 직접 만든 합성곱 신경망
#
# 3×3 커널 10개('same' 패딩) → ReLU → 2×2 최대 풀링 → 펼치기 → `Dense(100, relu)` → `Dense(10)`,
# 소프트맥스 교차 엔트로피, SGD(학습률 0.01), 배치 128, 20 에폭. 책의 검증 정확도는 87.46%입니다.
# scratch 엔진은 합성곱의 역전파를 im2col과 행렬 곱으로 직접 계산합니다.

# %%
scratch_cnn = {engine: dualnet.run("doit-conv-scratch", engine=engine, **QUICK_OPTIONS) for engine in ENGINES}
dualnet.beside_notes(*scratch_cnn.values())

# %%
scratch_cnn["scratch"].plot()

# %% [markdown]
# ## 08-5 Keras로 만든 합성곱 신경망 (Adam, 20 에폭)
#
# `Conv2D(10, (3,3), relu, same)`, `MaxPooling2D((2,2))`, `Flatten`, `Dense(100, relu)`,
# `Dense(10, softmax)`: 책의 검증 정확도 91.63%.

# %%
conv1 = {engine: dualnet.run("doit-conv1", engine=engine, **QUICK_OPTIONS) for engine in ENGINES}
dualnet.beside_notes(*conv1.values())

# %% [markdown]
# ## 드롭아웃을 더하면 (검증 정확도 92.07%)
#
# 펼친 뒤에 `Dropout(0.5)`를 넣으면 과적합이 줄어 검증 손실이 덜 올라갑니다. 두 학습 곡선을 비교해 보세요.

# %%
conv2 = {engine: dualnet.run("doit-conv2", engine=engine, **QUICK_OPTIONS) for engine in ENGINES}
dualnet.beside_notes(*conv2.values())

# %%
conv1["keras"].plot()

# %%
conv2["keras"].plot()

# %% [markdown]
# ### 안을 들여다보기
#
# 합성곱 층이 배운 3×3 커널 10개, 클래스마다 테스트 이미지 한 장의 특성 맵과 현저성 맵, 혼동 행렬,
# 가장 자신 있게 틀린 이미지입니다.

# %%
from IPython.display import display

display(*conv2["scratch"].inspect())

# %% [markdown]
# ## 정리

# %%
dualnet.beside_notes(*scratch_cnn.values(), *conv1.values(), *conv2.values())

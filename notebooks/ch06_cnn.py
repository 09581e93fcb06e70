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
# # 6장 합성곱 신경망 (CNN): Fashion-MNIST
#
# 『시작하세요! 텐서플로 2.0 프로그래밍』 6장을 dualnet으로 따라갑니다. 모든 신경망은 **두 번** 학습합니다.
# 한 번은 책과 같은 Keras 3로, 한 번은 NumPy로 처음부터 짠 dualnet의 scratch 엔진으로. 두 엔진은 같은
# 모델 정의(`dualnet/models.py`)를 쓰고, 같은 가중치에서 같은 값을 계산한다는 것을 테스트가 보여 줍니다.
#
# 각 실험 아래에 우리의 결과와 책(노트)의 수치를 나란히 놓습니다. 책의 수치도 실행할 때마다 ±0.7%p쯤
# 흔들린다는 점을 기억하세요.

# %% tags=["parameters"]
import os

# QUICK = True: 적은 데이터(앞의 120개)와 1 에폭으로 빠르게 확인합니다 (테스트가 이 모드로 실행합니다;
# 그때의 데이터는 테스트가 만든 작은 가짜 데이터일 수 있어 체크섬 검사를 끕니다).
# QUICK = False: 책의 레시피 그대로 (25 에폭, validation_split=0.25). VGG는 CPU에서 한 시간쯤 걸립니다.
# 빠른 모드에서는 실험마다 끝에 그리는 '안을 들여다보기' 그림을 건너뛰고, 아래에서 고른 실험만 그립니다.
QUICK = os.environ.get("DUALNET_QUICK") == "1"
QUICK_OPTIONS = dict(epochs=1, limit=120, verify=False, inside=False) if QUICK else {}
ENGINES = ("keras", "scratch")

# %%
import dualnet
from IPython.display import display

dualnet.list_experiments().query("chapter == 'cnn'")

# %% [markdown]
# ## 6.1–6.3 합성곱, 풀링, 드롭아웃 레이어의 출력 모양과 그림 6.2의 계산
#
# 28×28 흑백 이미지 한 장에 `Conv2D(kernel_size=(3,3), strides=(2,2), filters=16)`,
# `MaxPool2D((2,2), (2,2))`, `Dropout(0.3)`을 적용하면 모양이 어떻게 바뀌는지 봅니다.
# 그림 6.2의 3×3 예제는 손으로, 슬라이딩 윈도로, Conv2D로 세 번 계산해 모두 −1이 나옵니다.

# %%
demo = dualnet.run("conv-demo")

# %% [markdown]
# ## 6.8 컬러 이미지의 R, G, B 채널
#
# 책은 고양이 사진을 씁니다. 여기서는 scikit-image에 들어 있는 고양이 사진(`chelsea`)을 나눕니다.

# %%
channels = dualnet.run("image-channels")
display(*channels.pictures())

# %% [markdown]
# ## 그림 6.1, 6.3 사람이 만든 필터
#
# Canny 에지 검출과 손으로 정한 3×3 커널들. 합성곱 신경망은 이런 필터를 데이터에서 **배웁니다**.

# %%
edges = dualnet.run("edges")
display(*edges.pictures())

# %% [markdown]
# ## 표 6.1 Fashion-MNIST의 첫 16개 이미지
#
# 0 티셔츠/상의, 1 바지, 2 풀오버, 3 드레스, 4 코트, 5 샌들, 6 셔츠, 7 운동화, 8 가방, 9 앵클 부츠.
# 책의 첫 16개 레이블은 `[9 0 0 3 0 2 7 2 5 5 0 9 5 5 7 9]`입니다.

# %%
samples = dualnet.run("fashion-samples", **({"verify": False} if QUICK else {}))
display(*samples.pictures())

# %% [markdown]
# ## 5.22 비교 기준: Dense만 쓴 신경망
#
# `Flatten`, `Dense(128, relu)`, `Dense(10, softmax)`: 합성곱 없이 88.5%. 아래 CNN들이 이 수치를 넘는지 봅니다.

# %%
dense = {engine: dualnet.run("fashion-dense", engine=engine, **QUICK_OPTIONS) for engine in ENGINES}
dualnet.beside_notes(*dense.values())

# %%
dense["keras"].plot()

# %% [markdown]
# ## [7] 합성곱 층 하나의 요약 (파라미터 54,410개)

# %%
print(dualnet.run("fashion-cnn-sample").summary())

# %% [markdown]
# ## 6.7, 6.9 풀링 없는 CNN: 과적합
#
# 활성화 함수 없는 합성곱 세 층 뒤에 Dense 두 층. 파라미터가 3,989,642개로 많고, 학습이 진행될수록
# `val_loss`가 다시 올라갑니다 (과적합). 책은 85.79%를 보고합니다.

# %%
cnn = {engine: dualnet.run("fashion-cnn", engine=engine, **QUICK_OPTIONS) for engine in ENGINES}
dualnet.beside_notes(*cnn.values())

# %%
cnn["scratch"].plot()

# %% [markdown]
# ## 6.10, 6.11 풀링과 드롭아웃을 더한 CNN
#
# `MaxPool2D`가 이미지 크기를 줄이고 `Dropout(0.3)`이 과적합을 막아, 파라미터는 241,546개로 줄고
# 정확도는 88.81%로 오릅니다.

# %%
pool = {engine: dualnet.run("fashion-cnn-pool", engine=engine, **QUICK_OPTIONS) for engine in ENGINES}
dualnet.beside_notes(*pool.values())

# %%
pool["keras"].plot()

# %% [markdown]
# ## 6.12, 6.13 VGGNet 스타일의 깊은 CNN
#
# 3×3 합성곱을 여러 번 쌓고 드롭아웃 0.5를 넣은 네트워크(5,240,842개의 파라미터). 책의 최고 수치
# 92.76%입니다. 전체 모드에서는 시간이 오래 걸립니다.

# %%
vgg = {engine: dualnet.run("fashion-vgg", engine=engine, **QUICK_OPTIONS) for engine in ENGINES}
dualnet.beside_notes(*vgg.values())

# %%
vgg["scratch"].plot()

# %% [markdown]
# ### 안을 들여다보기: 필터, 특성 맵, 현저성 맵
#
# 첫 합성곱 층이 배운 3×3 커널을 사람이 만든 필터(그림 6.3) 옆에, 클래스마다 테스트 이미지 한 장의
# 특성 맵(그림 6.9)과, 예측한 클래스의 점수가 어느 픽셀에 민감한지(현저성 맵)를 봅니다. 혼동 행렬과
# 가장 자신 있게 틀린 이미지도 함께 나옵니다. Keras로 학습한 모델도 같은 방법으로 볼 수 있습니다
# (가중치를 scratch 엔진의 쌍둥이 모델에 옮겨 계산합니다).

# %%
display(*vgg["keras"].inspect())

# %% [markdown]
# ## 6.14–6.16 이미지 보강 (augmentation)
#
# 학습 이미지 중 30,000장을 무작위로 골라 회전, 확대, 기울이기, 이동, 좌우 뒤집기를 한 뒤 원래 60,000장
# 뒤에 붙입니다. 그래서 `validation_split=0.25`가 떼어 내는 마지막 4분의 1은 대부분 보강된 이미지입니다
# (책의 레시피가 가진 성질입니다). 첫 이미지의 보강 100가지를 10×10 격자로 봅니다.

# %%
augmented = {engine: dualnet.run("fashion-vgg-aug", engine=engine, **QUICK_OPTIONS) for engine in ENGINES}
display(*augmented["keras"].pictures())
dualnet.beside_notes(*augmented.values())

# %% [markdown]
# ## 정리
#
# 이 장의 모든 실험을 한 표에. 전체 모드의 수치는 `results/runs.md`에도 기록되어 있습니다.

# %%
dualnet.beside_notes(*dense.values(), *cnn.values(), *pool.values(), *vgg.values(), *augmented.values())

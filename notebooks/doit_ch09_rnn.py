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
# # Do it! 딥러닝 입문 09장: 순환 신경망으로 IMDB 리뷰 분류하기
#
# IMDB 영화 리뷰의 긍정/부정을 순환 신경망으로 맞힙니다. 09-2에서 순환 신경망을 직접 만들고,
# 09-3에서 Keras의 `SimpleRNN`, 단어 임베딩, `LSTM`으로 나아갑니다.
#
# 데이터 준비(09-2): `num_words=100, skip_top=20`, 2 이하의 토큰(패딩, 시작, 어휘 밖) 제거,
# `np.random.seed(42)`로 섞어 20,000개 학습 / 5,000개 검증, `pad_sequences(maxlen=100)`.
# 책은 단어를 원-핫 벡터(단어당 100개의 실수, 모두 800MB)로 바꾸지만, dualnet의 두 엔진은 같은 값을
# 단어 번호로 바로 찾아 계산합니다 (원-핫 행렬을 곱하는 것은 가중치의 한 행을 고르는 것과 같습니다).

# %% tags=["parameters"]
import os

# QUICK = True: 적은 데이터와 1 에폭으로 빠르게 확인합니다 (테스트가 이 모드로 실행합니다).
# 빠른 모드에서는 실험마다 끝에 그리는 '안을 들여다보기' 그림을 건너뛰고, 아래에서 고른 실험만 그립니다.
QUICK = os.environ.get("DUALNET_QUICK") == "1"
QUICK_OPTIONS = dict(epochs=1, limit=120, verify=False, inside=False) if QUICK else {}
ENGINES = ("keras", "scratch")

# %%
import dualnet

dualnet.list_experiments().loc[["doit-rnn-scratch", "doit-rnn-scratch-notes", "doit-simplernn",
                                "doit-embedding-rnn", "doit-embedding-lstm"]]

# %% [markdown]
# ## 09-2 직접 만든 순환 신경망
#
# 32개의 셀, tanh, 시그모이드 출력, SGD. 역전파는 마지막 10 타임스텝까지만 거슬러 올라갑니다.
#
# **책의 역전파에는 실수가 하나 있습니다.** 정방향 계산은 `h · w1h`인데, 역방향에서 이전 타임스텝으로
# 오차를 보낼 때 `np.dot(err_to_cell, self.w1h)`로 `w1h`를 전치하지 않고 곱합니다. 올바른 그레이디언트는
# `w1h.T`를 곱해야 합니다. `doit-rnn-scratch`는 올바른 그레이디언트로, `doit-rnn-scratch-notes`는 책의
# 그레이디언트 그대로 학습합니다. 책의 검증 정확도 68.16%는 책의 그레이디언트에서 나온 수치입니다.

# %%
handmade = {experiment: dualnet.run(experiment, engine="scratch", **QUICK_OPTIONS)
            for experiment in ("doit-rnn-scratch", "doit-rnn-scratch-notes")}
dualnet.beside_notes(*handmade.values())

# %% [markdown]
# ## 09-2 Keras의 SimpleRNN (검증 정확도 69.98%)

# %%
simplernn = {engine: dualnet.run("doit-simplernn", engine=engine, **QUICK_OPTIONS) for engine in ENGINES}
dualnet.beside_notes(*simplernn.values())

# %%
simplernn["keras"].plot()

# %% [markdown]
# ## 09-3 단어 임베딩 (`Embedding(1000, 32)`, 검증 정확도 82.22%)
#
# 원-핫 대신 단어마다 32개의 실수를 배웁니다. 어휘를 1,000개로 늘려도 메모리가 적게 듭니다.

# %%
embedding_rnn = {engine: dualnet.run("doit-embedding-rnn", engine=engine, **QUICK_OPTIONS) for engine in ENGINES}
dualnet.beside_notes(*embedding_rnn.values())

# %% [markdown]
# ## 09-3 LSTM (검증 정확도 83.72%)

# %%
embedding_lstm = {engine: dualnet.run("doit-embedding-lstm", engine=engine, **QUICK_OPTIONS) for engine in ENGINES}
dualnet.beside_notes(*embedding_lstm.values())

# %%
embedding_lstm["scratch"].plot()

# %% [markdown]
# ### LSTM의 게이트 들여다보기
#
# 테스트 리뷰 하나를 읽는 동안 은닉 상태와 입력, 망각, 출력 게이트, 셀 상태가 어떻게 변하는지 봅니다.

# %%
from IPython.display import display

display(*embedding_lstm["keras"].inspect())

# %% [markdown]
# ## 정리

# %%
dualnet.beside_notes(*handmade.values(), *simplernn.values(), *embedding_rnn.values(), *embedding_lstm.values())

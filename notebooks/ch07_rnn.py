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
# # 7장 순환 신경망 (RNN): SimpleRNN, LSTM, GRU, 감성 분석, 텍스트 생성
#
# 『시작하세요! 텐서플로 2.0 프로그래밍』 7장을 dualnet으로 따라갑니다. 모든 신경망을 Keras 3와 NumPy로 짠
# scratch 엔진에서 한 번씩 학습하고, 우리의 결과를 책의 수치 옆에 놓습니다.

# %% tags=["parameters"]
import os

# QUICK = True: 적은 데이터와 1 에폭으로 빠르게 확인합니다 (테스트가 이 모드로 실행합니다).
# QUICK = False: 책의 레시피 그대로입니다. 텍스트 생성은 CPU에서 수십 분 걸립니다.
# 빠른 모드에서는 실험마다 끝에 그리는 '안을 들여다보기' 그림을 건너뛰고, 아래에서 고른 실험만 그립니다.
QUICK = os.environ.get("DUALNET_QUICK") == "1"
QUICK_OPTIONS = dict(epochs=1, limit=120, verify=False, inside=False) if QUICK else {}
GENERATED_QUICK = dict(epochs=1, limit=256, inside=False) if QUICK else {}  # 만들어 쓰는 데이터: 체크섬도 limit도 필요 없습니다
ENGINES = ("keras", "scratch")

# %%
import dualnet

dualnet.list_experiments().query("chapter == 'rnn'")

# %% [markdown]
# ## 7.1–7.5 다음 숫자 예측하기
#
# `[0.0, 0.1, 0.2, 0.3]` → `0.4`처럼 네 숫자의 다음 숫자를 맞히는 `SimpleRNN(10)` (파라미터 131개).
# 책의 예측은 약 `[0.38, 0.50, 0.62, 0.72, 0.80, 0.88]`, 본 적 없는 `[0.6 … 0.9]`에는 0.995입니다.

# %%
sequence = {engine: dualnet.run("seq-predict", engine=engine, **GENERATED_QUICK)
            for engine in ENGINES}
for engine, r in sequence.items():
    print(engine, [round(p, 3) for p in r.metrics["predictions"]], round(r.metrics["unseen [0.6, 0.7, 0.8, 0.9]"], 3))

# %% [markdown]
# ## 7.6–7.18 곱셈 문제: SimpleRNN, LSTM, GRU
#
# 100개의 숫자 중 표시된 두 숫자를 곱하는 문제. 예측이 정답과 0.04 이내면 "정답"으로 셉니다.
# SimpleRNN은 거의 풀지 못하고 (책 9.77%), LSTM(95.68%)과 GRU(98.86%)는 풉니다. 먼 과거의 정보를
# 게이트로 지키는 능력의 차이입니다.

# %%
multiplication = {}
for experiment in ("mult-simplernn", "mult-lstm", "mult-gru"):
    for engine in ENGINES:
        multiplication[experiment, engine] = dualnet.run(experiment, engine=engine, **GENERATED_QUICK)
dualnet.beside_notes(*multiplication.values())

# %%
multiplication["mult-lstm", "scratch"].plot()

# %% [markdown]
# ### LSTM의 게이트 들여다보기 (그림 7.8)
#
# 테스트 샘플 하나에서 시간에 따른 은닉 상태와 입력, 망각, 출력 게이트, 셀 상태를 봅니다. 빨간 점선은
# 곱해야 할 두 숫자가 표시된 위치입니다. 잘 학습된 모델에서는 그 위치에서 게이트가 반응합니다.

# %%
from IPython.display import display

display(*multiplication["mult-lstm", "keras"].inspect())

# %% [markdown]
# ## 7.19–7.31 네이버 영화 리뷰 감성 분석 (NSMC)
#
# 책의 `clean_str`로 문장을 정리하고 (한글, 영문, 숫자와 `(),!?` 유지; 문장 부호는 따로 단어로),
# 단어는 5글자, 문장은 25단어까지 자르고, 가장 많이 나오는 20,000 단어로 번호를 매깁니다.
# `Embedding(20000, 300)`, `LSTM(50)`, `Dense(2, softmax)`. 책은 테스트 정확도 80.04%입니다.

# %%
sentiment = {engine: dualnet.run("sentiment-lstm", engine=engine, **QUICK_OPTIONS) for engine in ENGINES}
dualnet.beside_notes(*sentiment.values())

# %% [markdown]
# 7.31처럼, 문장이 한 단어씩 길어질 때 긍정 확률이 어떻게 바뀌는지 봅니다.

# %%
from dualnet.trained import sentiment_by_word

for prefix, positive in sentiment_by_word(sentiment["keras"].run_dir, "재미있을 줄 알았는데 완전 실망했다. 너무 지루했다"):
    print(f"{positive:6.1%}  {prefix}")

# %% [markdown]
# 같은 문장을 단어마다 색으로 (빨강: 부정, 초록: 긍정), 그리고 LSTM의 게이트가 문장을 읽는 모습입니다.
# scratch 엔진으로 학습한 모델도 같은 그림을 그립니다.

# %%
display(*sentiment["scratch"].inspect())

# %% [markdown]
# ## 7.32–7.42 단어 단위 텍스트 생성
#
# 책은 조선왕조실록을 쓰지만, 여기서는 저작권이 끝난 채만식의 『태평천하』를 씁니다. 줄마다 문장을
# 정리하고 줄바꿈도 하나의 단어로 넣은 뒤, 26단어씩 겹치지 않게 잘라 앞의 25단어로 다음 단어를 맞힙니다.

# %%
from dualnet.trained import generate

words = dualnet.run("textgen-word", engine="keras", **QUICK_OPTIONS)
print(generate(words.run_dir, "윤직원 영감은", length=30, temperature=0.8))

# %% [markdown]
# 온도(temperature)가 낮으면 가장 그럴듯한 단어에 확률이 몰리고, 높으면 고르게 퍼집니다.
# 테스트 창 하나 뒤에 올 단어의 확률을 온도 0.5, 1, 1.5에서 봅니다.

# %%
display(*words.inspect())

# %% [markdown]
# ## 7.43–7.50 자모 단위 텍스트 생성
#
# 한글을 초성, 중성, 종성 자모로 나누어 (`간` → `ㄱ ㅏ ㄴ`) 80개의 자모로 다음 자모를 맞힙니다.
# `Embedding(V, 100)`, `LSTM(400)`, `Dense(V, softmax)`, 배치 256, 100 에폭. 생성한 자모는 다시 글자로 합칩니다.

# %%
jamo = dualnet.run("textgen-jamo", engine="keras", **QUICK_OPTIONS)
print(generate(jamo.run_dir, "윤직원 영감은", length=60, temperature=0.8))

# %% [markdown]
# ## 정리

# %%
dualnet.beside_notes(*multiplication.values(), *sentiment.values(), words, jamo)

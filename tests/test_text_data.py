"""Korean jamo, text corpora, NSMC and the commands that use trained text runs."""

import json

import numpy as np
import pytest
from conftest import cli_env
from test_cli import dualnet

from dualnet.data import DataCorruptError, DataNotFoundError, jamo, nsmc, text


def test_every_syllable_round_trips():
    syllables = "".join(chr(c) for c in range(0xAC00, 0xD7A4))
    assert len(syllables) == 11172
    letters = jamo.split(syllables)
    assert len(letters) > 2 * len(syllables) and all(0x1100 <= ord(c) <= 0x11FF for c in letters)
    assert jamo.join(letters) == syllables


def test_mixed_text_round_trips_and_splits_as_expected():
    mixed = "윤직원 영감은 ㅋㅋ Hello, 世界! 尹直員[윤직원] 각"
    assert jamo.join(jamo.split(mixed)) == mixed
    assert jamo.split("각") == "\u1100\u1161\u11a8" and jamo.split("가") == "\u1100\u1161"


def test_non_utf8_corpus_is_a_clear_error(tmp_path):
    path = tmp_path / "cp949.txt"
    path.write_bytes("한국어".encode("cp949"))
    with pytest.raises(DataCorruptError, match="not UTF-8 text.*iconv"):
        text.read_corpus(path)
    with pytest.raises(DataNotFoundError, match="corpus file not found"):
        text.read_corpus(tmp_path / "missing.txt")


def test_tokens_vocabulary_and_windows():
    assert text.tokens_of("ab ba", "char") == ["a", "b", " ", "b", "a"]
    # Book 7.34: each line cleaned and split at spaces, a line-break word after every line (the last too).
    assert text.tokens_of("the cat  sat", "word") == ["the", "cat", "sat", "\n"]
    assert text.tokens_of("Hello, world! (aside) it'll be   fine?\n윤직원 영감은…\n", "word") == [
        "Hello", ",", "world", "!", "aside", "it", "ll", "be", "fine", "?", "\n", "윤직원", "영감은", "\n", "\n"]
    assert text.detokenize(text.tokens_of("한글 text", "jamo"), "jamo") == "한글 text"
    assert text.build_vocabulary(list("abbccc")) == ["c", "b", "a"]
    x, y = text.windows(np.arange(6), 3)
    np.testing.assert_array_equal(x, [[0, 1, 2], [1, 2, 3], [2, 3, 4]])
    np.testing.assert_array_equal(y, [3, 4, 5])
    # Book 7.37: consecutive pieces of window + 1, the remainder dropped.
    x, y = text.chunks(np.arange(11), 3)
    np.testing.assert_array_equal(x, [[0, 1, 2], [4, 5, 6]])
    np.testing.assert_array_equal(y, [3, 7])


def write_nsmc(folder, rows, name="ratings_train.txt"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("id\tdocument\tlabel\n" + "".join(f"{i}\t{d}\t{l}\n" for i, (d, l) in enumerate(rows)),
                               encoding="utf-8")
    return folder / name


def test_nsmc_rows_and_a_malformed_row(tmp_path):
    path = write_nsmc(tmp_path, [("아 더빙.. 진짜 짜증나네요 목소리", 0), ("", 1), ("최고의 영화!!", 1)])
    documents, labels = nsmc.read_ratings(path)
    assert documents[1] == "" and labels.tolist() == [0, 1, 1]
    path.write_text(path.read_text(encoding="utf-8") + "7\tno label here\n", encoding="utf-8")
    with pytest.raises(DataCorruptError, match="line 5 is malformed"):
        nsmc.read_ratings(path)


def test_nsmc_cleaning_and_word_index():
    # The book's clean_str: Latin letters, digits and ,!()? kept (the marks as words); jamo such as ㅋ dropped;
    # split at single spaces, so a leading space leaves an empty word, as the book's split(' ') does.
    assert nsmc.words_of("ㅋㅋ 진짜 재미있었어요!! 10점 abc 최고최고최고") == [
        "", "진짜", "재미있었어", "!", "!", "10점", "abc", "최고최고최"]
    assert nsmc.words_of("10점 만점에 10점! good") == ["10점", "만점에", "10점", "!", "good"]
    assert nsmc.words_of("Don't (spoil) it, OK?") == ["do", "nt", "(", "spoil", ")", "it", ",", "ok", "?", ""]
    assert len(nsmc.words_of(" ".join(["가"] * 40))) == 25
    index = nsmc.WordIndex(num_words=3).fit([["나", "가", "가"], ["다", "나", "가"]])
    assert index.index == {"가": 1, "나": 2, "다": 3}
    assert index.sequences([["다", "가", "라"]]) == [[1]]  # index >= num_words and unknown words dropped


@pytest.mark.slow
def test_generate_from_a_trained_text_run(tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("to be or not to be, that is the question. " * 40, encoding="utf-8")
    out = tmp_path / "runs"
    dualnet("run", "textgen-char", "--engine", "scratch", "--corpus", str(corpus), "--epochs", "2", "--out", str(out))
    (run_dir,) = (out / "textgen-char").iterdir()
    vocabulary = json.loads((run_dir / "vocabulary.json").read_text())
    assert vocabulary["level"] == "char" and vocabulary["tokens"][0] == "<unk>"
    result = dualnet("generate", str(run_dir), "--seed-text", "to be", "--length", "20", "--temperature", "0.5")
    generated = result.stdout.rstrip("\n")
    assert generated.startswith("to be") and len(generated) == 25
    assert set(generated) <= set(vocabulary["tokens"][1:])  # never the "<unk>" token


@pytest.mark.slow
def test_sentiment_word_by_word(tmp_path):
    data = tmp_path / "data" / "nsmc"
    rows = [("정말 재미있는 영화", 1), ("너무 지루한 영화", 0)] * 60
    write_nsmc(data, rows)
    write_nsmc(data, rows[:20], name="ratings_test.txt")
    out = tmp_path / "runs"
    dualnet("run", "sentiment-lstm", "--engine", "scratch", "--data-dir", str(tmp_path / "data"), "--no-verify",
            "--epochs", "1", "--out", str(out))
    (run_dir,) = (out / "sentiment-lstm").iterdir()
    lines = dualnet("sentiment", str(run_dir), "정말 재미있는 영화").stdout.strip().splitlines()
    assert len(lines) == 3 and lines[-1].endswith("정말 재미있는 영화") and "positive" in lines[0]


def test_generate_refuses_a_run_that_is_not_text(tmp_path, fashion_dir):
    out = tmp_path / "runs"
    dualnet("run", "doit-conv1", "--engine", "scratch", "--limit", "64", "--epochs", "1", "--data-dir",
            str(fashion_dir), "--no-verify", "--out", str(out))
    (run_dir,) = (out / "doit-conv1").iterdir()
    result = dualnet("generate", str(run_dir), "--seed-text", "x", check=False)
    assert result.returncode == 2 and "vocabulary.json is missing" in result.stderr


def test_nsmc_is_looked_for_and_checked_like_every_dataset(tmp_path):
    with pytest.raises(DataNotFoundError, match=r"(?s)ratings_train.txt was not found.*--data-dir"):
        nsmc.load_nsmc(tmp_path)
    write_nsmc(tmp_path / "nsmc", [("좋다", 1)])
    write_nsmc(tmp_path / "nsmc", [("싫다", 0)], name="ratings_test.txt")
    with pytest.raises(DataCorruptError, match="ratings_train.txt: checksum mismatch"):
        nsmc.load_nsmc(tmp_path)
    assert nsmc.load_nsmc(tmp_path, verify=False)["test"][1].tolist() == [0]


def test_jamo_labels_show_the_letter_and_its_place():
    from dualnet.data import jamo

    assert [jamo.display_letter(c) for c in jamo.split("한글 값")] == ["ㅎ-", "ㅏ", "-ㄴ", "ㄱ-", "ㅡ", "-ㄹ", " ",
                                                                      "ㄱ-", "ㅏ", "-ㅄ"]
    assert jamo.display_letter("a") == "a"

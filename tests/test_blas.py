"""The choice of OpenBLAS kernels (dualnet/blas.py): AVX-512 kernels where the CPU has them and nobody
chose, an explicit OPENBLAS_CORETYPE always respected, DUALNET_OPENBLAS_CORETYPE above both."""

from dualnet.blas import SKYLAKEX_FLAGS, cpu_flags, preferred_coretype

AVX512 = set(SKYLAKEX_FLAGS) | {"avx2", "fma"}


def test_auto_chooses_avx512_kernels_only_where_nobody_chose():
    assert preferred_coretype(AVX512, {}) == "SkylakeX"
    assert preferred_coretype(AVX512, {"OPENBLAS_CORETYPE": ""}) == "SkylakeX"
    assert preferred_coretype(AVX512, {"DUALNET_OPENBLAS_CORETYPE": "auto"}) == "SkylakeX"


def test_an_explicit_openblas_coretype_is_respected():
    assert preferred_coretype(AVX512, {"OPENBLAS_CORETYPE": "Haswell"}) is None
    assert preferred_coretype(AVX512, {"OPENBLAS_CORETYPE": "zen", "DUALNET_OPENBLAS_CORETYPE": "auto"}) is None
    assert preferred_coretype(AVX512, {"OPENBLAS_CORETYPE": "Cooperlake"}) is None


def test_auto_leaves_cpus_without_the_avx512_subsets_alone():
    assert preferred_coretype({"avx2", "fma", "avx512f"}, {}) is None  # AVX-512 foundation alone is not enough
    assert preferred_coretype({"avx2", "fma"}, {}) is None


def test_dualnet_setting_decides_above_both():
    assert preferred_coretype(AVX512, {"OPENBLAS_CORETYPE": "Haswell", "DUALNET_OPENBLAS_CORETYPE": "keep"}) is None
    assert preferred_coretype(AVX512, {"OPENBLAS_CORETYPE": "Haswell",
                                       "DUALNET_OPENBLAS_CORETYPE": "SkylakeX"}) == "SkylakeX"
    assert preferred_coretype(set(), {"DUALNET_OPENBLAS_CORETYPE": "Haswell"}) == "Haswell"


def test_cpu_flags_reads_the_flags_line(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512f\nbugs\t\t: none\n", encoding="utf-8")
    assert cpu_flags(str(info)) == {"fpu", "avx2", "avx512f"}
    assert cpu_flags(str(tmp_path / "missing")) == set()

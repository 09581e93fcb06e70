"""dualnet.allocator: when glibc's thresholds are raised, and to what."""

import pytest

from dualnet import allocator


@pytest.fixture(autouse=True)
def keep_process_state(monkeypatch):
    monkeypatch.setattr(allocator, "applied", allocator.applied)  # restored after each test


class FakeLibc:
    def __init__(self, accepts=True):
        self.calls, self.accepts = [], accepts

    def mallopt(self, parameter, value):
        self.calls.append((parameter, value))
        return 1 if self.accepts else 0


def test_raises_the_mmap_threshold_then_the_trim_threshold():
    libc = FakeLibc()
    assert allocator.keep_freed_memory({}, libc) is True
    assert libc.calls == [(allocator.M_MMAP_THRESHOLD, 32 * 1024 ** 2), (allocator.M_TRIM_THRESHOLD, 512 * 1024 ** 2)]
    assert allocator.setting() == "freed memory kept"


def test_system_setting_and_users_own_thresholds_leave_malloc_alone():
    for environ in ({"DUALNET_MALLOC": "system"}, {"DUALNET_MALLOC": " System "},
                    {"MALLOC_TRIM_THRESHOLD_": "1000"}, {"MALLOC_MMAP_THRESHOLD_": "1000"}):
        libc = FakeLibc()
        assert allocator.keep_freed_memory(environ, libc) is False
        assert libc.calls == []


def test_a_refused_value_is_reported():
    assert allocator.keep_freed_memory({}, FakeLibc(accepts=False)) is False
    assert allocator.setting() == "allocator defaults"


def test_real_call_on_this_platform_does_not_fail():
    # on glibc the values are within mallopt's limits (it returns 0 for one it refuses); elsewhere nothing is done
    import platform
    result = allocator.keep_freed_memory({})
    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert result is True
    else:
        assert result is False

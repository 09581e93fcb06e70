"""Keras's first import drops TensorFlow's native start-up lines and nothing else."""

import os

from dualnet.startup import START_UP_CHATTER, native_stderr_without


def test_the_start_up_lines_are_dropped_and_every_other_line_is_kept(capfd):
    with native_stderr_without(START_UP_CHATTER):
        os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n")
        os.write(2, b"I0000 port.cc:153] oneDNN custom operations are on. You may see ...\n")
        os.write(2, b"E0000 a real error from C++\n")
    assert capfd.readouterr().err == "E0000 a real error from C++\n"


def test_the_lines_come_back_when_the_block_raises(capfd):
    try:
        with native_stderr_without(START_UP_CHATTER):
            os.write(2, b"why it failed\n")
            raise ImportError("no TensorFlow")
    except ImportError:
        pass
    assert capfd.readouterr().err == "why it failed\n"

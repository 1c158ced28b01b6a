"""tools/execute_notebooks.py stores each cell's printed text as one chunk per stream."""

import nbformat

from tools.execute_notebooks import merge_streams


def stream(name: str, text: str):
    return nbformat.v4.new_output("stream", name=name, text=text)


def test_consecutive_chunks_of_one_stream_are_joined_in_order():
    outs = [stream("stdout", "a\n"), stream("stdout", "b\n"), stream("stderr", "w\n"), stream("stdout", "c\n")]
    merged = merge_streams(outs)
    assert [(o["name"], o["text"]) for o in merged] == [("stdout", "a\nb\n"), ("stderr", "w\n"), ("stdout", "c\n")]


def test_other_outputs_stay_where_they_are():
    result = nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1)
    outs = [stream("stdout", "a"), result, stream("stdout", "b")]
    assert merge_streams(outs) == outs

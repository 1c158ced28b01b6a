"""Lesson 11: sharding plans and their bytes, the 2-process exchange on loopback (equal to one process bit for
bit), faults that stop fast, the alternatives, the figure and ShardExplorer, and the exercise checkers."""

import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.layout_engine import ConstrainedLayoutEngine
from torch import nn

import lookup_lib as L
from lookup_lib.exercises import check, exercises
from lookup_lib.lessons.kit.style import png_size, to_png
from lookup_lib.lessons.l11_tables_too_big_for_one_machine import (
    ShardExplorer,
    ShardFailure,
    colliding,
    dequantize_rows,
    draw_routing,
    example_batches,
    hash_ids,
    launch,
    make_problem,
    memory_rows,
    quantize_rows,
    route,
    row_wise,
    table_wise,
    traffic,
)
from lookup_lib.lessons.l11_tables_too_big_for_one_machine.exercises import row_owner
from lookup_lib.lessons.l11_tables_too_big_for_one_machine.figures import RoutingFigure

# --- plans -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("plan", [row_wise(10, 4), row_wise(11, 3, cyclic=True), table_wise([5, 9, 2], 2),
                                  row_wise(7, 1)], ids=["block", "cyclic", "table", "one rank"])
def test_every_row_has_one_owner_and_its_local_row_finds_it(plan):
    rows = np.arange(plan.num_rows)
    owners, local = plan.owner(rows), plan.local(rows)
    assert sorted(np.concatenate([plan.rows_of(r) for r in range(plan.world_size)]).tolist()) == rows.tolist()
    for k in rows:
        assert plan.rows_of(owners[k])[local[k]] == k


def test_route_groups_by_owner_and_keeps_batch_order_within_an_owner():
    batch = np.array([9, 0, 7, 1, 9])
    r = route(row_wise(10, 2), batch)
    assert batch[r.order].tolist() == [0, 1, 9, 7, 9] and r.counts.tolist() == [2, 3]


def test_traffic_has_nothing_on_the_diagonal_and_counts_ids_rows_and_grads():
    sent = traffic(row_wise(10, 2), [np.array([7, 1]), np.array([2, 3])], dim=4)
    assert sent.tolist() == [[0, 8 + 16 + 2 * 16], [2 * (8 + 16) + 16, 0]]


def test_table_wise_puts_the_largest_table_on_the_least_loaded_rank():
    assert table_wise([30, 20, 10], 2).table_ranks.tolist() == [0, 1, 1]


# --- the distributed exchange, for real -----------------------------------------------------------


def single_process(problem, pool=None):
    """The notebook's reference: one nn.Embedding, all ranks' batches, SGD."""
    emb = nn.Embedding.from_pretrained(problem.table.clone(), freeze=False)
    opt = torch.optim.SGD(emb.parameters(), lr=problem.lr)
    outputs, first_grad = [], None
    for batch, target in zip(problem.batches, problem.targets, strict=True):
        rows = emb(batch)
        if pool is None:
            out, goal = rows, target
        else:
            flat = rows.reshape(-1, rows.shape[-1])
            offsets = torch.arange(0, len(flat), batch.shape[-1])
            out = F.embedding_bag(torch.arange(len(flat)), flat, offsets, mode=pool)
            goal = target[:, :, 0].reshape(out.shape)
        opt.zero_grad()
        ((out - goal) ** 2).sum().backward()
        first_grad = emb.weight.grad.clone() if first_grad is None else first_grad
        opt.step()
        outputs.append(out.detach())
    return outputs, first_grad, emb.weight.detach()


def test_two_processes_on_loopback_equal_one_process_bit_for_bit():
    start = time.monotonic()
    ranks = launch("prove", world_size=2, timeout=60)
    assert time.monotonic() - start < 60
    problem = make_problem(60, 4, 2)
    for name, pool, rows_key in (("embedding", None, None), ("bag_sum", "sum", None), ("bag_mean", "mean", None),
                                 ("table_wise", None, "table_wise")):
        outputs, first_grad, final = single_process(problem, pool)
        for s, expected in enumerate(outputs):
            got = torch.cat([r[name]["outputs"][s] for r in ranks]).reshape(expected.shape)
            assert torch.equal(got, expected), (name, s)
        for r in ranks:
            mine = torch.from_numpy(r[rows_key]["rows_of"] if rows_key else r["rows_of"])
            assert torch.equal(r[name]["first_grad"], first_grad[mine]), name
            assert torch.equal(r[name]["shard"], final[mine]), name
    owner = torch.cat([r["owner_pooled"]["out"] for r in ranks])
    torch.testing.assert_close(owner, F.embedding_bag(problem.batches[0].reshape(-1, 5), problem.table, mode="sum"))
    measured = sum(r["embedding"]["traffic"].total() - r["embedding"]["traffic"].counts for r in ranks)
    predicted = sum(traffic(row_wise(60, 2), [b.numpy() for b in step], 4).sum() for step in problem.batches)
    assert measured == predicted


def test_a_dead_rank_gives_a_short_clear_error_and_leaves_no_process():
    start = time.monotonic()
    with pytest.raises(ShardFailure, match="rank 1 died"):
        launch("die", world_size=2, timeout=30)
    assert time.monotonic() - start < 30
    assert not [p for p in __import__("multiprocessing").active_children() if p.is_alive()]


def test_a_bad_index_gets_lookup_libs_message():
    with pytest.raises(IndexError) as sharded:
        launch("bad_index", world_size=2, timeout=30)
    bad = make_problem(60, 4, 2).batches[0, 0].clone().numpy()
    bad[1, 2] = 60  # what job_bad_index puts into rank 0's batch
    with pytest.raises(IndexError) as reference:
        L.embedding(bad, np.zeros((60, 4)))
    assert str(sharded.value) == str(reference.value)


# --- alternatives ------------------------------------------------------------------------------------


def test_memory_rows_adam_is_three_tables():
    assert memory_rows(10**8, 64)[3][1:4] == ["25.6 GB", "51.2 GB", "76.8 GB"]


def test_hashing_is_stable_and_fewer_buckets_collide_more():
    words = [f"w{k}" for k in range(200)]
    assert hash_ids(words, 64).tolist() == hash_ids(words, 64).tolist()
    assert colliding(words, 4096) < colliding(words, 64) <= 200


def test_int8_rows_reconstruct_within_half_a_step():
    table = np.random.default_rng(0).standard_normal((50, 8)).astype(np.float32)
    q, scale = quantize_rows(table)
    assert q.dtype == np.int8 and np.all(np.abs(dequantize_rows(q, scale) - table) <= scale[:, None] / 2 + 1e-7)


# --- figure and widget -------------------------------------------------------------------------------


def test_draw_routing_colours_each_index_by_its_owner_and_labels_the_bytes():
    plan = row_wise(40, 2)
    batches = example_batches("uniform", 2)
    fig = draw_routing(plan, batches, 16)
    bars = fig.axes[1].patches
    assert [int(b.get_height()) for b in bars] == traffic(plan, batches, 16).sum(axis=1).tolist()
    assert len(fig.axes[0].patches) == sum(len(b) for b in batches)


def test_shard_explorer_redraws_when_a_control_changes():
    w = ShardExplorer()
    first = w.png
    w.controls["shards"].value = 4
    assert w.png != first and w.png[:4] == b"\x89PNG"
    assert "image/png" in w._repr_mimebundle_()
    assert to_png(w.draw(shards=1, layout="cyclic", batch="uniform"))[:4] == b"\x89PNG"


# The settings a student walks through: every control changed, every number of shards, back to a figure seen.
WALK = [(2, "block", "zipf"), (2, "cyclic", "zipf"), (2, "cyclic", "uniform"), (3, "cyclic", "uniform"),
        (4, "cyclic", "uniform"), (4, "block", "uniform"), (1, "block", "uniform"), (1, "block", "zipf"),
        (4, "block", "zipf"), (2, "block", "zipf")]


def test_shard_explorer_updates_its_figure_in_place_with_the_pixels_of_a_fresh_one():
    w = ShardExplorer()
    figures, pictures = {}, set()
    for shards, layout, batch in WALK[1:]:
        before = w.png
        with w.hold():
            w.controls["shards"].value, w.controls["layout"].value, w.controls["batch"].value = shards, layout, batch
        assert w.png != before  # every step changes a control: a new picture
        fig = w.draw(shards, layout, batch)
        assert figures.setdefault(shards, fig) is fig  # one figure per number of shards, reused
        plan = row_wise(w.num_rows, shards, cyclic=layout == "cyclic")
        fresh = draw_routing(plan, example_batches(batch, shards, w.num_rows), w.dim, ymax=w.ymax)
        assert fresh is not fig and w.png == to_png(fresh), (shards, layout, batch)
        pictures.add(w.png)
    assert len(pictures) == len(set(WALK[1:]))  # different settings, different pictures


@pytest.mark.parametrize(("shards", "layout"), [(1, "block"), (2, "cyclic"), (4, "block"), (4, "cyclic")])
def test_the_layout_kept_by_the_routing_figure_is_the_one_its_values_get(shards, layout):
    plan = row_wise(40, shards, cyclic=layout == "cyclic")
    kept = RoutingFigure(row_wise(40, shards), 12, 16, 3000)  # laid out once, for another plan and batch
    kept.update(row_wise(40, shards), example_batches("zipf", shards))
    fig = kept.update(plan, example_batches("uniform", shards))
    fresh = draw_routing(plan, example_batches("uniform", shards), 16, ymax=3000)  # laid out when drawn
    assert isinstance(fresh.get_layout_engine(), ConstrainedLayoutEngine)
    assert not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    assert to_png(fig) == to_png(fresh)


def test_shard_explorer_is_drawn_at_the_size_it_is_shown_on_one_bytes_axis():
    w = ShardExplorer()
    tops = set()
    for shards in (1, 2, 3, 4):
        w.controls["shards"].value = shards
        assert png_size(w.png)[0] <= 860  # JupyterLab's output area: 868 px; wider pictures are shrunk, blurred
        bottom = w.draw(shards, "block", "zipf").axes[1]
        tops.add(bottom.get_ylim()[1])
        assert all(bar.get_height() < bottom.get_ylim()[1] for bar in bottom.patches)
    assert tops == {w.ymax}  # every setting on one scale


def test_draw_routing_refuses_batches_that_do_not_fit_the_plan():
    with pytest.raises(ValueError, match="one per rank"):
        draw_routing(row_wise(40, 3), example_batches("zipf", 2), 16)
    with pytest.raises(ValueError, match="lengths"):
        draw_routing(row_wise(40, 2), [np.arange(3), np.arange(4)], 16)


# --- exercise catalogue (the property of tests/lessons/test_exercises.py, for this lesson) -------------


def owner_loop(indices, num_rows, world_size):
    per = -(-num_rows // world_size)
    flat = [int(k) // per for k in np.asarray(indices).reshape(-1)]
    return np.array(flat, dtype=np.int64).reshape(np.shape(indices))


def owner_searchsorted(indices, num_rows, world_size):
    per = -(-num_rows // world_size)
    starts = np.arange(0, num_rows, per)
    return np.searchsorted(starts, indices, side="right") - 1


def owner_torch(indices, num_rows, world_size):
    per = (num_rows + world_size - 1) // world_size
    return torch.div(torch.as_tensor(indices), per, rounding_mode="floor")


CORRECT_L11 = {"row_owner": [exercises()["row_owner"].model, row_owner, owner_loop, owner_searchsorted, owner_torch]}


@pytest.mark.parametrize("answer", CORRECT_L11["row_owner"])
def test_correct_row_owner_answers_pass(answer, capsys):
    assert check("row_owner", answer)
    assert "✓" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (lambda i, n, w: np.asarray(i) % w, "cyclic"),
        (lambda i, n, w: np.asarray(i) // (n // w), "rounded UP"),
        (lambda i, n, w: np.asarray(i) * w // n, "in proportion"),
        (lambda i, n, w: np.asarray(i) / -(-n // w), "integer division"),
    ],
)
def test_wrong_row_owner_answers_fail_naming_the_mistake(answer, phrase, capsys):
    assert not check("row_owner", answer)
    assert phrase in capsys.readouterr().out


@pytest.mark.parametrize(("value", "ok"), [(76.8, True), (76.80, True), (25.6, False), (51.2, False), (102.4, False)])
def test_adam_table_gb_question(value, ok, capsys):
    assert bool(check("adam_table_gb", value)) is ok


# --- the Chinese edition -------------------------------------------------------------------------------


def test_the_routing_figure_and_the_widget_speak_chinese_with_the_layout_they_keep(monkeypatch):
    """In zh the titles, labels and controls are Chinese, and a kept layout still gives a fresh figure's pixels."""
    from lookup_lib.lessons.kit import i18n

    monkeypatch.setenv(i18n.LANGUAGE_ENV, "zh")
    kept = RoutingFigure(row_wise(40, 4), 12, 16, 3000)  # laid out once, for the block plan's title
    fig = kept.update(row_wise(40, 4, cyclic=True), example_batches("uniform", 4))
    fresh = draw_routing(row_wise(40, 4, cyclic=True), example_batches("uniform", 4), 16, ymax=3000)
    assert to_png(fig) == to_png(fresh)
    top, bottom = fresh.axes
    assert top.get_title() == "40 行分到 4 个分片，按行分片（第 k 行在 rank k % W 上）：颜色 = 持有该行的分片"
    assert "rank 0 的批" in [t.get_text() for t in top.texts]
    assert bottom.get_ylabel() == "每步发送的字节数" and bottom.get_xticklabels()[0].get_text() == "rank 0"
    assert draw_routing(row_wise(40, 1), example_batches("zipf", 1), 16).axes[0].get_title().startswith(
        "40 行放在 1 个分片上，按行分片（分块）")
    w = ShardExplorer()
    assert [c.description for c in w.controls.values()] == ["分片数", "布局", "批"]
    assert w.controls["layout"].options == (("分块", "block"), ("循环", "cyclic"))
    w.controls["layout"].value = "cyclic"  # the values the code tests stay English
    assert w._repr_mimebundle_()["text/plain"] == "ShardExplorer(shards=2, layout='cyclic', batch='zipf')"


def test_the_english_widget_offers_its_values_as_before(monkeypatch):
    from lookup_lib.lessons.kit import i18n

    monkeypatch.setenv(i18n.LANGUAGE_ENV, "en")
    w = ShardExplorer()
    assert [c.description for c in w.controls.values()] == ["shards", "layout", "batch"]
    assert [label for label, _ in w.controls["batch"].options] == ["zipf", "uniform"]
    assert draw_routing(row_wise(40, 2), example_batches("zipf", 2), 16).axes[0].get_title() == (
        "40 rows on 2 shards, row-wise (blocks): colour = the shard that owns the row")


def test_ranks_started_in_chinese_report_in_chinese(monkeypatch):
    """The ranks inherit LOOKUP_LIB_LANGUAGE; the lesson's own failure message is Chinese, a rank's error is the
    message lookup_lib gives in this language."""
    from lookup_lib.lessons.kit import i18n

    monkeypatch.setenv(i18n.LANGUAGE_ENV, "zh")
    with pytest.raises(ShardFailure, match=r"^rank 1 在 'die' 执行中途退出（退出码 3）；其他 rank 已被停止$"):
        launch("die", world_size=2, timeout=30)
    with pytest.raises(IndexError) as sharded:
        launch("bad_index", world_size=2, timeout=30)
    bad = make_problem(60, 4, 2).batches[0, 0].clone().numpy()
    bad[1, 2] = 60
    with pytest.raises(IndexError) as reference:
        L.embedding(bad, np.zeros((60, 4)))
    assert str(sharded.value) == str(reference.value)
    assert not [p for p in __import__("multiprocessing").active_children() if p.is_alive()]

"""The engine's ONNX models, rewritten once into the same functions with fewer passes.

PP-OCRv4 was exported from PaddlePaddle, which writes each activation as the arithmetic it
stands for: around the activations of PP-LCNetV3 a learned scale and shift (two passes over
the tensor each), and hard-swish as Add, Clip, Mul and Div (four more). ONNX Runtime fuses
none of them, and on a CPU they took a third of the recogniser's and detector's time. The
rewrite folds a scale and shift into the convolution before it, or into the one after it
when that one pads nothing (a pointwise convolution), and writes hard-swish as
x·HardSigmoid(x), whose HardSigmoid the runtime fuses into the convolution before it. The
functions are the same (to float rounding), a fifth cheaper.

The rewritten models are kept in kemu's cache folder beside the page readings, made once by
the first process that needs them. Without the ``onnx`` package, or when anything about the
rewrite fails, the shipped models are used as they are: slower, never different.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from parsers.read.ocr.cache import cache_folder

if TYPE_CHECKING:
    import onnx

#: Bump when the rewrite changes.
REWRITE_VERSION = 2


def fast_model(shipped: Path, engine: str) -> Path:
    """The rewritten copy of ``shipped`` (made now if missing), else ``shipped`` itself."""
    tag = "".join(ch if ch.isalnum() or ch in ".-" else "_" for ch in engine)
    target = cache_folder() / "models" / f"{shipped.stem}-{tag}-r{REWRITE_VERSION}.onnx"
    if target.exists():
        return target
    try:
        import onnx
    except ImportError:
        return shipped
    try:
        model = onnx.load(str(shipped))
        fold_scale_and_shift(model)
        fold_scale_and_shift_before(model)
        hard_swish_as_hard_sigmoid(model)
        _drop_unused_constants(model)
        _store(model, target)
    except Exception:  # a model this rewrite does not know, an unwritable cache: only slower
        return shipped
    return target


def fold_scale_and_shift(model: onnx.ModelProto) -> int:
    """Conv → Mul(scalar) → Add(scalar) becomes one Conv with scaled weights and bias; how many."""
    import numpy as np
    from onnx import numpy_helper

    graph = model.graph
    constants = _constants(graph)
    users = _users(graph)
    folded = []
    for conv in graph.node:
        if conv.op_type != "Conv" or len(conv.input) < 2 or conv.input[1] not in constants:
            continue
        mul = _only_user(users, conv.output[0])
        scale = _scalar_operand(mul, conv.output[0], constants, "Mul")
        if scale is None:
            continue
        add = _only_user(users, mul.output[0])
        shift = _scalar_operand(add, mul.output[0], constants, "Add")
        if shift is None:
            continue
        weights = constants[conv.input[1]]
        bias = constants[conv.input[2]] if len(conv.input) > 2 else np.zeros(weights.shape[0], weights.dtype)
        names = (f"{conv.output[0]}.folded_weights", f"{conv.output[0]}.folded_bias")
        graph.initializer.extend([numpy_helper.from_array(weights * scale, names[0]), numpy_helper.from_array(bias * scale + shift, names[1])])
        data = conv.input[0]
        del conv.input[:]
        conv.input.extend([data, *names])
        conv.output[0] = add.output[0]
        folded += [mul, add]
    for node in folded:
        graph.node.remove(node)
    return len(folded) // 2


def fold_scale_and_shift_before(model: onnx.ModelProto) -> int:
    """Mul(scalar) → Add(scalar) → Conv without padding becomes that Conv with scaled weights
    and a bias that takes the shift in (each output sums its inputs' shifts); how many. With
    padding the fold would differ at the borders, where the padded zeros are not shifted."""
    import numpy as np
    from onnx import helper, numpy_helper

    graph = model.graph
    constants = _constants(graph)
    users = _users(graph)
    folded = []
    for mul in graph.node:
        data = next((name for name in mul.input if name not in constants), None) if mul.op_type == "Mul" else None
        scale = _scalar_operand(mul, data, constants, "Mul") if data is not None else None
        if scale is None:
            continue
        add = _only_user(users, mul.output[0])
        shift = _scalar_operand(add, mul.output[0], constants, "Add")
        conv = _only_user(users, add.output[0]) if shift is not None else None
        if conv is None or conv.op_type != "Conv" or conv.input[0] != add.output[0] or conv.input[1] not in constants:
            continue
        options = {a.name: helper.get_attribute_value(a) for a in conv.attribute}
        if any(options.get("pads", ())) or options.get("auto_pad", b"NOTSET") not in (b"NOTSET", b"VALID"):
            continue
        weights = constants[conv.input[1]]
        bias = constants[conv.input[2]] if len(conv.input) > 2 else np.zeros(weights.shape[0], weights.dtype)
        names = (f"{conv.output[0]}.input_scaled_weights", f"{conv.output[0]}.input_shifted_bias")
        graph.initializer.extend([
            numpy_helper.from_array(weights * scale, names[0]),
            numpy_helper.from_array(bias + shift * weights.sum(axis=(1, 2, 3)), names[1]),
        ])
        del conv.input[:]
        conv.input.extend([data, *names])
        folded += [mul, add]
    for node in folded:
        graph.node.remove(node)
    return len(folded) // 2


def hard_swish_as_hard_sigmoid(model: onnx.ModelProto) -> int:
    """x · Clip(x + 3, 0, 6) / 6 becomes x · HardSigmoid(x) (alpha 1/6, beta 1/2); how many."""
    from onnx import helper

    graph = model.graph
    constants = _constants(graph)
    users = _users(graph)
    replaced = []
    for add in list(graph.node):
        if add.op_type != "Add" or len(add.input) != 2:
            continue
        x = next((name for name in add.input if name not in constants and _scalar(constants, _other(add, name)) == 3.0), None)
        clip = _only_user(users, add.output[0]) if x is not None else None
        if clip is None or clip.op_type != "Clip" or len(clip.input) != 3 or (_scalar(constants, clip.input[1]), _scalar(constants, clip.input[2])) != (0.0, 6.0):
            continue
        mul = _only_user(users, clip.output[0])
        if mul is None or mul.op_type != "Mul" or _other(mul, clip.output[0]) != x:
            continue
        div = _only_user(users, mul.output[0])
        if div is None or div.op_type != "Div" or div.input[0] != mul.output[0] or _scalar(constants, div.input[1]) != 6.0:
            continue
        gate = f"{div.output[0]}.gate"
        at = list(graph.node).index(add)
        graph.node.insert(at, helper.make_node("Mul", [x, gate], [div.output[0]]))
        graph.node.insert(at, helper.make_node("HardSigmoid", [x], [gate], alpha=1 / 6, beta=0.5))
        replaced += [add, clip, mul, div]
    for node in replaced:
        graph.node.remove(node)
    return len(replaced) // 4


def _drop_unused_constants(model: onnx.ModelProto) -> None:
    """The weights the folded convolutions no longer read, and the rewritten activations' constants."""
    graph = model.graph
    used = {name for node in graph.node for name in node.input} | {output.name for output in graph.output}
    for node in [n for n in graph.node if n.op_type == "Constant" and n.output[0] not in used]:
        graph.node.remove(node)
    for init in [i for i in graph.initializer if i.name not in used]:
        graph.initializer.remove(init)


def _constants(graph) -> dict:
    from onnx import numpy_helper

    found = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant" and node.attribute and node.attribute[0].name == "value":
            found[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    return found


def _users(graph) -> dict[str, list]:
    users: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            users.setdefault(name, []).append(node)
    return users


def _only_user(users: dict[str, list], name: str):
    found = users.get(name, [])
    return found[0] if len(found) == 1 else None


def _other(node, name: str) -> str:
    return node.input[1] if node.input[0] == name else node.input[0]


def _scalar(constants: dict, name: str) -> float | None:
    value = constants.get(name)
    return float(value.reshape(-1)[0]) if value is not None and value.size == 1 else None


def _scalar_operand(node, data: str, constants: dict, op_type: str) -> float | None:
    """The scalar constant ``node`` (of ``op_type``) applies to ``data``, or None."""
    if node is None or node.op_type != op_type or len(node.input) != 2 or data not in node.input:
        return None
    return _scalar(constants, _other(node, data))


def _store(model: onnx.ModelProto, target: Path) -> None:
    """Written atomically: processes reading a folder in parallel may make it at once."""
    import tempfile

    import onnx

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    try:
        onnx.save(model, tmp)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)

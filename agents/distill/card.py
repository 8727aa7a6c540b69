"""The adapter's model card as Markdown: base, data, hyper-parameters, time and the loss curve."""

from __future__ import annotations

from pathlib import Path

_BARS = " ▁▂▃▄▅▆▇█"


def sparkline(losses: list[float], width: int = 60) -> str:
    if not losses:
        return ""
    step = max(1, len(losses) // width)
    points = [sum(losses[i : i + step]) / len(losses[i : i + step]) for i in range(0, len(losses), step)]
    low, high = min(points), max(points)
    span = (high - low) or 1.0
    return "".join(_BARS[1 + int((p - low) / span * (len(_BARS) - 2))] for p in points)


def write_card(path: Path, card: dict) -> None:
    hp = card["hyperparameters"]
    losses = card["losses"]
    every = max(1, len(losses) // 10)
    table = "\n".join(f"| {i + 1} | {losses[i]:.4f} |" for i in range(0, len(losses), every))
    if losses and (len(losses) - 1) % every:
        table += f"\n| {len(losses)} | {losses[-1]:.4f} |"
    path.write_text(
        f"""# Ratio narrator LoRA adapter

- Base model: {card["base_model"]} (`DATA_DIR/models/{card["base_dir"]}`)
- Data: {card["n_train"]} training examples, data hash `{card["data_hash"]}` (`DATA_DIR/distill/manifest.json`)
- LoRA: r={hp["rank"]}, alpha={hp["alpha"]}, dropout={hp["dropout"]}, modules {", ".join(hp["target_modules"])}
- Training: {card["steps"]} steps, batch {hp["batch_size"]}, lr {hp["learning_rate"]}, {hp["epochs"]} epochs \
(max steps {hp["max_steps"]}), max length {hp["max_length"]}, seed {hp["seed"]}
- Device: {card["device"]}{" (4-bit QLoRA)" if card["quantized"] else ""}, {card["machine"]}
- Wall time: {card["wall_s"]} s; trained at {card["trained_at"]}

## Loss curve

`{sparkline(losses)}`

| step | loss |
|---|---|
{table}
""",
        encoding="utf-8",
    )

"""Write CLINC150 files with held-out test splits made from the shared data, for `eval routes`.

    python bench/clinc_splits.py ../shared/data/clinc150/clinc150_train_val.json /tmp/clinc

The shared file has train and val only (test is kept for a blind evaluation), so a test split is
carved out of what we have, two ways:
  val-halves.json   train = all of train (+ oos_train); val = even rows of val (+ even oos_val);
                    test = odd rows of val (+ odd oos_val)
  train-fold.json   train = 4 of every 5 train prompts per intent; val = val (+ oos_val);
                    test = the 5th prompt (+ all oos_train, so no out-of-scope prompt is stored)
  train-fold-b.json the same with the 1st of every 5 held out: for choosing between variants
                    without looking at train-fold's test rows (bench/router_learning.py, retired: docs/research.md)
"""
import json
import sys
from pathlib import Path


def main(source: str, out_dir: str) -> None:
    d = json.loads(Path(source).read_text())
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    halves = {"train": d["train"], "oos_train": d["oos_train"],
              "val": d["val"][0::2], "oos_val": d["oos_val"][0::2],
              "test": d["val"][1::2], "oos_test": d["oos_val"][1::2]}
    files = {"val-halves": halves}
    for name, held in (("train-fold", 0), ("train-fold-b", 1)):
        seen, train, test = {}, [], []
        for text, intent in d["train"]:
            seen[intent] = seen.get(intent, 0) + 1
            (test if seen[intent] % 5 == held else train).append([text, intent])
        files[name] = {"train": train, "oos_train": [], "val": d["val"], "oos_val": d["oos_val"],
                       "test": test, "oos_test": d["oos_train"]}
    for name, data in files.items():
        (out / f"{name}.json").write_text(json.dumps(data))
        print(out / f"{name}.json", {k: len(v) for k, v in data.items()})


if __name__ == "__main__":
    main(*sys.argv[1:3])

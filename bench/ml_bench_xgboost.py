"""Python side of bench/ml_bench.cc part (b): what a data scientist would run instead of
`keel train`.

Reads the rows from CSV with pandas (C engine), splits them into the same part sizes as the
spec (train 0.8 / validation 0.1 / test 0.1; a seeded shuffle, not stratified), trains with
xgboost.train (binary:logistic, hist, max_depth 6, eta 0.1, every core, logloss and auc on the
train and validation sets every round, like `keel train`), predicts the test rows and computes
their ROC AUC. Prints one JSON line of timings.

Python reads CSV, not Parquet: Debian's Python has no Parquet reader (no pyarrow or
fastparquet), so pandas.read_parquet cannot run here.

Usage: /usr/bin/python3 bench/ml_bench_xgboost.py ROWS.csv [--rounds 100] [--train 0.8]
       [--validation 0.1] [--test 0.1] [--seed 1] [--label label]
"""

import time

_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import xgboost as xgb  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402


def part_size(n, fraction):
    # round half up, as Keel's split does
    return int(math.floor(n * fraction + 0.5))


def main():
    imported = time.perf_counter()
    parser = argparse.ArgumentParser()
    parser.add_argument("csv")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--train", type=float, default=0.8)
    parser.add_argument("--validation", type=float, default=0.1)
    parser.add_argument("--test", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--label", default="label")
    args = parser.parse_args()

    df = pd.read_csv(args.csv, engine="c")
    read = time.perf_counter()

    n = len(df)
    n_validation = part_size(n, args.validation)
    n_test = part_size(n, args.test)
    order = np.random.default_rng(args.seed).permutation(n)
    validation_rows = order[:n_validation]
    test_rows = order[n_validation:n_validation + n_test]
    train_rows = order[n_validation + n_test:]
    features = [c for c in df.columns if c != args.label]
    x = df[features]
    y = df[args.label].to_numpy()
    dtrain = xgb.DMatrix(x.iloc[train_rows], label=y[train_rows])
    dvalid = xgb.DMatrix(x.iloc[validation_rows], label=y[validation_rows])
    dtest = xgb.DMatrix(x.iloc[test_rows])
    split = time.perf_counter()

    params = {
        "objective": "binary:logistic",
        "seed": 0,
        "verbosity": 0,
        "max_depth": 6,
        "eta": 0.1,
        "tree_method": "hist",
        "eval_metric": ["logloss", "auc"],
    }
    history = {}
    booster = xgb.train(params, dtrain, num_boost_round=args.rounds,
                        evals=[(dtrain, "train"), (dvalid, "validation")],
                        evals_result=history, verbose_eval=False)
    trained = time.perf_counter()

    test_auc = roc_auc_score(y[test_rows], booster.predict(dtest))
    done = time.perf_counter()
    print(json.dumps({
        "rows": n,
        "train_rows": len(train_rows),
        "validation_rows": n_validation,
        "test_rows": n_test,
        "import_seconds": round(imported - _START, 3),
        "read_seconds": round(read - imported, 3),
        "split_dmatrix_seconds": round(split - read, 3),
        "train_seconds": round(trained - split, 3),
        "predict_auc_seconds": round(done - trained, 3),
        "script_seconds": round(done - _START, 3),
        "validation_auc": history["validation"]["auc"][-1],
        "test_auc": test_auc,
        "xgboost_version": xgb.__version__,
    }))


if __name__ == "__main__":
    main()

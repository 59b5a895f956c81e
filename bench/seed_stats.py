#!/usr/bin/env python3
"""The multi-seed checks of the seed experiment (docs/reference.md §6.2), from final-epoch CSVs.

    python3 bench/seed_stats.py --new DIR [--old DIR] [--numpy DIR] [--numpy-table docs/reference.md]
    python3 bench/seed_stats.py --new DIR --finals FILE   (keep only the final accuracies)

Each DIR holds `d02-s<seed>.csv` (dropout 0.2) and `none-s<seed>.csv` (no dropout), as written by
`cargo xtask train --dropout 0.2|0 --seed S --out d02-sS|none-sS` (or bench/numpy_seed_experiment.py
--csv); the last row's train_acc and test_acc are the final epoch's. NumPy seeds can also come
from the per-seed table of a reference.md (`--numpy-table`). A finals file (below) stands for a
directory anywhere; `docs/seeds/` keeps those of the recorded checks.

(a) paired, old arithmetic against new (same seeds, so the same masks and batches): mean and
    largest per-seed difference of the final accuracies;
(b) against NumPy: two one-sided tests (TOST, Welch, alpha 0.05 each side) of the mean final
    accuracy, with the margins stated below; train accuracy without dropout is compared as
    "1.000 on every seed", not with a t-test.
Exits with status 1 when (b) does not hold. Standard library only (the Student-t distribution is computed here), so it runs anywhere.
"""
import argparse
import math
import pathlib
import re
import statistics as st
import sys

# Equivalence margins, fixed before the runs (see docs/reference.md for the reasoning).
MARGINS = {
    ('d02', 'test'): 0.03,
    ('d02', 'train'): 0.04,
    ('none', 'test'): 0.015,
}


def final_accuracies(path):
    """(train_acc, test_acc) of the last row of a results CSV."""
    row = path.read_text().strip().splitlines()[-1].split(',')
    return float(row[2]), float(row[3])


def load_dir(directory):
    """{(config, seed): (train, test)} from a directory of d02-sN.csv / none-sN.csv, or from a
    finals file (`config,seed,train_acc,test_acc` per line, as `--finals` writes)."""
    runs = {}
    if pathlib.Path(directory).is_file():
        for line in pathlib.Path(directory).read_text().splitlines()[1:]:
            config, seed, train, test = line.split(',')
            runs[(config, int(seed))] = (float(train), float(test))
        return runs
    for path in pathlib.Path(directory).glob('*-s*.csv'):
        match = re.fullmatch(r'(d02|none)-s(\d+)\.csv', path.name)
        if match:
            runs[(match[1], int(match[2]))] = final_accuracies(path)
    return runs


def load_table(reference):
    """{(config, seed): (train, test)} from the per-seed NumPy table of a reference.md."""
    runs = {}
    for line in pathlib.Path(reference).read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) == 5 and cells[0].isdigit():
            seed, values = int(cells[0]), [float(c) for c in cells[1:]]
            runs[('d02', seed)] = (values[0], values[1])
            runs[('none', seed)] = (values[2], values[3])
    return runs


def betacf(a, b, x):
    """Continued fraction of the regularised incomplete beta function (Lentz's method)."""
    tiny, c, d = 1e-300, 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
    return h


def student_t_cdf(t, df):
    """P(T ≤ t) for Student's t with df degrees of freedom."""
    x = df / (df + t * t)
    front = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - math.lgamma(0.5)
                     + (df / 2) * math.log(x) + 0.5 * math.log(1 - x)) if 0 < x < 1 else 0.0
    if x < (df / 2 + 1) / (df / 2 + 1.5):
        tail = front * betacf(df / 2, 0.5, x) / (df / 2)
    else:
        tail = 1.0 - front * betacf(0.5, df / 2, 1 - x) / 0.5
    return 1 - tail / 2 if t > 0 else tail / 2


def student_t_quantile(p, df):
    """The p-quantile of Student's t, by bisection."""
    low, high = -50.0, 50.0
    for _ in range(200):
        mid = (low + high) / 2
        low, high = (mid, high) if student_t_cdf(mid, df) < p else (low, mid)
    return (low + high) / 2


def tost(ours, reference, margin):
    """Welch TOST: the 90% interval of mean(ours) − mean(reference), and whether it lies in ±margin."""
    mean_a, mean_b = st.mean(ours), st.mean(reference)
    var_a, var_b = st.variance(ours) / len(ours), st.variance(reference) / len(reference)
    se = math.sqrt(var_a + var_b)
    df = (var_a + var_b) ** 2 / (var_a ** 2 / (len(ours) - 1) + var_b ** 2 / (len(reference) - 1))
    half = student_t_quantile(0.95, df) * se
    diff = mean_a - mean_b
    p_lower = 1 - student_t_cdf((diff + margin) / se, df)
    p_upper = student_t_cdf((diff - margin) / se, df)
    return diff, diff - half, diff + half, max(p_lower, p_upper)


def paired(old, new):
    print('\n(a) paired, old arithmetic against new, same seeds')
    for config in ('d02', 'none'):
        seeds = sorted(s for (c, s) in new if c == config and (c, s) in old)
        for column, name in ((0, 'train'), (1, 'test')):
            diffs = [new[(config, s)][column] - old[(config, s)][column] for s in seeds]
            if not diffs:
                continue
            largest = max(diffs, key=abs)
            print(f'  {config:4} {name:5}: {len(seeds)} seeds, mean difference {st.mean(diffs):+.4f}, '
                  f'largest {largest:+.4f}, identical on {sum(d == 0 for d in diffs)}')


def against_numpy(new, numpy):
    """Prints check (b); returns whether every comparison holds."""
    print('\n(b) against the NumPy reference (TOST, Welch, 90% interval of the difference)')
    holds = True
    for config in ('d02', 'none'):
        for column, name in ((0, 'train'), (1, 'test')):
            ours = [v[column] for (c, _), v in sorted(new.items()) if c == config]
            ref = [v[column] for (c, _), v in sorted(numpy.items()) if c == config]
            if not ours or not ref:
                continue
            line = (f'  {config:4} {name:5}: ours {st.mean(ours):.4f} ± {st.stdev(ours):.4f} (n={len(ours)}), '
                    f'NumPy {st.mean(ref):.4f} ± {st.stdev(ref):.4f} (n={len(ref)})')
            margin = MARGINS.get((config, name))
            if margin is None:
                everywhere = all(v == 1.0 for v in ours + ref)
                print(f'{line}: 1.000 on every seed in both: {everywhere}')
                holds = holds and everywhere
                continue
            diff, low, high, p = tost(ours, ref, margin)
            equivalent = -margin < low and high < margin
            holds = holds and equivalent
            verdict = 'equivalent' if equivalent else 'NOT shown equivalent'
            print(f'{line}\n        difference {diff:+.4f}, 90% interval [{low:+.4f}, {high:+.4f}], '
                  f'margin ±{margin}: {verdict} (TOST p = {p:.4f})')
    return holds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--new', required=True)
    parser.add_argument('--old')
    parser.add_argument('--numpy', action='append', default=[])
    parser.add_argument('--numpy-table')
    parser.add_argument('--finals', help='write the final accuracies of --new to this file and stop')
    args = parser.parse_args()
    new = load_dir(args.new)
    if args.finals:
        rows = [f'{c},{s},{tr},{te}' for (c, s), (tr, te) in sorted(new.items())]
        pathlib.Path(args.finals).write_text('config,seed,train_acc,test_acc\n' + '\n'.join(rows) + '\n')
        return
    if args.old:
        paired(load_dir(args.old), new)
    numpy = load_table(args.numpy_table) if args.numpy_table else {}
    for directory in args.numpy:
        numpy.update(load_dir(directory))
    if numpy and not against_numpy(new, numpy):
        sys.exit(1)


if __name__ == '__main__':
    main()

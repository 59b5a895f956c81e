//! The chapter-6 experiments: titles, descriptions, sizes, figure text and verdicts.

use super::{Entry, e};

pub(super) const ENTRIES: &[Entry] = &[
    // One line per experiment: `fig. 6-9: what it shows`.
    e(
        "experiments.line",
        "fig. {figure}: {describe}",
        "図{figure}: {describe}",
    ),
    // Titles.
    e(
        "experiments.optimizer-paths.title",
        "Optimizer paths",
        "最適化手法の更新経路",
    ),
    e(
        "experiments.optimizers.title",
        "Optimizers",
        "最適化手法の比較",
    ),
    e(
        "experiments.activations.title",
        "Activation distributions",
        "隠れ層のアクティベーション分布",
    ),
    e(
        "experiments.weight-init.title",
        "Weight initialisation",
        "重みの初期値",
    ),
    e(
        "experiments.batchnorm.title",
        "Batch Normalization",
        "Batch Normalization",
    ),
    e("experiments.weight-decay.title", "Weight decay", "荷重減衰"),
    e("experiments.dropout.title", "Dropout", "Dropout"),
    e(
        "experiments.hyperparams.title",
        "Hyperparameter search",
        "ハイパーパラメータの探索",
    ),
    // What each figure shows.
    e(
        "experiments.optimizer-paths.describe",
        "SGD, Momentum, AdaGrad and Adam walking f(x, y) = x²/20 + y² from (−7, 2)",
        "SGD・Momentum・AdaGrad・Adam が f(x, y) = x²/20 + y² を (−7, 2) から進む経路",
    ),
    e(
        "experiments.optimizers.describe",
        "SGD, Momentum, AdaGrad and Adam, training loss per iteration",
        "SGD・Momentum・AdaGrad・Adam による MNIST の学習、イテレーションごとの損失",
    ),
    e(
        "experiments.activations.describe",
        "histograms of five layers' activations for each weight initialisation, sigmoid and ReLU",
        "重みの初期値ごとの 5 層のアクティベーション分布（sigmoid と ReLU）",
    ),
    e(
        "experiments.weight-init.describe",
        "weight init std 0.01 vs Xavier vs He (ReLU), training loss per iteration",
        "重みの初期値 std=0.01・Xavier・He（ReLU）の比較、イテレーションごとの損失",
    ),
    e(
        "experiments.batchnorm.describe",
        "with vs without BatchNorm at 16 weight scales, train accuracy per epoch",
        "Batch Normalization の有無を 16 通りの重みのスケールで比較、エポックごとの訓練データの認識精度",
    ),
    e(
        "experiments.weight-decay.describe",
        "weight decay λ = 0 vs 0.1, train/test accuracy per epoch",
        "荷重減衰 λ = 0 と 0.1、エポックごとの訓練データとテストデータの認識精度",
    ),
    e(
        "experiments.dropout.describe",
        "no dropout vs dropout, train/test accuracy per epoch",
        "Dropout なしとあり、エポックごとの訓練データとテストデータの認識精度",
    ),
    e(
        "experiments.hyperparams.describe",
        "random search over learning rate and weight decay, best validation curves",
        "学習係数と荷重減衰のランダムサーチ、検証データの認識精度が上位の試行",
    ),
    // Sizes.
    e(
        "experiments.size.steps",
        "{steps} steps",
        "{steps} ステップ",
    ),
    e(
        "experiments.size.iterations",
        "{iterations} iterations",
        "{iterations} イテレーション",
    ),
    e(
        "experiments.size.activations",
        "{inputs} inputs × {layers} layers",
        "入力 {inputs} 個 × {layers} 層",
    ),
    e(
        "experiments.size.scales",
        "{scales} weight scales × {epochs} epochs",
        "重みのスケール {scales} 通り × {epochs} エポック",
    ),
    e(
        "experiments.size.epochs",
        "{epochs} epochs",
        "{epochs} エポック",
    ),
    e(
        "experiments.size.trials",
        "{trials} trials × {epochs} epochs",
        "{trials} 試行 × {epochs} エポック",
    ),
    e(
        "experiments.sizes",
        "{full} ({quick} with --quick)",
        "{full}（--quick では {quick}）",
    ),
    // Verdicts.
    e(
        "experiments.optimizer-paths.verdict",
        "after {steps} steps {nearest} ends nearest the minimum ({distance} away; {distances}); {zigzag} zig-zags most ({changes} sign changes of the y-step; {zigzags})",
        "{steps} ステップ後、最小値に最も近いのは {nearest}（距離 {distance}。{distances}）。最もジグザグに進むのは {zigzag}（y 方向の更新の符号が {changes} 回反転。{zigzags}）",
    ),
    e(
        "experiments.optimizer-paths.verdict.none",
        "no path to judge",
        "判定する経路がありません",
    ),
    e(
        "experiments.activations.verdict",
        "share of activations within {edge} of 0 or 1 / spread of layer 5 over layer 1, and the initialisation that keeps the spread best — sigmoid: {sigmoid} → {sigmoid_kept}; relu: {relu} → {relu_kept}",
        "アクティベーションのうち 0 または 1 から {edge} 以内にある割合 / 5 層目と 1 層目の広がり（標準偏差）の比、そして広がりを最もよく保つ重みの初期値 — sigmoid: {sigmoid} → {sigmoid_kept}。relu: {relu} → {relu_kept}",
    ),
    e(
        "experiments.gradient-check.title",
        "Gradient check",
        "勾配確認",
    ),
    e(
        "experiments.gradient-check.describe",
        "backpropagation against the numerical gradient, per parameter, without and with BatchNorm",
        "誤差逆伝播法と数値微分による勾配の差をパラメータごとに確認（Batch Normalization なしとあり）",
    ),
    e(
        "experiments.size.images",
        "{images} images, hidden {hidden}",
        "画像 {images} 枚、隠れ層 {hidden}",
    ),
    e(
        "experiments.gradient-check.verdict.pass",
        "backpropagation matches the numerical gradient: largest relative error {worst} ({param}, {network}) ≤ {bound}; mean absolute difference — plain: {plain}; batchnorm: {batchnorm}",
        "誤差逆伝播法の勾配は数値微分と一致：相対誤差の最大は {worst}（{network} の {param}）で {bound} 以下。平均絶対誤差 — plain: {plain}; batchnorm: {batchnorm}",
    ),
    e(
        "experiments.gradient-check.verdict.fail",
        "GRADIENT CHECK FAILED: relative error {worst} at {param} ({network}) is over the bound {bound}; mean absolute difference — plain: {plain}; batchnorm: {batchnorm}",
        "勾配確認に失敗：{network} の {param} で相対誤差 {worst} が上限 {bound} を超えています。平均絶対誤差 — plain: {plain}; batchnorm: {batchnorm}",
    ),
    e(
        "experiments.dropout-sweep.title",
        "Dropout ratio sweep",
        "Dropout の比率の比較",
    ),
    e(
        "experiments.dropout-sweep.describe",
        "the overfitting setting at dropout ratios 0…0.5 × 20 seeds: the ratio chosen on validation data, compared by paired per-seed differences",
        "過学習の設定で Dropout の比率 0〜0.5 を 20 個のシードで比較：比率は検証データで選び、シードごとの対応のある差で判定",
    ),
    e(
        "experiments.size.sweep",
        "{ratios} ratios × {seeds} seeds × {epochs} epochs",
        "比率 {ratios} 通り × シード {seeds} 個 × {epochs} エポック",
    ),
    e(
        "experiments.dropout-sweep.verdict.winner",
        "validation accuracy picks dropout {ratio} ({mode} mode): mean validation accuracy {validation} over {seeds} seeds, {difference} against no dropout (paired per-seed differences, 95% t-interval {interval}); test accuracy {test} (no dropout: {test0}), train−test gap {gap} (no dropout: {gap0})",
        "検証データの認識精度で選んだ Dropout の比率は {ratio}（{mode} 方式）：{seeds} 個のシードの平均 {validation}、Dropout なしとの差 {difference}（シードごとの対応のある差の 95% t 区間 {interval}）。テストデータの認識精度は {test}（Dropout なしは {test0}）、訓練とテストの認識精度の差は {gap}（Dropout なしは {gap0}）",
    ),
    e(
        "experiments.dropout-sweep.verdict.tie",
        "no clear winner: the best mean validation accuracies, dropout {ratio} and {runner} ({mode} mode, {seeds} seeds), have overlapping 95% t-intervals of their paired per-seed differences against no dropout ({interval} and {runner_interval}); at {ratio} the test accuracy is {test} (no dropout: {test0}), the train−test gap {gap} (no dropout: {gap0})",
        "明確な勝者なし：検証データの平均認識精度が上位の Dropout の比率 {ratio} と {runner}（{mode} 方式、シード {seeds} 個）は、Dropout なしとのシードごとの対応のある差の 95% t 区間（{interval} と {runner_interval}）が重なります。比率 {ratio} のテストデータの認識精度は {test}（Dropout なしは {test0}）、訓練とテストの認識精度の差は {gap}（Dropout なしは {gap0}）",
    ),
    e(
        "experiments.dropout-sweep.verdict.none",
        "no runs to judge",
        "判定する実行結果がありません",
    ),
    e(
        "experiments.dropout-ensemble.title",
        "Dropout as an ensemble",
        "Dropout とアンサンブル学習",
    ),
    e(
        "experiments.dropout-ensemble.describe",
        "the book's ×(1 − ratio) at test time against averaging the outputs of many random masks (Monte-Carlo dropout) and against no scaling",
        "推論時に (1 − 比率) を掛ける本書の方法と、多数のランダムなマスクの出力の平均（Monte-Carlo Dropout）、スケーリングなしの比較",
    ),
    e(
        "experiments.size.ensemble",
        "{epochs} epochs, up to {masks} masks",
        "{epochs} エポック、マスク最大 {masks} 個",
    ),
    e(
        "experiments.dropout-ensemble.verdict",
        "averaging the softmax of T random masks levels off from T = {level_t} (within one standard error, ±{error}, of T = {masks}: {mc}); the book's ×(1 − ratio) gives {scaled}, so the {masks}-mask average differs by {difference}; dropout off without scaling gives {unscaled}; the scaling and the {masks}-mask average predict the same class for {agreement}% of test images",
        "T 個のランダムなマスクによる softmax 出力の平均は T = {level_t} で頭打ち（T = {masks} の {mc} から標準誤差 ±{error} 以内）。本書の (1 − 比率) 倍は {scaled} で、{masks} 個の平均との差は {difference}。Dropout を外してスケーリングしないと {unscaled}。(1 − 比率) 倍と {masks} 個の平均が同じクラスを予測したテスト画像は {agreement}%",
    ),
    e(
        "experiments.batchnorm.verdict",
        "BatchNorm learns faster at {faster} of {scales} scales (higher mean training accuracy over {epochs} epochs)",
        "Batch Normalization ありのほうが {scales} 通りの重みのスケールのうち {faster} 通りで学習が速い（{epochs} エポックの訓練データの認識精度の平均が高い）",
    ),
    e(
        "experiments.pair.verdict.shrinks",
        "{regulariser} shrinks the train/test gap from {gap} to {gap_after} (train {train} → {train_after}, test {test} → {test_after})",
        "{regulariser} で訓練データとテストデータの認識精度の差が {gap} から {gap_after} に縮まる（訓練 {train} → {train_after}、テスト {test} → {test_after}）",
    ),
    e(
        "experiments.pair.verdict.does-not-shrink",
        "{regulariser} does not shrink the train/test gap from {gap} to {gap_after} (train {train} → {train_after}, test {test} → {test_after})",
        "{regulariser} では訓練データとテストデータの認識精度の差が縮まらない：{gap} から {gap_after}（訓練 {train} → {train_after}、テスト {test} → {test_after}）",
    ),
    e(
        "experiments.pair.verdict.none",
        "expected two runs",
        "2 つの実行結果が必要です",
    ),
    e(
        "experiments.hyperparams.verdict",
        "best validation accuracy {accuracy} at lr {lr}, weight decay {decay}; the best {best} of {trials} have lr {lr_span}, weight decay {decay_span}",
        "検証データの認識精度が最も高いのは {accuracy}（学習係数 {lr}、荷重減衰 {decay}）。{trials} 試行のうち上位 {best} 試行の学習係数は {lr_span}、荷重減衰は {decay_span}",
    ),
    e(
        "experiments.hyperparams.verdict.none",
        "no trials",
        "試行がありません",
    ),
    e(
        "experiments.optimizers.verdict.no-sgd",
        "no SGD run to compare with",
        "比べる SGD の実行がありません",
    ),
    e(
        "experiments.optimizers.verdict.none-below",
        "no optimizer ends below SGD's loss ({sgd})",
        "SGD の損失（{sgd}）より小さい値で終わる手法はない",
    ),
    e(
        "experiments.optimizers.verdict.below.one",
        "{below} ends below SGD's loss ({losses} vs {sgd})",
        "{below} は SGD の損失（{sgd}）より小さい値で終わる（{losses}）",
    ),
    e(
        "experiments.optimizers.verdict.below.many",
        "{below} end below SGD's loss ({losses} vs {sgd})",
        "{below} は SGD の損失（{sgd}）より小さい値で終わる（{losses}）",
    ),
    e(
        "experiments.optimizers.verdict.mixed.one.one",
        "{below} ends below SGD's loss ({losses} vs {sgd}); {rest} does not ({rest_losses})",
        "{below} は SGD の損失（{sgd}）より小さい値で終わる（{losses}）。{rest} はそうならない（{rest_losses}）",
    ),
    e(
        "experiments.optimizers.verdict.mixed.one.many",
        "{below} ends below SGD's loss ({losses} vs {sgd}); {rest} do not ({rest_losses})",
        "{below} は SGD の損失（{sgd}）より小さい値で終わる（{losses}）。{rest} はそうならない（{rest_losses}）",
    ),
    e(
        "experiments.optimizers.verdict.mixed.many.one",
        "{below} end below SGD's loss ({losses} vs {sgd}); {rest} does not ({rest_losses})",
        "{below} は SGD の損失（{sgd}）より小さい値で終わる（{losses}）。{rest} はそうならない（{rest_losses}）",
    ),
    e(
        "experiments.optimizers.verdict.mixed.many.many",
        "{below} end below SGD's loss ({losses} vs {sgd}); {rest} do not ({rest_losses})",
        "{below} は SGD の損失（{sgd}）より小さい値で終わる（{losses}）。{rest} はそうならない（{rest_losses}）",
    ),
    e(
        "experiments.weight-init.verdict.all",
        "every initialisation learns: {learned} ({losses})",
        "どの重みの初期値でも学習が進む：{learned}（{losses}）",
    ),
    e(
        "experiments.weight-init.verdict.none",
        "no initialisation learns (loss stays at {stalled_losses})",
        "どの重みの初期値でも学習が進まない（損失は {stalled_losses} のまま）",
    ),
    e(
        "experiments.weight-init.verdict.mixed.one.one",
        "{stalled} does not learn (loss stays at {stalled_losses}); {learned} learns ({losses})",
        "{stalled} では学習が進まない（損失は {stalled_losses} のまま）。{learned} では学習が進む（{losses}）",
    ),
    e(
        "experiments.weight-init.verdict.mixed.one.many",
        "{stalled} does not learn (loss stays at {stalled_losses}); {learned} learn ({losses})",
        "{stalled} では学習が進まない（損失は {stalled_losses} のまま）。{learned} では学習が進む（{losses}）",
    ),
    e(
        "experiments.weight-init.verdict.mixed.many.one",
        "{stalled} do not learn (loss stays at {stalled_losses}); {learned} learns ({losses})",
        "{stalled} では学習が進まない（損失は {stalled_losses} のまま）。{learned} では学習が進む（{losses}）",
    ),
    e(
        "experiments.weight-init.verdict.mixed.many.many",
        "{stalled} do not learn (loss stays at {stalled_losses}); {learned} learn ({losses})",
        "{stalled} では学習が進まない（損失は {stalled_losses} のまま）。{learned} では学習が進む（{losses}）",
    ),
];

//! The command line's own texts: progress lines, summaries, hints, and the Japanese help of
//! `cargo xtask` (keys `cli.xtask.COMMAND.about|after_help|ARG`; `cli.common.ARG` for flags
//! several commands share). English help stays in the clap definitions: only the keys of the
//! Japanese side replace it.

use super::{Entry, e};

pub(super) const ENTRIES: &[Entry] = &[
    e("lang.name", "English", "日本語"),
    // Errors and clap's own words.
    e("cli.error", "error: {message}", "エラー: {message}"),
    e("cli.help.flag", "Print help", "このヘルプを表示する"),
    e(
        "cli.help.default",
        "[default: {value}]",
        "［既定値: {value}］",
    ),
    e(
        "cli.help.choices",
        "[possible values: {values}]",
        "［選択肢: {values}］",
    ),
    e("cli.help.usage", "Usage:", "使い方:"),
    e("cli.help.commands", "Commands:", "コマンド:"),
    e("cli.help.arguments", "Arguments:", "引数:"),
    e("cli.help.options", "Options:", "オプション:"),
    // `cargo xtask --help`.
    e(
        "cli.xtask.about",
        "scratchnet: the neural networks of Deep Learning from Scratch (ch. 5–6) in Rust",
        "scratchnet: 『ゼロから作るDeep Learning』5〜6章のニューラルネットワークを Rust で",
    ),
    e(
        "cli.xtask.after_help",
        "Start with `cargo xtask train --dropout 0.2`: it fetches MNIST when needed and writes results/dropout0.2-seed0.{{csv,json,svg}}.",
        "まずは `cargo xtask train --dropout 0.2` から: 必要なら MNIST をダウンロードし、results/dropout0.2-seed0.{{csv,json,svg}} を書き出します。",
    ),
    e(
        "cli.common.lang",
        "Language of help and messages: en or ja [default: from LC_ALL, LC_MESSAGES or LANG]",
        "ヘルプとメッセージの言語: en または ja（指定しなければ LC_ALL・LC_MESSAGES・LANG から決める）",
    ),
    e(
        "cli.xtask.fetch-mnist.about",
        "Download MNIST (or Fashion-MNIST), verify every file by SHA-256 and cache it",
        "MNIST（または Fashion-MNIST）をダウンロードし、各ファイルを SHA-256 で検証して保存する",
    ),
    e(
        "cli.xtask.train.about",
        "Train MultiLayerNetExtend; defaults are the book's overfitting experiment",
        "MultiLayerNetExtend を学習する。既定値は本の過学習の実験（6.4.1）",
    ),
    e(
        "cli.xtask.compare.about",
        "Overlay the accuracy curves of several runs in one figure",
        "複数の学習の認識精度のグラフを 1 枚の図に重ねる",
    ),
    e(
        "cli.xtask.eval.about",
        "Report the test accuracy of a saved network",
        "保存したネットワークのテストデータでの認識精度を表示する",
    ),
    e(
        "cli.xtask.experiment.about",
        "Reproduce a figure of chapter 6 on MNIST: CSV, SVG and a verdict in results/NAME/",
        "6 章の図を MNIST で再現する: CSV・SVG・判定を results/NAME/ に書き出す",
    ),
    e(
        "cli.xtask.lab.about",
        "Serve the lab: a local web page to run the chapter-6 experiments and watch them live",
        "ラボを起動する: 6 章の実験を実行し、その様子をリアルタイムで見られるローカルの Web ページ",
    ),
    e(
        "cli.xtask.bench.about",
        "Benchmark against the book's NumPy code: the seed run, full-MNIST workloads, step and evaluation GFLOP/s, scaling",
        "本の NumPy のコードと速度を比べる: 基本の学習、MNIST 全体での学習、1 ステップと評価の GFLOP/s、スケーリング",
    ),
    // `cargo xtask train --help`: the flags that are not run options.
    e(
        "cli.xtask.train.after_help",
        "Defaults reproduce the book's overfitting experiment (ch. 6.4): 300 MNIST training images, 6 hidden layers of 100, ReLU, He init, SGD lr 0.01, batch 100, 301 epochs.\n`cargo xtask train --dropout 0.2` is the book's figure 6-23 (right).\n\nCtrl-C (or SIGTERM) stops at the end of the current epoch: the CSV keeps every finished epoch, NAME.json says \"status\": \"interrupted\", NAME.svg shows the epochs so far, and the exit status is 130 (143 for SIGTERM). A second Ctrl-C ends at once.",
        "既定値は本の過学習の実験（6.4.1）の再現です: MNIST の訓練画像 300 枚、ニューロン数 100 の隠れ層 6 層、ReLU、He の初期値、SGD（学習係数 0.01）、バッチサイズ 100、301 エポック。\n`cargo xtask train --dropout 0.2` は本の図 6-23（右）です。\n\nCtrl-C（または SIGTERM）で、いまのエポックの終わりに止まります: CSV には終わったエポックがすべて残り、NAME.json には \"status\": \"interrupted\" と書かれ、NAME.svg にはそれまでのエポックが描かれ、終了ステータスは 130（SIGTERM なら 143）です。もう一度 Ctrl-C を押すとすぐに終了します。",
    ),
    e(
        "cli.xtask.train.out",
        "Base name of the files in results/ [default: from the configuration, e.g. dropout0.2-seed0]. Two runs cannot write the same name at once",
        "results/ に書き出すファイルの名前（既定では設定から決める。例: dropout0.2-seed0）。同じ名前に 2 つの学習が同時に書くことはできない",
    ),
    e(
        "cli.xtask.train.save",
        "Also save the trained network to this file (load it with `cargo xtask eval --model`); checked before training starts",
        "学習したネットワークをこのファイルにも保存する（`cargo xtask eval --model` で読み込める）。書き込めるかは学習の前に確かめる",
    ),
    e(
        "cli.common.quiet",
        "Print nothing but errors",
        "エラー以外は何も表示しない",
    ),
    e(
        "cli.common.data_dir",
        "Directory holding the four IDX files [default: datasets/mnist or datasets/fashion-mnist at the workspace root, or $SCRATCHNET_DATA_DIR/DATASET]",
        "4 つの IDX ファイルがあるディレクトリ（既定: ワークスペース直下の datasets/mnist か datasets/fashion-mnist、または $SCRATCHNET_DATA_DIR/DATASET）",
    ),
    e(
        "cli.common.mirrors",
        "Where to fetch the data from if it is missing: an http(s):// URL, a file:// URL or a directory holding the `.gz` files; repeatable, tried in order before $SCRATCHNET_MNIST_MIRROR and the built-in mirrors",
        "データがないときの取得元: http(s):// の URL、file:// の URL、または `.gz` ファイルのあるディレクトリ。複数指定でき、指定した順に、$SCRATCHNET_MNIST_MIRROR と組み込みのミラーより先に試す",
    ),
    // A training run's lines.
    e(
        "cli.train.start",
        "training {name} on {size} {dataset} images ({test} test), {epochs} epochs × {iterations} iterations, seed {seed}",
        "{name} を学習します: {dataset} の訓練画像 {size} 枚（テスト画像 {test} 枚）、{epochs} エポック × {iterations} イテレーション、シード {seed}",
    ),
    e("cli.progress.epoch", "epoch", "エポック"),
    e("cli.progress.epochs", "epochs", "エポック"),
    e(
        "cli.progress.epoch_note",
        ", train acc {train}, test acc {test}, train loss {loss}",
        "、訓練精度 {train}、テスト精度 {test}、訓練損失 {loss}",
    ),
    e(
        "cli.train.done",
        "done in {seconds} s: final train acc {train}, test acc {test} (last epoch), {full} (final full test pass)",
        "完了（{seconds} 秒）: 最終の訓練精度 {train}、テスト精度 {test}（最後のエポック）、全テスト画像での精度 {full}",
    ),
    e(
        "cli.train.interrupted",
        "interrupted after epoch {done} of {total}: train acc {train}, test acc {test}",
        "{total} エポック中 {done} エポックで中断しました: 訓練精度 {train}、テスト精度 {test}",
    ),
    e(
        "cli.train.failed",
        "{error}; the epochs so far are in {csv}",
        "{error}。それまでのエポックは {csv} にあります",
    ),
    e(
        "cli.train.results",
        "results: {csv}  {json}  {svg}",
        "結果: {csv}  {json}  {svg}",
    ),
    e(
        "cli.train.network",
        "network: {path}",
        "ネットワーク: {path}",
    ),
    e("cli.accuracy.none", "n/a", "なし"),
];

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
    e("cli.refused.rule", "{flag}: {rule}", "{flag}: {rule}"),
    e(
        "cli.refused.value",
        "{flag}: invalid value {value}",
        "{flag}: {value} は指定できない値です",
    ),
    e(
        "cli.refused.choice",
        "{flag}: invalid value {value}; possible values: {choices}",
        "{flag}: {value} は指定できません。指定できる値: {choices}",
    ),
    e(
        "cli.refused.missing",
        "missing required arguments: {args}",
        "必要な引数が指定されていません: {args}",
    ),
    e(
        "cli.refused.unknown",
        "unknown flag {flag}",
        "{flag} というオプションはありません",
    ),
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
    e("cli.progress.unit.epochs", "epochs", "エポック"),
    e(
        "cli.progress.unit.iterations",
        "iterations",
        "イテレーション",
    ),
    e("cli.progress.unit.runs", "runs", "学習"),
    e("cli.progress.unit.rows", "rows", "行"),
    e("cli.progress.unit.networks", "networks", "ネットワーク"),
    e("cli.progress.unit.bytes", "bytes", "バイト"),
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
    // `cargo xtask fetch-mnist`: help, progress and the report.
    e(
        "cli.xtask.fetch-mnist.dir",
        "Directory receiving the four decompressed files [default: datasets/mnist or datasets/fashion-mnist at the workspace root, or $SCRATCHNET_DATA_DIR/DATASET]",
        "展開した 4 つのファイルを置くディレクトリ（既定: ワークスペース直下の datasets/mnist か datasets/fashion-mnist、または $SCRATCHNET_DATA_DIR/DATASET）",
    ),
    e(
        "cli.xtask.fetch-mnist.force",
        "Download again even files that are present and verify",
        "検証済みのファイルがあってもダウンロードし直す",
    ),
    e(
        "cli.fetch.waiting",
        "waiting for another fetch into {dir} to finish…",
        "{dir} への別のダウンロードが終わるのを待っています…",
    ),
    e(
        "cli.fetch.removed_partial",
        "removed the leftover of an interrupted download: {path}",
        "中断されたダウンロードの残りを削除しました: {path}",
    ),
    e(
        "cli.fetch.corrupt_cached",
        "{file}: the cached copy is corrupt ({problem}); fetching it again",
        "{file}: 保存済みのファイルが壊れています（{problem}）。ダウンロードし直します",
    ),
    e(
        "cli.fetch.trying",
        "{file}: fetching from {source}",
        "{file}: {source} から取得しています",
    ),
    e(
        "cli.fetch.source_failed",
        "{file}: {failure} — trying the next source",
        "{file}: {failure} —— 次の取得元を試します",
    ),
    e(
        "cli.fetch.installed",
        "{file}: verified (SHA-256 {sha256}) → {path}",
        "{file}: 検証しました（SHA-256 {sha256}）→ {path}",
    ),
    e(
        "cli.fetch.nothing_to_do",
        "{dataset}: all {count} files already verified (SHA-256) in {dir} — nothing to do",
        "{dataset}: {dir} の {count} つのファイルはすべて検証済みです（SHA-256）—— することはありません",
    ),
    e(
        "cli.fetch.file",
        "  {name} {size} bytes  sha256 {sha256}  {what}",
        "  {name} {size} バイト  sha256 {sha256}  {what}",
    ),
    e("cli.fetch.already", "already there", "検証済み"),
    e(
        "cli.fetch.downloaded",
        "fetched from {source}",
        "{source} から取得",
    ),
    e(
        "cli.fetch.replaced",
        "replaced a corrupt copy ({problem}) from {source}",
        "壊れていたファイル（{problem}）を {source} から取り直した",
    ),
    e(
        "cli.fetch.done",
        "{dataset}: {count} files verified (SHA-256) in {dir}",
        "{dataset}: {dir} の {count} つのファイルを検証しました（SHA-256）",
    ),
    // `cargo xtask compare`.
    e(
        "cli.xtask.compare.runs",
        "Results CSVs written by `cargo xtask train` (columns epoch,train_loss,train_acc,test_acc)",
        "`cargo xtask train` が書き出した結果の CSV（列は epoch,train_loss,train_acc,test_acc）",
    ),
    e(
        "cli.xtask.compare.output",
        "The figure to write [default: results/compare.svg]",
        "書き出す図のファイル（既定: results/compare.svg）",
    ),
    e(
        "cli.xtask.compare.title",
        "Title of the figure",
        "図のタイトル",
    ),
    e(
        "cli.compare.wrote",
        "wrote {path}",
        "{path} に書き出しました",
    ),
    // `cargo xtask experiment`.
    e(
        "cli.xtask.experiment.name",
        "The experiment (a figure of chapter 6); the list is below",
        "実験の名前（6 章の図の一つ）。一覧は下にあります",
    ),
    e(
        "cli.xtask.experiment.seed",
        "Seed of every random number; each independent run derives its own from it and its index",
        "すべての乱数のシード。独立した各学習は、これと自分の番号から自分のシードを作る",
    ),
    e(
        "cli.xtask.experiment.quick",
        "Fewer iterations, epochs, scales and trials, same code path: a look in seconds",
        "イテレーション・エポック・スケール・試行の数を減らす（コードは同じ）。数秒で様子を見られる",
    ),
    e(
        "cli.xtask.experiment.dropout",
        "Dropout ratio of the `dropout` experiment, in (0, 1) (the book's figure used 0.15)",
        "`dropout` の実験での Dropout の比率。0 より大きく 1 より小さい値（本の図は 0.15）",
    ),
    e(
        "cli.xtask.experiment.ratios",
        "Dropout ratios of `dropout-sweep`, comma-separated, each in [0, 1); 0 (the baseline) is always run",
        "`dropout-sweep` で比べる Dropout の比率。カンマ区切りで、それぞれ 0 以上 1 未満。基準の 0 は必ず含める",
    ),
    e(
        "cli.xtask.experiment.seeds",
        "Seeds per ratio of `dropout-sweep` (2 or more; at most 4 with --quick)",
        "`dropout-sweep` で比率ごとに使うシードの数（2 以上。--quick では最大 4）",
    ),
    e(
        "cli.xtask.experiment.dropout_mode",
        "Dropout of `dropout-sweep`: book (scale by 1 − ratio at inference) or inverted",
        "`dropout-sweep` の Dropout の方式: book（推論時に 1 − 比率 を掛ける本書の方式）か inverted",
    ),
    e(
        "cli.xtask.experiment.activation",
        "Rows of the `activations` experiment: sigmoid, relu or both",
        "`activations` の実験で描く行: sigmoid・relu・both のどれか",
    ),
    e(
        "cli.xtask.experiment.out_dir",
        "Write the outputs here instead of results/NAME/ at the workspace root",
        "結果を、ワークスペース直下の results/NAME/ ではなくこのディレクトリに書き出す",
    ),
    e(
        "cli.xtask.experiment.quiet",
        "Print nothing but errors and the verdict",
        "エラーと判定以外は何も表示しない",
    ),
    e(
        "cli.experiment.help.list",
        "Experiments (the book's figures):",
        "実験（本の図）:",
    ),
    e("cli.experiment.help.sizes", "Sizes:", "規模:"),
    e(
        "cli.experiment.help.footer",
        "Each experiment writes results/NAME/NAME.csv, NAME.svg, verdict.txt and verdict.ja.txt and prints its verdict. Settings are the book's ch06 scripts; --quick shrinks iterations, epochs, scales and trials (same code path) for a look in seconds. Ctrl-C stops at the next epoch without writing anything (exit 130).",
        "各実験は results/NAME/NAME.csv・NAME.svg・verdict.txt・verdict.ja.txt を書き出し、判定を表示します。設定は本の ch06 のスクリプトと同じです。--quick はイテレーション・エポック・スケール・試行の数を減らし（コードは同じ）、数秒で様子を見られます。Ctrl-C で次のエポックで止まり、何も書き出しません（終了ステータス 130）。",
    ),
    e(
        "cli.experiment.name.unknown",
        "unknown experiment {got}; expected one of {names}",
        "{got} という実験はありません。次のどれかを指定してください: {names}",
    ),
    e(
        "cli.experiment.dropout.range",
        "the dropout ratio must be in (0, 1), got {got}",
        "Dropout の比率は 0 より大きく 1 より小さい値で指定してください。指定された値: {got}",
    ),
    e(
        "cli.experiment.activation.unknown",
        "unknown activation {got}; expected sigmoid, relu or both",
        "{got} という活性化関数はありません。sigmoid・relu・both のどれかを指定してください",
    ),
    e(
        "cli.experiment.ratios.invalid",
        "{reason}",
        "Dropout の比率の並びが正しくありません（{reason}）。0 以上 1 未満の値をカンマ区切りで指定してください",
    ),
    e(
        "cli.experiment.sweep.too_large",
        "{reason}",
        "Dropout の比率の比較が大きすぎて、何時間もかかります。比率かシードの数を減らしてください（{reason}）",
    ),
    e(
        "cli.experiment.seeds.invalid",
        "{reason}",
        "シードの数が正しくありません（{reason}）。2 以上の整数を指定してください",
    ),
    e(
        "cli.value.not_a_number",
        "{got} is not a number",
        "{got} は数ではありません",
    ),
    e(
        "cli.experiment.start",
        "experiment {name}{quick} on {source}, seed {seed}",
        "実験 {name}{quick}: {source}、シード {seed}",
    ),
    e("cli.experiment.quick", " (quick)", "（簡易版）"),
    e("cli.experiment.synthetic", "synthetic inputs", "人工の入力"),
    e(
        "cli.experiment.done",
        "done in {seconds} s: {files}",
        "完了（{seconds} 秒）: {files}",
    ),
    e(
        "cli.experiment.interrupted",
        "interrupted: nothing was written to {dir}",
        "中断しました: {dir} には何も書き出していません",
    ),
    // `cargo xtask eval`.
    e(
        "cli.xtask.eval.model",
        "The saved network (written by `cargo xtask train --save PATH`)",
        "保存したネットワーク（`cargo xtask train --save PATH` で書き出したもの）",
    ),
    e(
        "cli.xtask.eval.quiet",
        "Print only the accuracy",
        "認識精度だけを表示する",
    ),
    e(
        "cli.eval.accuracy",
        "test accuracy of {model} on {count} {dataset} test images: {accuracy}",
        "{model} の {dataset} のテスト画像 {count} 枚での認識精度: {accuracy}",
    ),
    // `cargo xtask lab`.
    e(
        "cli.xtask.lab.after_help",
        "Serves one page: a form with every `train` option, the train and test curves drawn live as each epoch ends, every run in results/ to overlay and download, the chapter-6 experiments, and predictions of a digit you draw — in English or Japanese. Runs write the same files as `cargo xtask train`. The page and its API are documented in the README.\n\nCtrl-C stops the server: a run in progress stops at the end of its epoch and is recorded as interrupted.",
        "1 枚のページを配信します: `train` のすべてのオプションを指定できるフォーム、エポックが終わるごとに描かれる訓練データとテストデータの認識精度の曲線、results/ にあるすべての学習の重ね描きとダウンロード、6 章の実験、手書きした数字の推論 —— 英語でも日本語でも使えます。学習は `cargo xtask train` と同じファイルを書き出します。ページとその API は README に説明があります。\n\nCtrl-C でサーバーを止めます: 実行中の学習はそのエポックの終わりで止まり、中断として記録されます。",
    ),
    e(
        "cli.xtask.lab.port",
        "Port to listen on (0 = any free port)",
        "待ち受けるポート（0 なら空いているポートのどれか）",
    ),
    e(
        "cli.xtask.lab.bind",
        "Address to listen on. Anything but loopback lets other machines start CPU-heavy jobs and write files here: a warning is printed",
        "待ち受けるアドレス。ループバック以外にすると、ほかのマシンからこのマシンで重い計算を始めたりファイルを書いたりできるようになるため、警告を表示する",
    ),
    e(
        "cli.xtask.lab.queue_limit",
        "Most runs and experiments waiting at once (beyond it the page is told to wait)",
        "同時に待たせておける学習と実験の最大数（超えるとページに待つよう伝える）",
    ),
    e(
        "cli.xtask.lab.no_open",
        "Do not open the page in a browser",
        "ブラウザでページを開かない",
    ),
    e(
        "cli.lab.port.invalid",
        "{got} is not a port number (0 to 65535)",
        "{got} はポート番号（0〜65535）ではありません",
    ),
    e(
        "cli.lab.queue_limit.range",
        "{got} is not in 1..=65535",
        "{got} は 1〜65535 の範囲にありません",
    ),
    e(
        "cli.lab.bind.invalid",
        "{got} is not an IP address (e.g. 127.0.0.1 or ::1)",
        "{got} は IP アドレス（例: 127.0.0.1 や ::1）ではありません",
    ),
    e(
        "cli.lab.serving",
        "scratchnet lab: {url}  (Ctrl-C to stop)",
        "scratchnet ラボ: {url}  （Ctrl-C で停止）",
    ),
    e(
        "cli.lab.exposed",
        "warning: listening on {address}: every machine that can reach this address can start runs and write files in {dir}",
        "警告: {address} で待ち受けています。このアドレスに届くすべてのマシンが学習を始めたり {dir} にファイルを書いたりできます",
    ),
    e(
        "cli.lab.open_manually",
        "open {url} in your browser",
        "ブラウザで {url} を開いてください",
    ),
    e(
        "cli.lab.stopping",
        "stopping the lab…",
        "ラボを停止しています…",
    ),
];

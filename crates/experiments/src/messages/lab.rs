//! The lab's page and server: labels, help, errors from the server. The page loads the whole
//! table (`GET /api/messages`); the server renders its errors with it.

use super::Entry;

pub(super) const ENTRIES: &[Entry] = &[
    // The page's own texts (GET /api/messages), by part of the page.
    Entry {
        key: "doc.title",
        en: "scratchnet lab — chapter 6 live on MNIST",
        ja: "scratchnet ラボ — 第 6 章を MNIST でライブ実行",
    },
    Entry {
        key: "page.skip",
        en: "Skip to the content",
        ja: "本文へ移動",
    },
    Entry {
        key: "page.tagline",
        en: "Deep Learning from Scratch, chapter 6 — live on MNIST",
        ja: "『ゼロから作るDeep Learning』第 6 章を MNIST でライブ実行",
    },
    Entry {
        key: "nav.label",
        en: "Sections",
        ja: "セクション",
    },
    Entry {
        key: "nav.train",
        en: "Train",
        ja: "学習",
    },
    Entry {
        key: "nav.runs",
        en: "Runs",
        ja: "実行結果",
    },
    Entry {
        key: "nav.experiments",
        en: "Experiments",
        ja: "実験",
    },
    Entry {
        key: "nav.predict",
        en: "Predict",
        ja: "認識",
    },
    Entry {
        key: "lang.other",
        en: "日本語",
        ja: "English",
    },
    Entry {
        key: "lang.other_code",
        en: "ja",
        ja: "en",
    },
    Entry {
        key: "lang.switch_label",
        en: "Switch to Japanese (日本語に切り替える)",
        ja: "英語に切り替える (Switch to English)",
    },
    Entry {
        key: "page.loading",
        en: "Loading…",
        ja: "読み込み中…",
    },
    Entry {
        key: "page.footer",
        en: "Everything runs on this computer: the page, the training and the data. Nothing is loaded from elsewhere.",
        ja: "ページも学習もデータも、すべてこのコンピューターの中で動いています。外部からは何も読み込みません。",
    },
    Entry {
        key: "error.connection",
        en: "Cannot reach the lab server ({detail}). Is cargo xtask lab still running?",
        ja: "ラボのサーバーに接続できません（{detail}）。cargo xtask lab は動いていますか？",
    },
    Entry {
        key: "error.unexpected",
        en: "The server answered {status}: {detail}",
        ja: "サーバーの応答 {status}：{detail}",
    },
    Entry {
        key: "train.title",
        en: "Train a network",
        ja: "ネットワークを学習する",
    },
    Entry {
        key: "train.intro",
        en: "Every option of cargo xtask train, with its defaults: the book's overfitting experiment (§6.4.1). Change one, press Run and watch the curves.",
        ja: "cargo xtask train のすべてのオプションです。既定値は本書の過学習の実験（§6.4.1）。どれかを変えて「実行」を押し、曲線の変化を見てみましょう。",
    },
    Entry {
        key: "run.button",
        en: "Run",
        ja: "実行",
    },
    Entry {
        key: "run.reset",
        en: "Defaults",
        ja: "既定値に戻す",
    },
    Entry {
        key: "run.stop",
        en: "Stop",
        ja: "停止",
    },
    Entry {
        key: "run.checking",
        en: "Checking the options…",
        ja: "設定を確認しています…",
    },
    Entry {
        key: "run.invalid",
        en: "Fix the option marked in red first.",
        ja: "赤く示した項目を先に直してください。",
    },
    Entry {
        key: "run.started",
        en: "Started {name}.",
        ja: "{name} を開始しました。",
    },
    Entry {
        key: "run.queued",
        en: "{name} is queued: it starts when the jobs before it end.",
        ja: "{name} は順番待ちです。前のジョブが終わると始まります。",
    },
    Entry {
        key: "run.reset_done",
        en: "Back to the defaults of cargo xtask train.",
        ja: "cargo xtask train の既定値に戻しました。",
    },
    Entry {
        key: "group.data",
        en: "Data",
        ja: "データ",
    },
    Entry {
        key: "group.network",
        en: "Network",
        ja: "ネットワーク",
    },
    Entry {
        key: "group.regularization",
        en: "Against overfitting",
        ja: "過学習対策",
    },
    Entry {
        key: "group.training",
        en: "Training",
        ja: "学習",
    },
    Entry {
        key: "group.output",
        en: "Results",
        ja: "結果",
    },
    Entry {
        key: "group.other",
        en: "Other options",
        ja: "その他のオプション",
    },
    Entry {
        key: "field.flag.check",
        en: "use {label}",
        ja: "{label} を使う",
    },
    Entry {
        key: "field.lr.placeholder",
        en: "optimizer's default",
        ja: "手法ごとの既定値",
    },
    Entry {
        key: "field.eval_samples.placeholder",
        en: "all",
        ja: "すべて",
    },
    Entry {
        key: "field.out.label",
        en: "Run name",
        ja: "実行名",
    },
    Entry {
        key: "field.out.help",
        en: "Name of the files in results/. Empty = a name made from the options, shown in grey.",
        ja: "results/ に保存するファイルの名前。空欄なら設定から作った名前（灰色で表示）を使います。",
    },
    Entry {
        key: "choice.relu",
        en: "ReLU",
        ja: "ReLU",
    },
    Entry {
        key: "choice.sigmoid",
        en: "sigmoid",
        ja: "シグモイド",
    },
    Entry {
        key: "choice.book",
        en: "book (the book's)",
        ja: "book（本書の方式）",
    },
    Entry {
        key: "choice.inverted",
        en: "inverted (PyTorch)",
        ja: "inverted（PyTorch の方式）",
    },
    Entry {
        key: "choice.mnist",
        en: "MNIST (digits)",
        ja: "MNIST（手書き数字）",
    },
    Entry {
        key: "choice.fashion-mnist",
        en: "Fashion-MNIST (clothes)",
        ja: "Fashion-MNIST（衣類）",
    },
    Entry {
        key: "choice.fashion",
        en: "Fashion-MNIST (clothes)",
        ja: "Fashion-MNIST（衣類）",
    },
    Entry {
        key: "choice.sgd",
        en: "SGD",
        ja: "SGD",
    },
    Entry {
        key: "choice.momentum",
        en: "Momentum",
        ja: "Momentum",
    },
    Entry {
        key: "choice.nesterov",
        en: "Nesterov",
        ja: "Nesterov",
    },
    Entry {
        key: "choice.adagrad",
        en: "AdaGrad",
        ja: "AdaGrad",
    },
    Entry {
        key: "choice.rmsprop",
        en: "RMSprop",
        ja: "RMSprop",
    },
    Entry {
        key: "choice.adam",
        en: "Adam",
        ja: "Adam",
    },
    Entry {
        key: "live.title",
        en: "Live curves",
        ja: "学習の様子（ライブ）",
    },
    Entry {
        key: "live.none",
        en: "No run yet",
        ja: "まだ実行していません",
    },
    Entry {
        key: "live.empty",
        en: "Press Run: the curves are drawn here as each epoch ends.",
        ja: "「実行」を押すと、エポックが終わるたびにここへ曲線が描かれます。",
    },
    Entry {
        key: "live.final_train",
        en: "Final train accuracy",
        ja: "最終的な訓練データの認識精度",
    },
    Entry {
        key: "live.final_test",
        en: "Final test accuracy",
        ja: "最終的なテストデータの認識精度",
    },
    Entry {
        key: "live.progress",
        en: "Epoch {k} of {n}",
        ja: "エポック {k} / {n}",
    },
    Entry {
        key: "live.eta",
        en: "about {time} left",
        ja: "残り約 {time}",
    },
    Entry {
        key: "live.finished",
        en: "{k} of {n} epochs in {time}",
        ja: "{n} エポック中 {k} エポックを {time}で学習",
    },
    Entry {
        key: "live.finished_short",
        en: "{k} of {n} epochs",
        ja: "{n} エポック中 {k} エポック",
    },
    Entry {
        key: "live.stopped_queued",
        en: "Stopped before it started.",
        ja: "開始前に停止しました。",
    },
    Entry {
        key: "live.waiting",
        en: "Waiting in the queue…",
        ja: "順番待ちです…",
    },
    Entry {
        key: "live.stopping",
        en: "Stopping at the end of this epoch…",
        ja: "このエポックの終わりで停止します…",
    },
    Entry {
        key: "live.reconnecting",
        en: "Lost the event stream; reconnecting…",
        ja: "イベントの受信が途切れました。再接続しています…",
    },
    Entry {
        key: "live.diverged",
        en: "The loss stopped being a number (training diverged), so the run stopped.",
        ja: "損失関数の値が数値でなくなった（発散した）ため、学習を止めました。",
    },
    Entry {
        key: "live.interrupted",
        en: "Stopped after epoch {k}; the CSV keeps every epoch so far.",
        ja: "エポック {k} の後で停止しました。CSV にはそこまでの全エポックが残っています。",
    },
    Entry {
        key: "state.queued",
        en: "queued",
        ja: "順番待ち",
    },
    Entry {
        key: "state.running",
        en: "running",
        ja: "実行中",
    },
    Entry {
        key: "state.completed",
        en: "completed",
        ja: "完了",
    },
    Entry {
        key: "state.interrupted",
        en: "interrupted",
        ja: "中断",
    },
    Entry {
        key: "state.diverged",
        en: "diverged",
        ja: "発散",
    },
    Entry {
        key: "state.failed",
        en: "failed",
        ja: "失敗",
    },
    Entry {
        key: "state.stopping",
        en: "stopping",
        ja: "停止中",
    },
    Entry {
        key: "state.idle",
        en: "not run yet",
        ja: "未実行",
    },
    Entry {
        key: "chart.epoch",
        en: "epoch",
        ja: "エポック",
    },
    Entry {
        key: "chart.accuracy",
        en: "accuracy",
        ja: "認識精度",
    },
    Entry {
        key: "chart.loss",
        en: "training loss",
        ja: "損失関数",
    },
    Entry {
        key: "chart.train",
        en: "train",
        ja: "訓練",
    },
    Entry {
        key: "chart.test",
        en: "test",
        ja: "テスト",
    },
    Entry {
        key: "chart.live_label",
        en: "Accuracy and training loss per epoch of run {name}: {k} epochs drawn.",
        ja: "実行 {name} のエポックごとの認識精度と損失関数の値（{k} エポック分）。",
    },
    Entry {
        key: "chart.overlay_label",
        en: "Train and test accuracy per epoch of the runs {names}.",
        ja: "実行 {names} のエポックごとの訓練データとテストデータの認識精度。",
    },
    Entry {
        key: "chart.keys",
        en: "Use the arrow keys to read the values epoch by epoch.",
        ja: "矢印キーでエポックごとの値を読めます。",
    },
    Entry {
        key: "legend.train",
        en: "train accuracy",
        ja: "訓練データ",
    },
    Entry {
        key: "legend.test",
        en: "test accuracy",
        ja: "テストデータ",
    },
    Entry {
        key: "legend.loss",
        en: "training loss",
        ja: "損失関数（訓練データ）",
    },
    Entry {
        key: "runs.title",
        en: "Runs",
        ja: "実行結果",
    },
    Entry {
        key: "runs.intro",
        en: "Every run in results/, from this page or from cargo xtask train. Tick several to overlay their curves.",
        ja: "results/ にあるすべての実行結果です（このページからの実行も cargo xtask train の実行も）。チェックを付けると曲線を重ねて比べられます。",
    },
    Entry {
        key: "runs.preset",
        en: "Fig. 6-23: without vs with Dropout",
        ja: "図 6-23：Dropout なし・ありを比較",
    },
    Entry {
        key: "runs.clear_selection",
        en: "Clear selection",
        ja: "選択を解除",
    },
    Entry {
        key: "runs.caption",
        en: "Runs and their final accuracies",
        ja: "実行結果と最終的な認識精度",
    },
    Entry {
        key: "runs.col_select",
        en: "Overlay",
        ja: "重ねて表示",
    },
    Entry {
        key: "runs.col_name",
        en: "Run",
        ja: "実行名",
    },
    Entry {
        key: "runs.col_state",
        en: "State",
        ja: "状態",
    },
    Entry {
        key: "runs.col_config",
        en: "Configuration",
        ja: "設定",
    },
    Entry {
        key: "runs.col_epochs",
        en: "Epochs",
        ja: "エポック",
    },
    Entry {
        key: "runs.col_train",
        en: "Train acc.",
        ja: "訓練精度",
    },
    Entry {
        key: "runs.col_test",
        en: "Test acc.",
        ja: "テスト精度",
    },
    Entry {
        key: "runs.col_files",
        en: "Files",
        ja: "ファイル",
    },
    Entry {
        key: "runs.empty",
        en: "No runs yet: start one above, or with cargo xtask train.",
        ja: "まだ実行結果がありません。上の「実行」か cargo xtask train で学習してください。",
    },
    Entry {
        key: "runs.overlay_title",
        en: "Overlay",
        ja: "重ねて比較",
    },
    Entry {
        key: "runs.overlay_empty",
        en: "Tick runs in the table to overlay their train and test accuracy.",
        ja: "表でチェックを付けた実行結果の、訓練データとテストデータの認識精度を重ねて表示します。",
    },
    Entry {
        key: "runs.select",
        en: "Overlay {name}",
        ja: "{name} を重ねて表示",
    },
    Entry {
        key: "runs.source.lab",
        en: "started here",
        ja: "このページから",
    },
    Entry {
        key: "runs.source.results",
        en: "from results/",
        ja: "results/ から",
    },
    Entry {
        key: "runs.no_config",
        en: "no configuration recorded",
        ja: "設定の記録なし",
    },
    Entry {
        key: "runs.preset_selected",
        en: "Selected {names}: the book’s figure 6-23.",
        ja: "{names} を選びました（本書の図 6-23）。",
    },
    Entry {
        key: "runs.preset_started",
        en: "Started {names} with the book's settings; the figure fills in as they train.",
        ja: "{names} を本書の設定で開始しました。学習が進むにつれて図が描かれます。",
    },
    Entry {
        key: "runs.download",
        en: "Download {kind} of {name}",
        ja: "{name} の {kind} をダウンロード",
    },
    Entry {
        key: "runs.watch",
        en: "Watch live",
        ja: "ライブで見る",
    },
    Entry {
        key: "runs.watch_label",
        en: "Watch {name} in the live chart",
        ja: "{name} をライブのグラフで見る",
    },
    Entry {
        key: "summary.images",
        en: "{n} images",
        ja: "{n} 枚",
    },
    Entry {
        key: "summary.no_dropout",
        en: "no dropout",
        ja: "Dropout なし",
    },
    Entry {
        key: "summary.dropout",
        en: "dropout {r}",
        ja: "Dropout {r}",
    },
    Entry {
        key: "summary.inverted",
        en: "inverted",
        ja: "inverted",
    },
    Entry {
        key: "summary.lr",
        en: "lr {lr}",
        ja: "学習係数 {lr}",
    },
    Entry {
        key: "summary.lr_default",
        en: "default lr",
        ja: "学習係数は既定値",
    },
    Entry {
        key: "summary.batch",
        en: "batch {n}",
        ja: "バッチ {n}",
    },
    Entry {
        key: "summary.epochs",
        en: "{n} epochs",
        ja: "{n} エポック",
    },
    Entry {
        key: "summary.seed",
        en: "seed {n}",
        ja: "シード {n}",
    },
    Entry {
        key: "summary.eval",
        en: "evaluated on {n}",
        ja: "評価 {n} 枚",
    },
    Entry {
        key: "summary.init",
        en: "init {w}",
        ja: "初期値 {w}",
    },
    Entry {
        key: "exp.title",
        en: "Chapter 6 experiments",
        ja: "第 6 章の実験",
    },
    Entry {
        key: "exp.intro",
        en: "Each experiment recomputes one figure of the book on real MNIST and states what it shows. Quick runs the same code on less data, in seconds.",
        ja: "各実験は本書の図を 1 つ、本物の MNIST で計算し直し、何がわかるかを結果から述べます。「クイック実行」は同じコードを少ないデータで数秒で実行します。",
    },
    Entry {
        key: "exp.seed",
        en: "Seed",
        ja: "シード",
    },
    Entry {
        key: "exp.seed_help",
        en: "Each experiment derives the seeds of its runs from this one.",
        ja: "各実験は、この値から個々の実行のシードを決めます。",
    },
    Entry {
        key: "exp.quick",
        en: "Quick run",
        ja: "クイック実行",
    },
    Entry {
        key: "exp.full",
        en: "Full run",
        ja: "本番どおり実行",
    },
    Entry {
        key: "exp.stop",
        en: "Stop",
        ja: "停止",
    },
    Entry {
        key: "exp.verdict",
        en: "Verdict, computed from the results:",
        ja: "結果から計算した結論（英語）：",
    },
    Entry {
        key: "exp.progress",
        en: "{done} of {total} {unit}",
        ja: "{done} / {total} {unit}",
    },
    Entry {
        key: "exp.mode.quick",
        en: "quick",
        ja: "クイック",
    },
    Entry {
        key: "exp.mode.full",
        en: "full",
        ja: "本番",
    },
    Entry {
        key: "exp.figure_alt",
        en: "Figure of the {name} experiment",
        ja: "実験 {name} の図",
    },
    Entry {
        key: "exp.started",
        en: "Started.",
        ja: "開始しました。",
    },
    Entry {
        key: "exp.open_figure",
        en: "Open the figure full size (SVG)",
        ja: "図を原寸で開く（SVG）",
    },
    Entry {
        key: "exp.unit.epochs",
        en: "epochs",
        ja: "エポック",
    },
    Entry {
        key: "exp.unit.iterations",
        en: "iterations",
        ja: "回の反復",
    },
    Entry {
        key: "exp.unit.trials",
        en: "trials",
        ja: "回の試行",
    },
    Entry {
        key: "exp.unit.runs",
        en: "runs",
        ja: "回の実行",
    },
    Entry {
        key: "exp.optimizers.title",
        en: "Fig. 6-9 · Optimizers",
        ja: "図 6-9・最適化手法の比較",
    },
    Entry {
        key: "exp.optimizers.describe",
        en: "SGD, Momentum, AdaGrad and Adam train the same network on the same mini-batches: training loss per iteration (§6.1.8).",
        ja: "SGD・Momentum・AdaGrad・Adam で同じネットワークを同じミニバッチで学習し、反復ごとの損失関数の値を比べます（§6.1.8）。",
    },
    Entry {
        key: "exp.weight-init.title",
        en: "Fig. 6-15 · Initial weights",
        ja: "図 6-15・重みの初期値の比較",
    },
    Entry {
        key: "exp.weight-init.describe",
        en: "Initial weights of standard deviation 0.01, Xavier and He with ReLU: training loss per iteration (§6.2.4).",
        ja: "標準偏差 0.01・Xavier・He の重みの初期値（活性化関数は ReLU）で、反復ごとの損失関数の値を比べます（§6.2.4）。",
    },
    Entry {
        key: "exp.batchnorm.title",
        en: "Fig. 6-19 · Batch Normalization",
        ja: "図 6-19・Batch Normalization の効果",
    },
    Entry {
        key: "exp.batchnorm.describe",
        en: "With and without Batch Normalization at 16 scales of the initial weights: train accuracy per epoch (§6.3.2).",
        ja: "重みの初期値の 16 通りのスケールで、Batch Normalization のあり・なしを比べます。エポックごとの訓練データの認識精度（§6.3.2）。",
    },
    Entry {
        key: "exp.weight-decay.title",
        en: "Fig. 6-21 · Weight decay",
        ja: "図 6-21・重みの減衰（Weight decay）",
    },
    Entry {
        key: "exp.weight-decay.describe",
        en: "Weight decay λ = 0 vs 0.1 on 300 images: train and test accuracy per epoch (§6.4.2).",
        ja: "300 枚の訓練データで、重みの減衰 λ = 0 と 0.1 を比べます。エポックごとの訓練データとテストデータの認識精度（§6.4.2）。",
    },
    Entry {
        key: "exp.dropout.title",
        en: "Fig. 6-23 · Dropout",
        ja: "図 6-23・Dropout",
    },
    Entry {
        key: "exp.dropout.describe",
        en: "The same network without and with Dropout: train and test accuracy per epoch (§6.4.3).",
        ja: "同じネットワークを Dropout なし・ありで学習し、エポックごとの訓練データとテストデータの認識精度を比べます（§6.4.3）。",
    },
    Entry {
        key: "exp.hyperparams.title",
        en: "Fig. 6-24 · Hyperparameter search",
        ja: "図 6-24・ハイパーパラメータの最適化",
    },
    Entry {
        key: "exp.hyperparams.describe",
        en: "Random search of the learning rate and weight decay, judged on validation data: the best validation curves (§6.5).",
        ja: "学習係数と重みの減衰をランダムに探索し、検証データでの認識精度が高かった上位の曲線を示します（§6.5）。",
    },
    Entry {
        key: "predict.title",
        en: "Recognise a digit",
        ja: "手書き数字を認識させる",
    },
    Entry {
        key: "predict.intro",
        en: "Draw a digit or pick a test image: every network trained in this lab session gives its ten probabilities.",
        ja: "数字を書くか、テスト画像を選んでください。このラボで学習したすべてのネットワークが、10 個の数字それぞれの確率を答えます。",
    },
    Entry {
        key: "predict.draw_help",
        en: "Draw with the mouse, a pen or a finger. The drawing is cropped, scaled to 20×20 and centred in 28×28, as MNIST's images were.",
        ja: "マウス、ペン、指で書けます。書いた数字は MNIST の画像と同じように、切り出して 20×20 に縮め、28×28 の中央に置かれます。",
    },
    Entry {
        key: "predict.canvas_label",
        en: "Drawing area: 28×28 pixels shown ten times larger",
        ja: "描画エリア：28×28 ピクセルを 10 倍に拡大表示",
    },
    Entry {
        key: "predict.button",
        en: "Predict",
        ja: "認識する",
    },
    Entry {
        key: "predict.random",
        en: "Random test image",
        ja: "テスト画像をランダムに選ぶ",
    },
    Entry {
        key: "predict.clear",
        en: "Clear",
        ja: "消去",
    },
    Entry {
        key: "predict.seen",
        en: "What the networks see (the 28×28 input).",
        ja: "ネットワークが見る画像（28×28 の入力）。",
    },
    Entry {
        key: "predict.results_title",
        en: "Probabilities of each network",
        ja: "ネットワークごとの確率",
    },
    Entry {
        key: "predict.none",
        en: "No network yet: runs trained in this lab session appear here once they finish.",
        ja: "まだネットワークがありません。このラボで学習した実行が終わると、ここに表示されます。",
    },
    Entry {
        key: "predict.empty",
        en: "Draw a digit first, or pick a random test image.",
        ja: "先に数字を書くか、テスト画像をランダムに選んでください。",
    },
    Entry {
        key: "predict.test_image",
        en: "Test image #{index}, label {label}.",
        ja: "テスト画像 #{index}（正解は {label}）。",
    },
    Entry {
        key: "predict.drawing",
        en: "Your drawing.",
        ja: "あなたが書いた数字。",
    },
    Entry {
        key: "predict.predicted",
        en: "predicts",
        ja: "予測",
    },
    Entry {
        key: "predict.correct",
        en: "correct",
        ja: "正解",
    },
    Entry {
        key: "predict.wrong",
        en: "wrong",
        ja: "不正解",
    },
    Entry {
        key: "predict.bar",
        en: "{digit}: {p}",
        ja: "{digit}：{p}",
    },
    Entry {
        key: "predict.working",
        en: "Predicting…",
        ja: "認識しています…",
    },
    Entry {
        key: "predict.hint",
        en: "Each network trained in this lab session answers here with ten bars, one per digit: draw, then press Predict.",
        ja: "このラボで学習した各ネットワークが、数字ごとの確率を 10 本の棒で答えます。数字を書いて「認識する」を押してください。",
    },
    Entry {
        key: "time.less_than_second",
        en: "under 1 s",
        ja: "1 秒未満",
    },
    Entry {
        key: "time.seconds",
        en: "{s} s",
        ja: "{s} 秒",
    },
    Entry {
        key: "time.minutes",
        en: "{m} min {s} s",
        ja: "{m} 分 {s} 秒",
    },
    Entry {
        key: "time.hours",
        en: "{h} h {m} min",
        ja: "{h} 時間 {m} 分",
    },
    Entry {
        key: "exp.progress_label",
        en: "Progress of {name}",
        ja: "{name} の進み具合",
    },
    Entry {
        key: "predict.choose",
        en: "Networks to ask",
        ja: "答えさせるネットワーク",
    },
    // The server's texts.
    // Errors of the runs API (the page shows them under the Run button).
    Entry {
        key: "run.busy.here",
        en: "a run named {name} is already queued or running",
        ja: "{name} という名前の実行はすでに待ち行列にあるか実行中です",
    },
    Entry {
        key: "run.busy.process",
        en: "another run (process {pid}) is writing the results named {name} in {dir}: wait for it to finish or choose another name",
        ja: "別の実行（プロセス {pid}）が {dir} に {name} という名前の結果を書き込んでいます。終わるのを待つか、別の名前にしてください",
    },
    Entry {
        key: "run.busy.elsewhere",
        en: "another run is writing the results named {name} in {dir}: wait for it to finish or choose another name",
        ja: "別の実行が {dir} に {name} という名前の結果を書き込んでいます。終わるのを待つか、別の名前にしてください",
    },
    Entry {
        key: "run.queue_full",
        en: "the queue is full ({limit} jobs waiting): wait for one to finish or stop one",
        ja: "待ち行列がいっぱいです（{limit} 件が待機中）。どれかが終わるのを待つか、止めてください",
    },
    // Why a run diverged, read from its configuration.
    Entry {
        key: "run.advice.weight_init",
        en: "the weights started far too large (weight init std {std}): the activations and the loss overflow. Try He or Xavier init, or a std such as 0.01",
        ja: "重みの初期値が大きすぎます（標準偏差 {std}）。活性化の値と損失があふれます。He や Xavier の初期値、または 0.01 程度の標準偏差を試してください",
    },
    Entry {
        key: "run.advice.lr",
        en: "the learning rate {lr} is too high for this network: try a lower one, e.g. {lower}",
        ja: "学習係数 {lr} はこのネットワークには大きすぎます。もっと小さな値（例えば {lower}）を試してください",
    },
    // The figures' text (SVG titles, axes, legends): the lab draws them in the page's language,
    // the command line in its own.
    Entry {
        key: "figure.axis.epochs",
        en: "epochs",
        ja: "エポック",
    },
    Entry {
        key: "figure.axis.accuracy",
        en: "accuracy",
        ja: "認識精度",
    },
    Entry {
        key: "figure.legend.train",
        en: "train",
        ja: "訓練データ",
    },
    Entry {
        key: "figure.legend.test",
        en: "test",
        ja: "テストデータ",
    },
    Entry {
        key: "figure.legend.run_train",
        en: "{run} train",
        ja: "{run} 訓練データ",
    },
    Entry {
        key: "figure.legend.run_test",
        en: "{run} test",
        ja: "{run} テストデータ",
    },
    Entry {
        key: "figure.run.title",
        en: "{dataset} {images} images, hidden {hidden}, {dropout}, {optimizer} lr {lr}{extras}, seed {seed}",
        ja: "{dataset} 訓練画像 {images} 枚、隠れ層 {hidden}、{dropout}、{optimizer} 学習係数 {lr}{extras}、シード {seed}",
    },
    Entry {
        key: "figure.run.dropout",
        en: "dropout {ratio} ({mode})",
        ja: "Dropout {ratio}（{mode}）",
    },
    Entry {
        key: "figure.run.no_dropout",
        en: "no dropout",
        ja: "Dropout なし",
    },
    Entry {
        key: "figure.run.weight_decay",
        en: ", λ {lambda}",
        ja: "、荷重減衰 λ {lambda}",
    },
    Entry {
        key: "figure.run.batchnorm",
        en: ", BatchNorm",
        ja: "、Batch Normalization",
    },
    Entry {
        key: "figure.axis.train_accuracy",
        en: "train accuracy",
        ja: "訓練データの認識精度",
    },
    Entry {
        key: "figure.axis.iterations",
        en: "iterations",
        ja: "イテレーション",
    },
    Entry {
        key: "figure.axis.loss",
        en: "loss",
        ja: "損失関数の値",
    },
    Entry {
        key: "figure.axis.parameter",
        en: "parameter (in the book's order)",
        ja: "パラメータ（本書の順）",
    },
    Entry {
        key: "figure.axis.log10_error",
        en: "log10 relative error",
        ja: "相対誤差の log10",
    },
    Entry {
        key: "figure.legend.validation",
        en: "validation",
        ja: "検証データ",
    },
    Entry {
        key: "figure.legend.none",
        en: "none",
        ja: "なし",
    },
    Entry {
        key: "figure.legend.diverged",
        en: "{name} (diverged)",
        ja: "{name}（発散）",
    },
    Entry {
        key: "figure.title.optimizer-paths",
        en: "Fig. 6-8: f(x, y) = x²/20 + y² from (−7, 2), {steps} steps",
        ja: "図6-8: f(x, y) = x²/20 + y² を (−7, 2) から {steps} ステップ更新した経路",
    },
    Entry {
        key: "figure.title.optimizers",
        en: "Fig. 6-9: optimizers on MNIST, hidden [100]×4, batch {batch}, seed {seed} (moving average of {window})",
        ja: "図6-9: MNIST での最適化手法の比較、隠れ層 [100]×4、バッチサイズ {batch}、シード {seed}（{window} 点の移動平均）",
    },
    Entry {
        key: "figure.title.weight-init",
        en: "Fig. 6-15: weight init on MNIST, ReLU, hidden [100]×4, SGD lr 0.01, batch {batch}, seed {seed} (moving average of {window})",
        ja: "図6-15: MNIST での重みの初期値の比較、ReLU、隠れ層 [100]×4、SGD 学習係数 0.01、バッチサイズ {batch}、シード {seed}（{window} 点の移動平均）",
    },
    Entry {
        key: "figure.title.activations",
        en: "Fig. 6-10…6-14: activations of {layers} layers of {units}, {inputs} Gaussian inputs, seed {seed}",
        ja: "図6-10〜6-14: {units} ニューロン × {layers} 層のアクティベーション分布、ガウス分布の入力 {inputs} 個、シード {seed}",
    },
    Entry {
        key: "figure.title.batchnorm",
        en: "Fig. 6-19: BatchNorm vs none at {scales} weight scales, {images} MNIST images, hidden [100]×5, SGD lr 0.01, seed {seed}",
        ja: "図6-19: Batch Normalization の有無、重みの初期値のスケール {scales} 通り、MNIST {images} 枚、隠れ層 [100]×5、SGD 学習係数 0.01、シード {seed}",
    },
    Entry {
        key: "figure.title.weight-decay",
        en: "Fig. 6-21: weight decay, {images} MNIST images, hidden [100]×6, SGD lr 0.01, {epochs} epochs, seed {seed}",
        ja: "図6-21: 荷重減衰（Weight decay）、MNIST {images} 枚、隠れ層 [100]×6、SGD 学習係数 0.01、{epochs} エポック、シード {seed}",
    },
    Entry {
        key: "figure.title.dropout",
        en: "Fig. 6-23: dropout {ratio} (the book's scaling), {images} MNIST images, hidden [100]×6, SGD lr 0.01, {epochs} epochs, seed {seed}",
        ja: "図6-23: Dropout {ratio}（本書の方式）、MNIST {images} 枚、隠れ層 [100]×6、SGD 学習係数 0.01、{epochs} エポック、シード {seed}",
    },
    Entry {
        key: "figure.title.hyperparams",
        en: "Fig. 6-24: best {shown} of {trials} random trials, {samples} MNIST images (20% validation), hidden [100]×6, {epochs} epochs, seed {seed}",
        ja: "図6-24: ランダムな {trials} 試行のうち上位 {shown}、MNIST {samples} 枚（20% は検証データ）、隠れ層 [100]×6、{epochs} エポック、シード {seed}",
    },
    Entry {
        key: "figure.title.dropout-sweep",
        en: "Dropout ratio sweep ({mode} dropout): {seeds} seeds per ratio, {images} MNIST images, {validation} validation, hidden [100]×6, SGD lr 0.01, {epochs} epochs, seed {seed}",
        ja: "Dropout の比率の比較（{mode}）: 比率ごとに {seeds} シード、MNIST {images} 枚、検証データ {validation} 枚、隠れ層 [100]×6、SGD 学習係数 0.01、{epochs} エポック、シード {seed}",
    },
    Entry {
        key: "figure.title.dropout-ensemble",
        en: "§6.4.3: dropout {ratio} as an ensemble, {images} MNIST images, hidden [100]×6, {epochs} epochs, {test} test images, seed {seed}",
        ja: "§6.4.3: アンサンブルとしての Dropout {ratio}、MNIST {images} 枚、隠れ層 [100]×6、{epochs} エポック、テスト画像 {test} 枚、シード {seed}",
    },
    Entry {
        key: "figure.axis.log2_masks",
        en: "log2 T (masks averaged)",
        ja: "log2 T（平均したマスクの数）",
    },
    Entry {
        key: "figure.axis.test_accuracy",
        en: "test accuracy",
        ja: "テストデータの認識精度",
    },
    Entry {
        key: "figure.axis.dropout_ratio",
        en: "dropout ratio",
        ja: "Dropout の比率",
    },
    Entry {
        key: "figure.legend.book_ratio",
        en: "the book's 0.2",
        ja: "本書の 0.2",
    },
    Entry {
        key: "figure.mode.book",
        en: "the book's",
        ja: "本書の方式",
    },
    Entry {
        key: "figure.mode.inverted",
        en: "inverted",
        ja: "inverted 方式",
    },
    Entry {
        key: "figure.title.gradient-check",
        en: "Gradient check: log10 largest relative error per parameter (W1, b1, …), bound {bound}, seed {seed}",
        ja: "勾配確認: パラメータ（W1、b1、…）ごとの最大相対誤差の log10、上限 {bound}、シード {seed}",
    },
];

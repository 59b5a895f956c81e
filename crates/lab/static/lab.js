// scratchnet lab: the page's only script. Plain JavaScript, no framework, no build step, nothing
// loaded from elsewhere. It talks to the lab's JSON API on the same origin and draws its own
// charts as inline SVG. Everything lives inside this function; the one global it leaves is
// `window.scratchnetLab`, for looking at the state from the browser's console.
(() => {
  'use strict';

  // ---------------------------------------------------------------------------------------
  // Texts, in English and Japanese. Every visible word of the page comes from here.
  // ---------------------------------------------------------------------------------------

  const MESSAGES = {
    en: {
      'doc.title': 'scratchnet lab — chapter 6 live on MNIST',
      skip: 'Skip to the content',
      tagline: 'Deep Learning from Scratch, chapter 6 — live on MNIST',
      'nav.label': 'Sections',
      'nav.train': 'Train',
      'nav.runs': 'Runs',
      'nav.experiments': 'Experiments',
      'nav.predict': 'Predict',
      'lang.other': '日本語',
      'lang.otherCode': 'ja',
      'lang.switchLabel': 'Switch to Japanese (日本語に切り替える)',
      loading: 'Loading…',
      footer: 'Everything runs on this computer: the page, the training and the data. Nothing is loaded from elsewhere.',
      'error.connection': 'Cannot reach the lab server ({detail}). Is cargo xtask lab still running?',
      'error.unexpected': 'The server answered {status}: {detail}',

      'train.title': 'Train a network',
      'train.intro': "Every option of cargo xtask train, with its defaults: the book's overfitting experiment (§6.4.1). Change one, press Run and watch the curves.",
      'run.button': 'Run',
      'run.reset': 'Defaults',
      'run.stop': 'Stop',
      'run.checking': 'Checking the options…',
      'run.invalid': 'Fix the option marked in red first.',
      'run.started': 'Started {name}.',
      'run.queued': '{name} is queued: it starts when the jobs before it end.',
      'run.resetDone': 'Back to the defaults of cargo xtask train.',

      'group.data': 'Data',
      'group.network': 'Network',
      'group.regularization': 'Against overfitting',
      'group.training': 'Training',
      'group.output': 'Results',
      'group.other': 'Other options',

      'field.dataset.label': 'Data set',
      'field.dataset.help': 'The images to learn: MNIST handwritten digits, or Fashion-MNIST (clothes, same format).',
      'field.train_size.label': 'Training images',
      'field.train_size.help': 'How many training images to use, the first N of {images}. The book takes only 300 to provoke overfitting (§6.4.1).',
      'field.hidden.label': 'Hidden layers',
      'field.hidden.help': "Neurons per hidden layer, comma-separated: 100,100,100,100,100,100 is the book's 7-layer network.",
      'field.activation.label': 'Activation',
      'field.activation.help': 'The function after each hidden layer: ReLU or sigmoid (§3.2; how it shapes the activations: §6.2.2).',
      'field.weight_init.label': 'Initial weights',
      'field.weight_init.help': 'Standard deviation of the initial weights: he (√(2/n), for ReLU), xavier (√(1/n), for sigmoid) or a number such as 0.01 (§6.2).',
      'field.dropout.label': 'Dropout ratio',
      'field.dropout.help': 'Fraction of hidden neurons switched off at random at each training step, from 0 (no dropout) to below 1. It fights overfitting (§6.4.3).',
      'field.dropout_mode.label': 'Dropout mode',
      'field.dropout_mode.help': "book: the book's Dropout, outputs multiplied by 1 − ratio at test time; inverted: scaled by 1/(1 − ratio) while training instead, as in PyTorch.",
      'field.batchnorm.label': 'Batch Normalization',
      'field.batchnorm.help': 'Normalise each mini-batch before every hidden activation: learning gets faster and depends less on the initial weights (§6.3).',
      'field.batchnorm.check': 'use Batch Normalization',
      'field.weight_decay.label': 'Weight decay λ',
      'field.weight_decay.help': 'Adds λ/2·‖W‖² to the loss to keep the weights small, against overfitting; 0 = off. The book uses 0.1 (§6.4.2).',
      'field.optimizer.label': 'Optimizer',
      'field.optimizer.help': 'How the gradients update the parameters: SGD, Momentum, Nesterov, AdaGrad, RMSprop or Adam (§6.1).',
      'field.lr.label': 'Learning rate',
      'field.lr.help': "The size of each update step. Empty = the book's default for the chosen optimizer (§6.1).",
      'field.lr.placeholder': "optimizer's default",
      'field.batch_size.label': 'Mini-batch size',
      'field.batch_size.help': 'Images per mini-batch; the gradient is computed and applied once per mini-batch (§4.2.3).',
      'field.epochs.label': 'Epochs',
      'field.epochs.help': "Passes over the training images; accuracy is measured after each one, as the book's Trainer does (§4.5, §6.4).",
      'field.eval_samples.label': 'Images evaluated',
      'field.eval_samples.help': "Measure each epoch's accuracy on only the first N training and test images (faster). Empty = all of them.",
      'field.eval_samples.placeholder': 'all',
      'field.seed.label': 'Random seed',
      'field.seed.help': 'Seed of every random number (initial weights, mini-batches, dropout masks): the same seed gives the same run.',
      'field.out.label': 'Run name',
      'field.out.help': 'Name of the files in results/. Empty = a name made from the options, shown in grey.',
      'field.generic.help': 'Option --{flag} of cargo xtask train.',

      'choice.relu': 'ReLU',
      'choice.sigmoid': 'sigmoid',
      'choice.book': "book (the book's)",
      'choice.inverted': 'inverted (PyTorch)',
      'choice.mnist': 'MNIST (digits)',
      'choice.fashion-mnist': 'Fashion-MNIST (clothes)',
      'choice.fashion': 'Fashion-MNIST (clothes)',

      'live.title': 'Live curves',
      'live.none': 'No run yet',
      'live.empty': 'Press Run: the curves are drawn here as each epoch ends.',
      'live.finalTrain': 'Final train accuracy',
      'live.finalTest': 'Final test accuracy',
      'live.progress': 'Epoch {k} of {n}',
      'live.eta': 'about {time} left',
      'live.finished': '{k} of {n} epochs in {time}',
      'live.finishedShort': '{k} of {n} epochs',
      'live.stoppedQueued': 'Stopped before it started.',
      'live.waiting': 'Waiting in the queue…',
      'live.stopping': 'Stopping at the end of this epoch…',
      'live.reconnecting': 'Lost the event stream; reconnecting…',
      'live.diverged': 'The loss stopped being a number, so the run stopped. Try a smaller learning rate.',
      'live.interrupted': 'Stopped after epoch {k}; the CSV keeps every epoch so far.',

      'state.queued': 'queued',
      'state.running': 'running',
      'state.completed': 'completed',
      'state.interrupted': 'interrupted',
      'state.diverged': 'diverged',
      'state.failed': 'failed',
      'state.stopping': 'stopping',
      'state.idle': 'not run yet',

      'chart.epoch': 'epoch',
      'chart.accuracy': 'accuracy',
      'chart.loss': 'training loss',
      'chart.train': 'train',
      'chart.test': 'test',
      'chart.liveLabel': 'Accuracy and training loss per epoch of run {name}: {k} epochs drawn.',
      'chart.overlayLabel': 'Train and test accuracy per epoch of the runs {names}.',
      'chart.keys': 'Use the arrow keys to read the values epoch by epoch.',
      'legend.train': 'train accuracy',
      'legend.test': 'test accuracy',
      'legend.loss': 'training loss',

      'runs.title': 'Runs',
      'runs.intro': 'Every run in results/, from this page or from cargo xtask train. Tick several to overlay their curves.',
      'runs.preset': 'Fig. 6-23: without vs with Dropout',
      'runs.clearSelection': 'Clear selection',
      'runs.caption': 'Runs and their final accuracies',
      'runs.colSelect': 'Overlay',
      'runs.colName': 'Run',
      'runs.colState': 'State',
      'runs.colConfig': 'Configuration',
      'runs.colEpochs': 'Epochs',
      'runs.colTrain': 'Train acc.',
      'runs.colTest': 'Test acc.',
      'runs.colFiles': 'Files',
      'runs.empty': 'No runs yet: start one above, or with cargo xtask train.',
      'runs.overlayTitle': 'Overlay',
      'runs.overlayEmpty': 'Tick runs in the table to overlay their train and test accuracy.',
      'runs.select': 'Overlay {name}',
      'runs.source.lab': 'started here',
      'runs.source.results': 'from results/',
      'runs.noConfig': 'no configuration recorded',
      'runs.presetSelected': 'Selected {names}: the book’s figure 6-23.',
      'runs.presetStarted': "Started {names} with the book's settings; the figure fills in as they train.",
      'runs.download': 'Download {kind} of {name}',
      'runs.watch': 'Watch live',
      'runs.watchLabel': 'Watch {name} in the live chart',

      'summary.images': '{n} images',
      'summary.noDropout': 'no dropout',
      'summary.dropout': 'dropout {r}',
      'summary.inverted': 'inverted',
      'summary.lr': 'lr {lr}',
      'summary.lrDefault': 'default lr',
      'summary.batch': 'batch {n}',
      'summary.epochs': '{n} epochs',
      'summary.seed': 'seed {n}',
      'summary.eval': 'evaluated on {n}',
      'summary.init': 'init {w}',

      'exp.title': 'Chapter 6 experiments',
      'exp.intro': 'Each experiment recomputes one figure of the book on real MNIST and states what it shows. Quick runs the same code on less data, in seconds.',
      'exp.seed': 'Seed',
      'exp.seedHelp': 'Each experiment derives the seeds of its runs from this one.',
      'exp.quick': 'Quick run',
      'exp.full': 'Full run',
      'exp.stop': 'Stop',
      'exp.verdict': 'Verdict, computed from the results:',
      'exp.progress': '{done} of {total} {unit}',
      'exp.mode.quick': 'quick',
      'exp.mode.full': 'full',
      'exp.figureAlt': 'Figure of the {name} experiment',
      'exp.started': 'Started.',
      'exp.openFigure': 'Open the figure full size (SVG)',
      'exp.unit.epochs': 'epochs',
      'exp.unit.iterations': 'iterations',
      'exp.unit.trials': 'trials',
      'exp.unit.runs': 'runs',
      'exp.optimizers.title': 'Fig. 6-9 · Optimizers',
      'exp.optimizers.describe': 'SGD, Momentum, AdaGrad and Adam train the same network on the same mini-batches: training loss per iteration (§6.1.8).',
      'exp.weight-init.title': 'Fig. 6-15 · Initial weights',
      'exp.weight-init.describe': 'Initial weights of standard deviation 0.01, Xavier and He with ReLU: training loss per iteration (§6.2.4).',
      'exp.batchnorm.title': 'Fig. 6-19 · Batch Normalization',
      'exp.batchnorm.describe': 'With and without Batch Normalization at 16 scales of the initial weights: train accuracy per epoch (§6.3.2).',
      'exp.weight-decay.title': 'Fig. 6-21 · Weight decay',
      'exp.weight-decay.describe': 'Weight decay λ = 0 vs 0.1 on 300 images: train and test accuracy per epoch (§6.4.2).',
      'exp.dropout.title': 'Fig. 6-23 · Dropout',
      'exp.dropout.describe': 'The same network without and with Dropout: train and test accuracy per epoch (§6.4.3).',
      'exp.hyperparams.title': 'Fig. 6-24 · Hyperparameter search',
      'exp.hyperparams.describe': 'Random search of the learning rate and weight decay, judged on validation data: the best validation curves (§6.5).',

      'predict.title': 'Recognise a digit',
      'predict.intro': 'Draw a digit or pick a test image: every network trained in this lab session gives its ten probabilities.',
      'predict.drawHelp': "Draw with the mouse, a pen or a finger. The drawing is cropped, scaled to 20×20 and centred in 28×28, as MNIST's images were.",
      'predict.canvasLabel': 'Drawing area: 28×28 pixels shown ten times larger',
      'predict.button': 'Predict',
      'predict.random': 'Random test image',
      'predict.clear': 'Clear',
      'predict.seen': 'What the networks see (the 28×28 input).',
      'predict.resultsTitle': 'Probabilities of each network',
      'predict.none': 'No network yet: runs trained in this lab session appear here once they finish.',
      'predict.empty': 'Draw a digit first, or pick a random test image.',
      'predict.testImage': 'Test image #{index}, label {label}.',
      'predict.drawing': 'Your drawing.',
      'predict.predicted': 'predicts',
      'predict.correct': 'correct',
      'predict.wrong': 'wrong',
      'predict.bar': '{digit}: {p}',
      'predict.working': 'Predicting…',
      'predict.hint': 'Each network trained in this lab session answers here with ten bars, one per digit: draw, then press Predict.',

      'time.lessThanSecond': 'under 1 s',
      'time.seconds': '{s} s',
      'time.minutes': '{m} min {s} s',
      'time.hours': '{h} h {m} min',
    },

    ja: {
      'doc.title': 'scratchnet ラボ — 第 6 章を MNIST でライブ実行',
      skip: '本文へ移動',
      tagline: '『ゼロから作るDeep Learning』第 6 章を MNIST でライブ実行',
      'nav.label': 'セクション',
      'nav.train': '学習',
      'nav.runs': '実行結果',
      'nav.experiments': '実験',
      'nav.predict': '認識',
      'lang.other': 'English',
      'lang.otherCode': 'en',
      'lang.switchLabel': '英語に切り替える (Switch to English)',
      loading: '読み込み中…',
      footer: 'ページも学習もデータも、すべてこのコンピューターの中で動いています。外部からは何も読み込みません。',
      'error.connection': 'ラボのサーバーに接続できません（{detail}）。cargo xtask lab は動いていますか？',
      'error.unexpected': 'サーバーの応答 {status}：{detail}',

      'train.title': 'ネットワークを学習する',
      'train.intro': 'cargo xtask train のすべてのオプションです。既定値は本書の過学習の実験（§6.4.1）。どれかを変えて「実行」を押し、曲線の変化を見てみましょう。',
      'run.button': '実行',
      'run.reset': '既定値に戻す',
      'run.stop': '停止',
      'run.checking': '設定を確認しています…',
      'run.invalid': '赤く示した項目を先に直してください。',
      'run.started': '{name} を開始しました。',
      'run.queued': '{name} は順番待ちです。前のジョブが終わると始まります。',
      'run.resetDone': 'cargo xtask train の既定値に戻しました。',

      'group.data': 'データ',
      'group.network': 'ネットワーク',
      'group.regularization': '過学習対策',
      'group.training': '学習',
      'group.output': '結果',
      'group.other': 'その他のオプション',

      'field.dataset.label': 'データセット',
      'field.dataset.help': '学習する画像：手書き数字の MNIST か、同じ形式の衣類の画像 Fashion-MNIST。',
      'field.train_size.label': '訓練データの枚数',
      'field.train_size.help': '使う訓練データの枚数（{images} 枚の先頭から）。本書はわざと過学習を起こすため 300 枚だけを使います（§6.4.1）。',
      'field.hidden.label': '隠れ層のサイズ',
      'field.hidden.help': '隠れ層ごとのニューロンの数（カンマ区切り）。100,100,100,100,100,100 は本書の 7 層のネットワークです。',
      'field.activation.label': '活性化関数',
      'field.activation.help': '各隠れ層の後の関数：ReLU またはシグモイド（§3.2。アクティベーション分布への影響は §6.2.2）。',
      'field.weight_init.label': '重みの初期値',
      'field.weight_init.help': '重みの初期値の標準偏差：he（√(2/n)、ReLU 向け）、xavier（√(1/n)、シグモイド向け）、または 0.01 のような数値（§6.2）。',
      'field.dropout.label': 'Dropout の比率',
      'field.dropout.help': '学習の各ステップで隠れ層のニューロンをランダムに消去する割合。0（Dropout なし）以上 1 未満。過学習を抑えます（§6.4.3）。',
      'field.dropout_mode.label': 'Dropout の方式',
      'field.dropout_mode.help': 'book：本書の Dropout（テスト時に出力へ 1 − 比率 を掛ける）。inverted：代わりに学習時に 1/(1 − 比率) 倍する（PyTorch と同じ）。',
      'field.batchnorm.label': 'Batch Normalization',
      'field.batchnorm.help': '各隠れ層の活性化関数の前でミニバッチごとに正規化します。学習が速く進み、重みの初期値にあまり依存しなくなります（§6.3）。',
      'field.batchnorm.check': 'Batch Normalization を使う',
      'field.weight_decay.label': '重みの減衰（Weight decay）λ',
      'field.weight_decay.help': '損失関数に λ/2·‖W‖² を加えて重みを小さく保ち、過学習を抑えます。0 なら使いません。本書の例は 0.1（§6.4.2）。',
      'field.optimizer.label': '最適化手法',
      'field.optimizer.help': '勾配を使ったパラメータの更新方法：SGD、Momentum、Nesterov、AdaGrad、RMSprop、Adam（§6.1）。',
      'field.lr.label': '学習係数',
      'field.lr.help': '1 回の更新の大きさ。空欄なら、選んだ最適化手法の本書での既定値を使います（§6.1）。',
      'field.lr.placeholder': '手法ごとの既定値',
      'field.batch_size.label': 'ミニバッチのサイズ',
      'field.batch_size.help': 'ミニバッチ 1 つあたりの画像の枚数。ミニバッチごとに勾配を求めて 1 回更新します（§4.2.3）。',
      'field.epochs.label': 'エポック数',
      'field.epochs.help': '訓練データを何周学習するか。本書の Trainer と同じく、エポックが終わるたびに認識精度を測ります（§4.5、§6.4）。',
      'field.eval_samples.label': '評価に使う枚数',
      'field.eval_samples.help': '各エポックの認識精度を、訓練データとテストデータの先頭 N 枚だけで測ります（速くなります）。空欄ならすべて。',
      'field.eval_samples.placeholder': 'すべて',
      'field.seed.label': '乱数のシード',
      'field.seed.help': 'すべての乱数（重みの初期値、ミニバッチ、Dropout のマスク）のシード。同じシードなら同じ結果になります。',
      'field.out.label': '実行名',
      'field.out.help': 'results/ に保存するファイルの名前。空欄なら設定から作った名前（灰色で表示）を使います。',
      'field.generic.help': 'cargo xtask train のオプション --{flag}。',

      'choice.relu': 'ReLU',
      'choice.sigmoid': 'シグモイド',
      'choice.book': 'book（本書の方式）',
      'choice.inverted': 'inverted（PyTorch の方式）',
      'choice.mnist': 'MNIST（手書き数字）',
      'choice.fashion-mnist': 'Fashion-MNIST（衣類）',
      'choice.fashion': 'Fashion-MNIST（衣類）',

      'live.title': '学習の様子（ライブ）',
      'live.none': 'まだ実行していません',
      'live.empty': '「実行」を押すと、エポックが終わるたびにここへ曲線が描かれます。',
      'live.finalTrain': '最終的な訓練データの認識精度',
      'live.finalTest': '最終的なテストデータの認識精度',
      'live.progress': 'エポック {k} / {n}',
      'live.eta': '残り約 {time}',
      'live.finished': '{n} エポック中 {k} エポックを {time}で学習',
      'live.finishedShort': '{n} エポック中 {k} エポック',
      'live.stoppedQueued': '開始前に停止しました。',
      'live.waiting': '順番待ちです…',
      'live.stopping': 'このエポックの終わりで停止します…',
      'live.reconnecting': 'イベントの受信が途切れました。再接続しています…',
      'live.diverged': '損失関数の値が数値でなくなった（発散した）ため、学習を止めました。学習係数を小さくしてみてください。',
      'live.interrupted': 'エポック {k} の後で停止しました。CSV にはそこまでの全エポックが残っています。',

      'state.queued': '順番待ち',
      'state.running': '実行中',
      'state.completed': '完了',
      'state.interrupted': '中断',
      'state.diverged': '発散',
      'state.failed': '失敗',
      'state.stopping': '停止中',
      'state.idle': '未実行',

      'chart.epoch': 'エポック',
      'chart.accuracy': '認識精度',
      'chart.loss': '損失関数',
      'chart.train': '訓練',
      'chart.test': 'テスト',
      'chart.liveLabel': '実行 {name} のエポックごとの認識精度と損失関数の値（{k} エポック分）。',
      'chart.overlayLabel': '実行 {names} のエポックごとの訓練データとテストデータの認識精度。',
      'chart.keys': '矢印キーでエポックごとの値を読めます。',
      'legend.train': '訓練データ',
      'legend.test': 'テストデータ',
      'legend.loss': '損失関数（訓練データ）',

      'runs.title': '実行結果',
      'runs.intro': 'results/ にあるすべての実行結果です（このページからの実行も cargo xtask train の実行も）。チェックを付けると曲線を重ねて比べられます。',
      'runs.preset': '図 6-23：Dropout なし・ありを比較',
      'runs.clearSelection': '選択を解除',
      'runs.caption': '実行結果と最終的な認識精度',
      'runs.colSelect': '重ねて表示',
      'runs.colName': '実行名',
      'runs.colState': '状態',
      'runs.colConfig': '設定',
      'runs.colEpochs': 'エポック',
      'runs.colTrain': '訓練精度',
      'runs.colTest': 'テスト精度',
      'runs.colFiles': 'ファイル',
      'runs.empty': 'まだ実行結果がありません。上の「実行」か cargo xtask train で学習してください。',
      'runs.overlayTitle': '重ねて比較',
      'runs.overlayEmpty': '表でチェックを付けた実行結果の、訓練データとテストデータの認識精度を重ねて表示します。',
      'runs.select': '{name} を重ねて表示',
      'runs.source.lab': 'このページから',
      'runs.source.results': 'results/ から',
      'runs.noConfig': '設定の記録なし',
      'runs.presetSelected': '{names} を選びました（本書の図 6-23）。',
      'runs.presetStarted': '{names} を本書の設定で開始しました。学習が進むにつれて図が描かれます。',
      'runs.download': '{name} の {kind} をダウンロード',
      'runs.watch': 'ライブで見る',
      'runs.watchLabel': '{name} をライブのグラフで見る',

      'summary.images': '{n} 枚',
      'summary.noDropout': 'Dropout なし',
      'summary.dropout': 'Dropout {r}',
      'summary.inverted': 'inverted',
      'summary.lr': '学習係数 {lr}',
      'summary.lrDefault': '学習係数は既定値',
      'summary.batch': 'バッチ {n}',
      'summary.epochs': '{n} エポック',
      'summary.seed': 'シード {n}',
      'summary.eval': '評価 {n} 枚',
      'summary.init': '初期値 {w}',

      'exp.title': '第 6 章の実験',
      'exp.intro': '各実験は本書の図を 1 つ、本物の MNIST で計算し直し、何がわかるかを結果から述べます。「クイック実行」は同じコードを少ないデータで数秒で実行します。',
      'exp.seed': 'シード',
      'exp.seedHelp': '各実験は、この値から個々の実行のシードを決めます。',
      'exp.quick': 'クイック実行',
      'exp.full': '本番どおり実行',
      'exp.stop': '停止',
      'exp.verdict': '結果から計算した結論（英語）：',
      'exp.progress': '{done} / {total} {unit}',
      'exp.mode.quick': 'クイック',
      'exp.mode.full': '本番',
      'exp.figureAlt': '実験 {name} の図',
      'exp.started': '開始しました。',
      'exp.openFigure': '図を原寸で開く（SVG）',
      'exp.unit.epochs': 'エポック',
      'exp.unit.iterations': '回の反復',
      'exp.unit.trials': '回の試行',
      'exp.unit.runs': '回の実行',
      'exp.optimizers.title': '図 6-9・最適化手法の比較',
      'exp.optimizers.describe': 'SGD・Momentum・AdaGrad・Adam で同じネットワークを同じミニバッチで学習し、反復ごとの損失関数の値を比べます（§6.1.8）。',
      'exp.weight-init.title': '図 6-15・重みの初期値の比較',
      'exp.weight-init.describe': '標準偏差 0.01・Xavier・He の重みの初期値（活性化関数は ReLU）で、反復ごとの損失関数の値を比べます（§6.2.4）。',
      'exp.batchnorm.title': '図 6-19・Batch Normalization の効果',
      'exp.batchnorm.describe': '重みの初期値の 16 通りのスケールで、Batch Normalization のあり・なしを比べます。エポックごとの訓練データの認識精度（§6.3.2）。',
      'exp.weight-decay.title': '図 6-21・重みの減衰（Weight decay）',
      'exp.weight-decay.describe': '300 枚の訓練データで、重みの減衰 λ = 0 と 0.1 を比べます。エポックごとの訓練データとテストデータの認識精度（§6.4.2）。',
      'exp.dropout.title': '図 6-23・Dropout',
      'exp.dropout.describe': '同じネットワークを Dropout なし・ありで学習し、エポックごとの訓練データとテストデータの認識精度を比べます（§6.4.3）。',
      'exp.hyperparams.title': '図 6-24・ハイパーパラメータの最適化',
      'exp.hyperparams.describe': '学習係数と重みの減衰をランダムに探索し、検証データでの認識精度が高かった上位の曲線を示します（§6.5）。',

      'predict.title': '手書き数字を認識させる',
      'predict.intro': '数字を書くか、テスト画像を選んでください。このラボで学習したすべてのネットワークが、10 個の数字それぞれの確率を答えます。',
      'predict.drawHelp': 'マウス、ペン、指で書けます。書いた数字は MNIST の画像と同じように、切り出して 20×20 に縮め、28×28 の中央に置かれます。',
      'predict.canvasLabel': '描画エリア：28×28 ピクセルを 10 倍に拡大表示',
      'predict.button': '認識する',
      'predict.random': 'テスト画像をランダムに選ぶ',
      'predict.clear': '消去',
      'predict.seen': 'ネットワークが見る画像（28×28 の入力）。',
      'predict.resultsTitle': 'ネットワークごとの確率',
      'predict.none': 'まだネットワークがありません。このラボで学習した実行が終わると、ここに表示されます。',
      'predict.empty': '先に数字を書くか、テスト画像をランダムに選んでください。',
      'predict.testImage': 'テスト画像 #{index}（正解は {label}）。',
      'predict.drawing': 'あなたが書いた数字。',
      'predict.predicted': '予測',
      'predict.correct': '正解',
      'predict.wrong': '不正解',
      'predict.bar': '{digit}：{p}',
      'predict.working': '認識しています…',
      'predict.hint': 'このラボで学習した各ネットワークが、数字ごとの確率を 10 本の棒で答えます。数字を書いて「認識する」を押してください。',

      'time.lessThanSecond': '1 秒未満',
      'time.seconds': '{s} 秒',
      'time.minutes': '{m} 分 {s} 秒',
      'time.hours': '{h} 時間 {m} 分',
    },
  };

  const LANGUAGES = Object.keys(MESSAGES);
  const LANGUAGE_KEY = 'scratchnet-lab-language';

  // The language: the visitor's last choice on this page, else the browser's (ja* → Japanese).
  function initialLanguage() {
    try {
      const stored = localStorage.getItem(LANGUAGE_KEY);
      if (LANGUAGES.includes(stored)) return stored;
    } catch (_) {
      // Storage can be disabled; the browser's language still decides.
    }
    const preferred = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
    return preferred.toLowerCase().startsWith('ja') ? 'ja' : 'en';
  }

  let language = initialLanguage();

  /** The text of `key` in the current language, `{name}` placeholders filled from `params`. */
  function t(key, params) {
    const text = MESSAGES[language][key] ?? MESSAGES.en[key] ?? key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
  }

  /** Whether `key` has a text (for optional texts such as an unknown option's help). */
  function hasText(key) {
    return key in MESSAGES.en;
  }

  /** Fills every element marked with data-i18n* under `root` with the current language. */
  function applyTexts(root) {
    for (const element of root.querySelectorAll('[data-i18n]')) {
      element.textContent = t(element.dataset.i18n, element.dataset.i18nParams && JSON.parse(element.dataset.i18nParams));
    }
    for (const element of root.querySelectorAll('[data-i18n-placeholder]')) {
      element.placeholder = t(element.dataset.i18nPlaceholder);
    }
    for (const element of root.querySelectorAll('[data-i18n-aria-label]')) {
      element.setAttribute('aria-label', t(element.dataset.i18nAriaLabel));
    }
  }

  /** Switches the page to `next` without reloading; `remember` keeps the choice for next time. */
  function setLanguage(next, remember = true) {
    language = next;
    if (remember) {
      try {
        localStorage.setItem(LANGUAGE_KEY, next);
      } catch (_) {
        // Not remembered; the switch still works for this visit.
      }
    }
    document.documentElement.lang = next;
    document.title = t('doc.title');
    const button = $('#lang-switch');
    button.textContent = t('lang.other');
    button.lang = t('lang.otherCode');
    button.setAttribute('aria-label', t('lang.switchLabel'));
    applyTexts(document);
    // The parts drawn from data say their words again.
    renderLive();
    renderRuns();
    renderOverlay();
    renderExperiments();
    renderPredictions();
    renderImageSource();
  }

  // ---------------------------------------------------------------------------------------
  // Small helpers: the DOM, numbers, the API.
  // ---------------------------------------------------------------------------------------

  const $ = (selector, root = document) => root.querySelector(selector);

  /** A new element: `attrs` are attributes (`text` sets the text, `on*` adds listeners). */
  function el(tag, attrs = {}, children = []) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'text') element.textContent = value;
      else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
      else if (name === 'dataset') Object.assign(element.dataset, value);
      else element.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of [].concat(children)) {
      if (child !== null && child !== undefined) element.append(child);
    }
    return element;
  }

  /** An accuracy as the CSV would round it: exactly four decimals, e.g. 0.5933. */
  const formatAccuracy = (value) => (Number.isFinite(value) ? value.toFixed(4) : '—');

  const formatLoss = (value) => (Number.isFinite(value) ? value.toFixed(4) : '—');

  function formatDuration(seconds) {
    if (!Number.isFinite(seconds)) return '';
    if (seconds < 1) return t('time.lessThanSecond');
    const total = Math.round(seconds);
    if (total < 60) return t('time.seconds', { s: total });
    if (total < 3600) return t('time.minutes', { m: Math.floor(total / 60), s: total % 60 });
    return t('time.hours', { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60) });
  }

  const isActive = (stateName) => stateName === 'queued' || stateName === 'running';

  /**
   * One call of the lab's API: `{ok, status, data}`, `data` being the JSON answer (`{error}`
   * for a refusal). A lost connection is reported in the banner and rethrown.
   */
  async function api(method, path, body) {
    const init = { method, headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      showConnectionError(error.message || String(error));
      throw error;
    }
    showConnectionError(null);
    let data = {};
    try {
      data = (await response.json()) ?? {};
    } catch (_) {
      data = { error: response.statusText };
    }
    return { ok: response.ok, status: response.status, data };
  }

  function showConnectionError(detail) {
    const banner = $('#connection-error');
    banner.hidden = detail === null;
    if (detail !== null) say(banner, 'error.connection', { detail }, 'error');
  }

  /**
   * Runs `task` every `ms` while `wanted()` says so; `kick()` runs it now (and starts it again
   * after a pause). One task at a time: a kick during a task runs it once more afterwards.
   */
  function poller(task, ms, wanted) {
    let timer = null;
    let running = false;
    let again = false;
    const tick = async () => {
      timer = null;
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        await task();
      } catch (_) {
        // A lost connection is already in the banner; keep trying.
      }
      running = false;
      if (again || wanted()) timer = setTimeout(tick, again ? 0 : ms);
      again = false;
    };
    return {
      kick() {
        if (timer !== null) clearTimeout(timer);
        timer = setTimeout(tick, 0);
      },
    };
  }

  // ---------------------------------------------------------------------------------------
  // Charts: inline SVG drawn from data, with a hover (and arrow-key) read-out per epoch.
  // ---------------------------------------------------------------------------------------

  const SVG_NS = 'http://www.w3.org/2000/svg';
  const COLORS = { train: '#1f77b4', test: '#ff7f0e', loss: '#2ca02c' };
  // matplotlib's tab10: one colour per run in the overlay.
  const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

  function svgEl(tag, attrs = {}, parent = null) {
    const element = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value !== undefined && value !== null) element.setAttribute(name, String(value));
    }
    if (parent) parent.append(element);
    return element;
  }

  /** About `count` round tick values covering [min, max]. */
  function niceTicks(min, max, count) {
    const span = max - min;
    if (!(span > 0)) return [min];
    const rough = span / count;
    const power = 10 ** Math.floor(Math.log10(rough));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) || 10 * power;
    const ticks = [];
    for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step) {
      ticks.push(Number(value.toFixed(10)));
    }
    return ticks;
  }

  /** A round number at or above `value`, for an axis' top. */
  function niceCeil(value) {
    if (!(value > 0)) return 1;
    const power = 10 ** Math.floor(Math.log10(value));
    return [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * power).find((v) => v >= value);
  }

  function marker(kind, x, y, color, parent, size = 1) {
    if (kind === 'square') {
      const half = 3 * size;
      return svgEl('rect', { x: x - half, y: y - half, width: 2 * half, height: 2 * half, fill: color }, parent);
    }
    return svgEl('circle', { cx: x, cy: y, r: 3.4 * size, fill: color }, parent);
  }

  /** A small marker-and-line sample for a legend entry. */
  function legendSwatch(series) {
    const swatch = svgEl('svg', { width: 26, height: 12, viewBox: '0 0 26 12', 'aria-hidden': 'true' });
    svgEl('line', { x1: 1, y1: 6, x2: 25, y2: 6, stroke: series.color, 'stroke-width': 2, 'stroke-dasharray': series.dash || null }, swatch);
    if (series.marker) marker(series.marker, 13, 6, series.color, swatch);
    return swatch;
  }

  function renderLegend(list, entries) {
    list.replaceChildren(
      ...entries.map((series) =>
        el('li', {}, [legendSwatch(series), el('span', { text: series.label }), series.value ? el('span', { class: 'legend-value', text: series.value }) : null]),
      ),
    );
  }

  /**
   * Draws `spec` into `host` (an element whose width decides the chart's):
   * `{xMax, xLabel, panels: [{weight, yMin, yMax, yLabel, yFormat, series: [{label, color,
   * dash, marker, points: [{x, y}]}]}], markerEvery, empty, ariaLabel, readout(x) → {title,
   * rows: [{label, value, color, marker}]}}`.
   */
  function drawChart(host, spec) {
    host._spec = spec;
    const width = Math.max(280, Math.round(host.clientWidth || 640));
    const height = Math.round(spec.height ? spec.height(width) : Math.max(240, Math.min(420, width * 0.62)));
    const margin = { left: 54, right: 14, top: 10, bottom: 40 };
    const gap = 26;
    const plotWidth = width - margin.left - margin.right;
    const available = height - margin.top - margin.bottom - gap * (spec.panels.length - 1);
    const totalWeight = spec.panels.reduce((sum, panel) => sum + (panel.weight || 1), 0);
    const xMax = Math.max(1, spec.xMax);
    const xScale = (x) => margin.left + (x / xMax) * plotWidth;

    const root = svgEl('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'chart-svg', role: 'img', 'aria-label': spec.ariaLabel || '' });
    const xTicks = niceTicks(0, xMax, Math.max(3, Math.floor(plotWidth / 80)));
    let top = margin.top;
    const layout = [];

    spec.panels.forEach((panel, index) => {
      const panelHeight = (available * (panel.weight || 1)) / totalWeight;
      // This panel's own top: the read-out calls yScale after `top` has moved on.
      const panelTop = top;
      const yScale = (y) => panelTop + panelHeight - ((y - panel.yMin) / (panel.yMax - panel.yMin)) * panelHeight;
      const isLast = index === spec.panels.length - 1;
      const axes = svgEl('g', { class: 'axes' }, root);
      // Grid and y ticks.
      for (const tick of niceTicks(panel.yMin, panel.yMax, Math.max(3, Math.round(panelHeight / 45)))) {
        const y = yScale(tick);
        svgEl('line', { x1: margin.left, x2: margin.left + plotWidth, y1: y, y2: y, class: 'grid' }, axes);
        svgEl('text', { x: margin.left - 7, y: y + 4, class: 'tick-label', 'text-anchor': 'end' }, axes).textContent = (panel.yFormat || String)(tick);
      }
      for (const tick of xTicks) {
        const x = xScale(tick);
        svgEl('line', { x1: x, x2: x, y1: top, y2: top + panelHeight, class: 'grid grid-x' }, axes);
        if (isLast) svgEl('text', { x, y: top + panelHeight + 17, class: 'tick-label', 'text-anchor': 'middle' }, axes).textContent = String(tick);
      }
      svgEl('rect', { x: margin.left, y: top, width: plotWidth, height: panelHeight, class: 'frame' }, axes);
      const label = svgEl('text', { class: 'axis-label', 'text-anchor': 'middle', transform: `translate(14 ${top + panelHeight / 2}) rotate(-90)` }, axes);
      label.textContent = panel.yLabel;
      if (isLast) {
        svgEl('text', { x: margin.left + plotWidth / 2, y: height - 6, class: 'axis-label', 'text-anchor': 'middle' }, axes).textContent = spec.xLabel;
      }

      // The curves: a line, then markers every few epochs (the book's markevery), then the
      // newest point so a live run shows where it is.
      const clipId = `clip-${host.id}-${index}`;
      const clip = svgEl('clipPath', { id: clipId }, root);
      svgEl('rect', { x: margin.left - 5, y: top - 5, width: plotWidth + 10, height: panelHeight + 10 }, clip);
      const curves = svgEl('g', { 'clip-path': `url(#${clipId})` }, root);
      for (const series of panel.series) {
        const points = series.points.filter((p) => Number.isFinite(p.y));
        if (points.length === 0) continue;
        const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${xScale(p.x).toFixed(1)} ${yScale(Math.min(p.y, panel.yMax * 1.05)).toFixed(1)}`).join('');
        svgEl('path', { d, fill: 'none', stroke: series.color, 'stroke-width': series.width || 1.8, 'stroke-dasharray': series.dash || null, 'stroke-linejoin': 'round' }, curves);
        if (series.marker) {
          const every = spec.markerEvery || 1;
          for (const p of points) {
            if ((p.x - 1) % every === 0 || p === points[points.length - 1]) {
              marker(series.marker, xScale(p.x), yScale(Math.min(p.y, panel.yMax * 1.05)), series.color, curves);
            }
          }
        }
      }
      layout.push({ top, height: panelHeight, yScale, panel });
      top += panelHeight + gap;
    });

    // The empty chart's hint is HTML over the first panel, so that it wraps on narrow screens.
    const hint = host._hint || (host._hint = el('p', { class: 'chart-empty' }));
    hint.hidden = !spec.empty;
    hint.textContent = spec.empty || '';
    Object.assign(hint.style, {
      left: `${margin.left + 12}px`,
      width: `${plotWidth - 24}px`,
      top: `${layout[0].top + layout[0].height / 2}px`,
    });

    // The read-out: a guide line and highlighted points at the chosen epoch.
    const guide = svgEl('g', { class: 'guide', visibility: 'hidden' }, root);
    host._chart = { root, guide, xScale, layout, margin, plotWidth, xMax, height };
    host.replaceChildren(root, hint, host._tooltip || (host._tooltip = el('div', { class: 'chart-tooltip', hidden: true })));
    attachReadout(host);
    if (host._hoverX !== undefined && host._hoverX !== null) showReadout(host, host._hoverX);
  }

  /** Hover and arrow keys move the read-out; attached once per chart host. */
  function attachReadout(host) {
    if (host._readoutAttached) return;
    host._readoutAttached = true;
    host.tabIndex = 0;
    const xAt = (event) => {
      const chart = host._chart;
      const box = chart.root.getBoundingClientRect();
      const x = ((event.clientX - box.left) / box.width) * chart.root.viewBox.baseVal.width;
      return Math.round(((x - chart.margin.left) / chart.plotWidth) * chart.xMax);
    };
    host.addEventListener('pointermove', (event) => showReadout(host, xAt(event)));
    host.addEventListener('pointerleave', () => hideReadout(host));
    host.addEventListener('blur', () => hideReadout(host));
    host.addEventListener('keydown', (event) => {
      const last = lastX(host);
      if (!last) return;
      const current = host._hoverX ?? last;
      const step = { ArrowLeft: -1, ArrowRight: 1, PageDown: -10, PageUp: 10, Home: -Infinity, End: Infinity }[event.key];
      if (step === undefined) return;
      event.preventDefault();
      showReadout(host, Math.max(1, Math.min(last, current + step)));
    });
  }

  function lastX(host) {
    const spec = host._spec;
    let last = 0;
    for (const panel of spec.panels) for (const series of panel.series) for (const p of series.points) last = Math.max(last, p.x);
    return last;
  }

  function showReadout(host, x) {
    const spec = host._spec;
    const chart = host._chart;
    const last = lastX(host);
    if (!spec.readout || last === 0) return hideReadout(host);
    x = Math.max(1, Math.min(last, x));
    const readout = spec.readout(x);
    if (!readout) return hideReadout(host);
    host._hoverX = x;
    const px = chart.xScale(x);
    chart.guide.replaceChildren();
    chart.guide.setAttribute('visibility', 'visible');
    svgEl('line', { x1: px, x2: px, y1: chart.margin.top, y2: chart.height - chart.margin.bottom, class: 'guide-line' }, chart.guide);
    for (const { panel, yScale } of chart.layout) {
      for (const series of panel.series) {
        const point = series.points.find((p) => p.x === x);
        if (point && Number.isFinite(point.y)) {
          const dot = marker(series.marker || 'circle', px, yScale(Math.min(point.y, panel.yMax * 1.05)), series.color, chart.guide, 1.5);
          dot.setAttribute('stroke', '#fff');
          dot.setAttribute('stroke-width', '1.5');
        }
      }
    }
    const tooltip = host._tooltip;
    tooltip.replaceChildren(
      el('div', { class: 'tooltip-title', text: readout.title }),
      ...readout.rows.map((row) => el('div', { class: 'tooltip-row' }, [legendSwatch(row), el('span', { text: row.label }), el('strong', { text: row.value })])),
    );
    tooltip.hidden = false;
    // Beside the guide line, on whichever side has room.
    const scale = host.clientWidth / chart.root.viewBox.baseVal.width;
    const left = px * scale;
    const room = host.clientWidth - left;
    tooltip.style.left = room > tooltip.offsetWidth + 24 ? `${left + 12}px` : `${Math.max(0, left - tooltip.offsetWidth - 12)}px`;
    tooltip.style.top = `${chart.margin.top + 6}px`;
  }

  function hideReadout(host) {
    host._hoverX = null;
    if (host._chart) host._chart.guide.setAttribute('visibility', 'hidden');
    if (host._tooltip) host._tooltip.hidden = true;
  }

  /** Redraws a chart when its box changes size (narrow windows, rotating a phone). */
  function redrawOnResize(host, redraw) {
    let lastWidth = 0;
    new ResizeObserver(() => {
      const width = Math.round(host.clientWidth);
      if (width !== lastWidth) {
        lastWidth = width;
        redraw();
      }
    }).observe(host);
  }

  /** Coalesces many redraw requests into one per animation frame. */
  function frameScheduler(draw) {
    let pending = false;
    return () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        draw();
      });
    };
  }

  // ---------------------------------------------------------------------------------------
  // State shared by the sections.
  // ---------------------------------------------------------------------------------------

  const state = {
    config: null, // GET /api/config
    runs: [], // GET /api/runs
    live: null, // the run followed in the live chart
    selected: [], // run ids overlaid, in the order they were ticked
    details: new Map(), // run id → GET /api/runs/{id}, for the overlay
    experiments: [], // GET /api/experiments
    predictions: null, // POST /api/predict
    image: null, // {kind: 'drawing'|'test', pixels, index, label}
  };

  // ---------------------------------------------------------------------------------------
  // 1. The run form: every option, its defaults from the API, checked by the server.
  // ---------------------------------------------------------------------------------------

  // How each known option is edited and where it goes. Numbers are text fields so the server
  // sees exactly what was typed, and answers with the command line's own message.
  const FIELD_SPECS = {
    dataset: { group: 'data', kind: 'select', choices: () => state.config.datasets },
    train_size: { group: 'data', kind: 'text', inputmode: 'numeric' },
    hidden: { group: 'network', kind: 'text' },
    activation: { group: 'network', kind: 'select', choices: () => ['relu', 'sigmoid'] },
    weight_init: { group: 'network', kind: 'text', suggestions: ['he', 'xavier', '0.01'] },
    batchnorm: { group: 'network', kind: 'checkbox' },
    dropout: { group: 'regularization', kind: 'text', inputmode: 'decimal' },
    dropout_mode: { group: 'regularization', kind: 'select', choices: () => ['book', 'inverted'] },
    weight_decay: { group: 'regularization', kind: 'text', inputmode: 'decimal' },
    optimizer: { group: 'training', kind: 'select', choices: () => state.config.optimizers },
    lr: { group: 'training', kind: 'text', inputmode: 'decimal', optional: true },
    batch_size: { group: 'training', kind: 'text', inputmode: 'numeric' },
    epochs: { group: 'training', kind: 'text', inputmode: 'numeric' },
    eval_samples: { group: 'training', kind: 'text', inputmode: 'numeric', optional: true },
    seed: { group: 'training', kind: 'text', inputmode: 'numeric' },
    out: { group: 'output', kind: 'text', optional: true },
  };
  const GROUPS = ['data', 'network', 'regularization', 'training', 'output', 'other'];
  const OPTIMIZER_LABELS = { sgd: 'SGD', momentum: 'Momentum', nesterov: 'Nesterov', adagrad: 'AdaGrad', rmsprop: 'RMSprop', adam: 'Adam' };

  /** The option names the form shows: the API's list, then the run name. */
  function formFields() {
    const names = (state.config.fields || []).map((field) => (typeof field === 'string' ? field : field.name));
    return [...names.filter((name) => name !== 'out'), 'out'];
  }

  const specOf = (name) => FIELD_SPECS[name] || { group: 'other', kind: 'text' };
  const inputOf = (name) => document.getElementById(`option-${name}`);

  /** A default as the form shows it: lists comma-separated, `null` as an empty field. */
  function defaultText(value) {
    if (value === null || value === undefined) return '';
    if (Array.isArray(value)) return value.join(',');
    return String(value);
  }

  function choiceLabel(name, value) {
    if (name === 'optimizer') return OPTIMIZER_LABELS[value] || value;
    return hasText(`choice.${value}`) ? t(`choice.${value}`) : value;
  }

  function buildField(name) {
    const spec = specOf(name);
    const id = `option-${name}`;
    const helpId = `help-${name}`;
    const errorId = `error-${name}`;
    const flag = name.replace(/_/g, '-');
    const described = `${helpId} ${errorId}`;
    let control;
    if (spec.kind === 'select') {
      control = el('select', { id, name, 'aria-describedby': described }, spec.choices().map((value) =>
        el('option', { value, 'data-i18n': name !== 'optimizer' && hasText(`choice.${value}`) ? `choice.${value}` : null, text: choiceLabel(name, value) })));
    } else if (spec.kind === 'checkbox') {
      control = el('label', { class: 'check' }, [
        el('input', { type: 'checkbox', id, name, 'aria-describedby': described }),
        el('span', { 'data-i18n': 'field.batchnorm.check', text: t('field.batchnorm.check') }),
      ]);
    } else {
      control = el('input', {
        type: 'text', id, name, inputmode: spec.inputmode, autocomplete: 'off', spellcheck: 'false',
        list: spec.suggestions ? `${id}-suggestions` : null, 'aria-describedby': described,
        'data-i18n-placeholder': hasText(`field.${name}.placeholder`) ? `field.${name}.placeholder` : null,
      });
    }
    const labelKey = hasText(`field.${name}.label`) ? `field.${name}.label` : null;
    const helpKey = hasText(`field.${name}.help`) ? `field.${name}.help` : 'field.generic.help';
    const helpParams = JSON.stringify({ flag, images: (state.config.train_images ?? '').toLocaleString('en') });
    return el('div', { class: `field field-${spec.kind}`, 'data-field': name }, [
      el('div', { class: 'field-label-row' }, [
        el('label', { for: id, id: `label-${name}`, 'data-i18n': labelKey, text: labelKey ? t(labelKey) : name }),
        el('code', { class: 'flag', text: `--${flag}` }),
      ]),
      control,
      spec.suggestions ? el('datalist', { id: `${id}-suggestions` }, spec.suggestions.map((value) => el('option', { value }))) : null,
      // The server's message goes right under the input, where the eye is.
      el('p', { id: errorId, class: 'field-error', hidden: true }),
      el('p', { id: helpId, class: 'help', 'data-i18n': helpKey, 'data-i18n-params': helpParams, text: t(helpKey, JSON.parse(helpParams)) }),
    ]);
  }

  function buildForm() {
    const container = $('#run-fields');
    const groups = new Map(GROUPS.map((group) => [group, []]));
    for (const name of formFields()) groups.get(specOf(name).group).push(buildField(name));
    container.replaceChildren(
      ...[...groups].filter(([, fields]) => fields.length > 0).map(([group, fields]) =>
        el('fieldset', { class: `group group-${group}` }, [el('legend', { 'data-i18n': `group.${group}`, text: t(`group.${group}`) }), ...fields])),
    );
    applyTexts(container);
    fillDefaults();
    container.addEventListener('input', onFormEdit);
    container.addEventListener('change', onFormEdit);
  }

  function fillDefaults() {
    const defaults = state.config.defaults || {};
    for (const name of formFields()) {
      const input = inputOf(name);
      if (!input) continue;
      if (input.type === 'checkbox') input.checked = Boolean(defaults[name]);
      else input.value = defaultText(defaults[name]);
    }
    showFieldError(null);
  }

  /** The form as the API's options: text as typed, empty optional fields as null. */
  function formOptions() {
    const options = {};
    for (const name of formFields()) {
      const input = inputOf(name);
      if (!input) continue;
      if (input.type === 'checkbox') {
        options[name] = input.checked;
        continue;
      }
      const text = input.value.trim();
      if (name === 'out') {
        if (text !== '') options.out = text;
      } else {
        options[name] = text === '' && specOf(name).optional ? null : text;
      }
    }
    return options;
  }

  /** Shows the server's one-line message under its field, or clears every message. */
  function showFieldError(problem) {
    for (const element of document.querySelectorAll('.field-error')) {
      element.hidden = true;
      element.textContent = '';
    }
    for (const element of document.querySelectorAll('[aria-invalid]')) element.removeAttribute('aria-invalid');
    for (const element of document.querySelectorAll('.field.invalid')) element.classList.remove('invalid');
    const message = $('#run-message');
    if (message.dataset.kind === 'error') setMessage(message, '');
    if (!problem) return;
    const slot = problem.field && document.getElementById(`error-${problem.field}`);
    if (slot) {
      // Under its own field the message need not repeat the field's name.
      const prefix = `${problem.field}: `;
      slot.textContent = problem.error.startsWith(prefix) ? problem.error.slice(prefix.length) : problem.error;
      slot.hidden = false;
      slot.closest('.field').classList.add('invalid');
      inputOf(problem.field)?.setAttribute('aria-invalid', 'true');
    } else {
      setMessage(message, problem.error, 'error');
    }
  }

  /** Shows text from the server (or nothing) in a message line. */
  function setMessage(element, text, kind = 'info') {
    delete element.dataset.i18n;
    delete element.dataset.i18nParams;
    element.textContent = text;
    element.dataset.kind = text ? kind : '';
  }

  /** Shows the page's own message `key` in a message line; it follows language switches. */
  function say(element, key, params, kind = 'info') {
    element.dataset.i18n = key;
    if (params) element.dataset.i18nParams = JSON.stringify(params);
    else delete element.dataset.i18nParams;
    element.textContent = t(key, params);
    element.dataset.kind = kind;
  }

  let validateTimer = null;
  let validateSequence = 0;

  function onFormEdit() {
    clearTimeout(validateTimer);
    validateTimer = setTimeout(validateForm, 350);
  }

  /** Asks the server whether the form is a valid run; the answer of the newest edit wins. */
  async function validateForm() {
    clearTimeout(validateTimer);
    const sequence = ++validateSequence;
    const result = await api('POST', '/api/validate', formOptions());
    if (sequence !== validateSequence) return null;
    if (result.ok) {
      showFieldError(null);
      inputOf('out').placeholder = result.data.name || '';
    } else {
      showFieldError(result.data);
    }
    return result;
  }

  async function onRun(event) {
    event.preventDefault();
    const button = $('#run-button');
    const message = $('#run-message');
    button.disabled = true;
    try {
      say(message, 'run.checking');
      const check = await validateForm();
      if (!check || !check.ok) {
        const field = check && check.data.field;
        if (field && inputOf(field)) inputOf(field).focus();
        else if (!check) setMessage(message, '');
        return;
      }
      const options = formOptions();
      const result = await api('POST', '/api/runs', options);
      if (result.status === 202) {
        const planned = Number(check.data.config && check.data.config.epochs) || null;
        say(message, 'run.started', { name: result.data.name });
        followRun(result.data.id, result.data.name, planned);
        runsPoller.kick();
        // On a narrow window the live panel is below the form: bring it into view.
        const panel = $('.live-panel');
        if (panel.getBoundingClientRect().top > window.innerHeight) panel.scrollIntoView({ block: 'start' });
      } else if (result.status === 400) {
        showFieldError(result.data);
        say(message, 'run.invalid', null, 'error');
      } else {
        setMessage(message, result.data.error || t('error.unexpected', { status: result.status, detail: '' }), 'error');
      }
    } catch (_) {
      setMessage(message, '');
    } finally {
      button.disabled = false;
    }
  }

  // ---------------------------------------------------------------------------------------
  // 2. The live run: epochs as Server-Sent Events, state and time left by polling.
  // ---------------------------------------------------------------------------------------

  /** Starts following run `id` in the live chart (forgetting the one before). */
  function followRun(id, name, planned) {
    if (state.live && state.live.events) state.live.events.close();
    state.live = {
      id,
      name,
      state: 'queued',
      planned,
      epochs: new Map(), // epoch number → {epoch, train_loss, train_acc, test_acc}
      info: null, // the final RunInfo
      eta: null,
      elapsed: null,
      stopping: false,
      reconnecting: false,
      events: null,
    };
    hideReadout($('#live-chart'));
    connectEvents(state.live);
    renderLive();
    livePoller.kick();
  }

  function connectEvents(live) {
    const source = new EventSource(`/api/runs/${encodeURIComponent(live.id)}/events`);
    live.events = source;
    source.addEventListener('epoch', (event) => {
      const point = JSON.parse(event.data);
      live.epochs.set(point.epoch, point);
      live.reconnecting = false;
      if (live.state === 'queued') live.state = 'running';
      if (live === state.live) scheduleLiveDraw();
    });
    for (const name of ['done', 'stopped', 'failed']) {
      source.addEventListener(name, (event) => finishLive(live, JSON.parse(event.data)));
    }
    source.addEventListener('error', () => {
      if (live.info) return;
      // The browser reconnects by itself (and the server replays every epoch); if it gave up,
      // the poller still learns how the run ended.
      live.reconnecting = source.readyState !== EventSource.CLOSED;
      if (source.readyState === EventSource.CLOSED) live.events = null;
      if (live === state.live) renderLive();
    });
  }

  function finishLive(live, info) {
    if (live.events) live.events.close();
    live.events = null;
    live.info = info;
    live.state = info.state;
    live.stopping = false;
    live.reconnecting = false;
    if (info.epochs_planned) live.planned = info.epochs_planned;
    if (live === state.live) renderLive();
    runsPoller.kick();
    // The run's wall time, for the progress line.
    api('GET', `/api/runs/${encodeURIComponent(live.id)}`).then((result) => {
      if (result.ok && Number.isFinite(result.data.elapsed_seconds)) {
        live.elapsed = result.data.elapsed_seconds;
        if (live === state.live) renderLive();
      }
    }, () => {});
    // A newly trained network can answer for the digit on the canvas.
    if (state.image && info.has_network) predict();
  }

  /** State, planned epochs and time left; the end too, if the event stream was lost. */
  async function pollLive() {
    const live = state.live;
    if (!live || live.info) return;
    const result = await api('GET', `/api/runs/${encodeURIComponent(live.id)}`);
    if (live !== state.live || live.info || !result.ok) return;
    const detail = result.data;
    live.eta = detail.eta_seconds;
    live.elapsed = detail.elapsed_seconds;
    if (detail.epochs_planned) live.planned = detail.epochs_planned;
    if (isActive(detail.state)) {
      live.state = detail.state;
    } else if (!live.events) {
      for (const point of detail.epochs || []) live.epochs.set(point.epoch, point);
      finishLive(live, detail);
      return;
    }
    renderLive();
  }

  const livePoller = poller(pollLive, 1000, () => Boolean(state.live && !state.live.info));

  async function onStop() {
    const live = state.live;
    if (!live) return;
    const button = $('#stop-button');
    button.disabled = true;
    const result = await api('DELETE', `/api/runs/${encodeURIComponent(live.id)}`);
    if (result.status === 202) {
      live.stopping = true;
    } else if (result.ok && result.data.state === 'interrupted' && !live.info) {
      // It was still queued: stopped at once (the event stream says so too).
      live.state = 'interrupted';
    } else if (!result.ok) {
      $('#live-message').textContent = result.data.error || '';
    }
    renderLive();
  }

  const livePoints = (live) => [...live.epochs.values()].sort((a, b) => a.epoch - b.epoch);

  function renderLive() {
    const live = state.live;
    const badge = $('#run-state');
    const nameLabel = $('#live-run-name');
    const progress = $('#live-progress');
    const progressText = $('#live-progress-text');
    const message = $('#live-message');
    const stop = $('#stop-button');

    if (!live) {
      nameLabel.textContent = t('live.none');
      nameLabel.classList.add('muted');
      badge.textContent = '';
      badge.dataset.state = '';
      stop.disabled = true;
      progress.value = 0;
      progressText.textContent = '';
      message.textContent = '';
      drawLive();
      return;
    }
    const points = livePoints(live);
    const shownState = live.stopping && !live.info ? 'stopping' : live.state;
    nameLabel.textContent = live.name;
    nameLabel.classList.remove('muted');
    badge.textContent = t(`state.${shownState}`);
    badge.dataset.state = shownState;
    stop.disabled = !isActive(live.state) || live.stopping;

    const done = points.length ? points[points.length - 1].epoch : 0;
    const planned = live.planned || done || 1;
    progress.max = planned;
    progress.value = Math.min(done, planned);
    const parts = [];
    if (live.state === 'queued') parts.push(t('live.waiting'));
    else if (live.info && Number.isFinite(live.elapsed)) parts.push(t('live.finished', { k: done, n: planned, time: formatDuration(live.elapsed) }));
    else if (live.info) parts.push(t('live.finishedShort', { k: done, n: planned }));
    else parts.push(t('live.progress', { k: done, n: planned }));
    if (live.state === 'running' && !live.stopping && Number.isFinite(live.eta)) parts.push(t('live.eta', { time: formatDuration(live.eta) }));
    progressText.textContent = parts.join(' · ');

    // The final accuracies are the last epoch's, rounded like the CSV's reader would.
    const finished = Boolean(live.info);
    const last = points[points.length - 1];
    $('#final-train-acc').textContent = finished && last ? formatAccuracy(last.train_acc) : '—';
    $('#final-test-acc').textContent = finished && last ? formatAccuracy(last.test_acc) : '—';

    let text = '';
    if (live.stopping) text = t('live.stopping');
    else if (live.reconnecting) text = t('live.reconnecting');
    else if (live.state === 'diverged') text = (live.info && live.info.error) || t('live.diverged');
    else if (live.state === 'failed') text = (live.info && live.info.error) || t('state.failed');
    else if (live.state === 'interrupted' && finished) text = done > 0 ? t('live.interrupted', { k: done }) : t('live.stoppedQueued');
    message.textContent = text;
    message.dataset.kind = live.state === 'failed' || live.state === 'diverged' ? 'error' : '';
    drawLive();
  }

  const scheduleLiveDraw = frameScheduler(() => renderLive());

  function drawLive() {
    const host = $('#live-chart');
    const live = state.live;
    const points = live ? livePoints(live) : [];
    const planned = (live && live.planned) || Number(state.config && state.config.defaults.epochs) || 100;
    const xMax = Math.max(planned, points.length ? points[points.length - 1].epoch : 0);
    const series = {
      train: { label: t('legend.train'), color: COLORS.train, marker: 'circle', points: points.map((p) => ({ x: p.epoch, y: p.train_acc })) },
      test: { label: t('legend.test'), color: COLORS.test, marker: 'square', points: points.map((p) => ({ x: p.epoch, y: p.test_acc })) },
      loss: { label: t('legend.loss'), color: COLORS.loss, width: 1.5, points: points.map((p) => ({ x: p.epoch, y: p.train_loss })) },
    };
    const lossMax = niceCeil(Math.max(0.5, ...series.loss.points.map((p) => p.y).filter(Number.isFinite)));
    const last = points[points.length - 1];
    renderLegend($('#live-legend'), [
      { ...series.train, value: last ? formatAccuracy(last.train_acc) : '' },
      { ...series.test, value: last ? formatAccuracy(last.test_acc) : '' },
      { ...series.loss, value: last ? formatLoss(last.train_loss) : '' },
    ]);
    const byEpoch = new Map(points.map((p) => [p.epoch, p]));
    drawChart(host, {
      xMax,
      xLabel: t('chart.epoch'),
      markerEvery: Math.max(1, Math.ceil(xMax / 30)),
      height: (width) => Math.max(280, Math.min(390, width * 0.64)),
      empty: points.length === 0 ? (live && live.state === 'queued' ? t('live.waiting') : live ? '' : t('live.empty')) : null,
      ariaLabel: `${t('chart.liveLabel', { name: live ? live.name : '—', k: points.length })} ${t('chart.keys')}`,
      panels: [
        { weight: 2.2, yMin: 0, yMax: 1, yLabel: t('chart.accuracy'), yFormat: (v) => v.toFixed(1), series: [series.train, series.test] },
        { weight: 1, yMin: 0, yMax: lossMax, yLabel: t('chart.loss'), yFormat: (v) => String(Number(v.toFixed(2))), series: [series.loss] },
      ],
      readout: (x) => {
        const p = byEpoch.get(x);
        if (!p) return null;
        return {
          title: `${t('chart.epoch')} ${x}`,
          rows: [
            { ...series.train, value: formatAccuracy(p.train_acc) },
            { ...series.test, value: formatAccuracy(p.test_acc) },
            { ...series.loss, value: formatLoss(p.train_loss) },
          ],
        };
      },
    });
    host.dataset.epochs = String(points.length);
  }

  // ---------------------------------------------------------------------------------------
  // 3. Runs: the results directory, overlays, the book's figure 6-23, downloads.
  // ---------------------------------------------------------------------------------------

  async function loadRuns() {
    const result = await api('GET', '/api/runs');
    if (!result.ok) return;
    state.runs = result.data.runs || [];
    // A run picked up while this page was closed: follow it.
    if (!state.live) {
      const active = state.runs.find((run) => run.state === 'running') || state.runs.find((run) => run.state === 'queued' && run.source === 'lab');
      if (active) followRun(active.id, active.name, active.epochs_planned);
    }
    renderRuns();
    refreshOverlay();
  }

  const runsPoller = poller(loadRuns, 2000, () => state.runs.some((run) => isActive(run.state)));

  /** A short line describing a run's options, saying what differs from the defaults. */
  function summarize(config) {
    if (!config) return t('runs.noConfig');
    const defaults = state.config.defaults || {};
    const parts = [];
    const differs = (name) => JSON.stringify(config[name]) !== JSON.stringify(defaults[name]);
    if (differs('dataset')) parts.push(choiceLabel('dataset', config.dataset));
    parts.push(t('summary.images', { n: config.train_size }));
    const hidden = Array.isArray(config.hidden) ? config.hidden : [];
    const same = hidden.length > 0 && hidden.every((size) => size === hidden[0]);
    parts.push(same ? `${hidden[0]}×${hidden.length}` : hidden.join('-'));
    if (differs('activation')) parts.push(choiceLabel('activation', config.activation));
    if (differs('weight_init')) parts.push(t('summary.init', { w: config.weight_init }));
    if (config.batchnorm) parts.push('BatchNorm');
    parts.push(config.dropout > 0 ? t('summary.dropout', { r: config.dropout }) + (config.dropout_mode === 'inverted' ? ` (${t('summary.inverted')})` : '') : t('summary.noDropout'));
    if (config.weight_decay > 0) parts.push(`λ ${config.weight_decay}`);
    parts.push(OPTIMIZER_LABELS[config.optimizer] || config.optimizer);
    parts.push(config.lr !== null && config.lr !== undefined ? t('summary.lr', { lr: config.lr }) : t('summary.lrDefault'));
    if (differs('batch_size')) parts.push(t('summary.batch', { n: config.batch_size }));
    parts.push(t('summary.epochs', { n: config.epochs }));
    if (config.eval_samples) parts.push(t('summary.eval', { n: config.eval_samples }));
    parts.push(t('summary.seed', { n: config.seed }));
    return parts.join(' · ');
  }

  function stateBadge(stateName) {
    return el('span', { class: 'state-badge', 'data-state': stateName, text: t(`state.${stateName}`) });
  }

  // Rows are kept per run and updated in place, so a tick or the keyboard focus survives the
  // refreshes while a run trains.
  const runRows = new Map();

  function renderRuns() {
    const body = $('#runs-body');
    if (!state.config) return;
    if (state.runs.length === 0) {
      runRows.clear();
      body.replaceChildren(el('tr', {}, el('td', { colspan: 8, class: 'muted', text: t('runs.empty') })));
      return;
    }
    const wanted = [];
    for (const run of state.runs) {
      let row = runRows.get(run.id);
      if (!row) {
        row = buildRunRow(run);
        runRows.set(run.id, row);
      }
      updateRunRow(row, run);
      wanted.push(row);
    }
    for (const [id, row] of runRows) if (!state.runs.some((run) => run.id === id)) runRows.delete(id) && row.remove();
    const current = [...body.children];
    if (current.length !== wanted.length || current.some((row, i) => row !== wanted[i])) body.replaceChildren(...wanted);
  }

  function buildRunRow(run) {
    const checkboxId = `select-run-${run.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const checkbox = el('input', { type: 'checkbox', id: checkboxId, 'data-run': run.name, value: run.id });
    checkbox.addEventListener('change', () => toggleSelected(run.id, checkbox.checked));
    const row = el('tr', { 'data-run-row': run.name }, [
      el('td', { class: 'select-cell' }, checkbox),
      el('td', { class: 'name-cell' }, [el('label', { for: checkboxId, class: 'run-name' }), el('span', { class: 'run-source' })]),
      el('td', { class: 'state-cell' }),
      el('td', { class: 'config-cell' }),
      el('td', { class: 'epochs-cell num' }),
      el('td', { class: 'train-cell num' }),
      el('td', { class: 'test-cell num' }),
      el('td', { class: 'files-cell' }),
    ]);
    row._checkbox = checkbox;
    return row;
  }

  function updateRunRow(row, run) {
    const cells = row.children;
    row._checkbox.checked = state.selected.includes(run.id);
    row._checkbox.setAttribute('aria-label', t('runs.select', { name: run.name }));
    $('.run-name', cells[1]).textContent = run.name;
    $('.run-source', cells[1]).textContent = t(`runs.source.${run.source}`);
    const watching = state.live && state.live.id === run.id;
    cells[2].replaceChildren(stateBadge(run.state));
    if (isActive(run.state) && !watching) {
      cells[2].append(el('button', { type: 'button', class: 'link-button', 'aria-label': t('runs.watchLabel', { name: run.name }), text: t('runs.watch'), onclick: () => watchRun(run) }));
    }
    cells[3].textContent = summarize(run.config);
    cells[4].textContent = run.epochs_planned ? `${run.epochs_completed} / ${run.epochs_planned}` : String(run.epochs_completed);
    const final = run.final || {};
    cells[5].textContent = formatAccuracy(final.train_acc ?? NaN);
    cells[6].textContent = formatAccuracy(final.test_acc ?? NaN);
    const files = run.files || {};
    cells[7].replaceChildren(...['csv', 'json', 'svg'].filter((kind) => files[kind]).map((kind) =>
      el('a', { href: files[kind], download: `${run.name}.${kind}`, class: 'file-link', 'aria-label': t('runs.download', { kind: kind.toUpperCase(), name: run.name }), text: kind.toUpperCase() })));
  }

  /** Shows a run that is queued or training in the live panel, and scrolls up to it. */
  function watchRun(run) {
    followRun(run.id, run.name, run.epochs_planned);
    renderRuns();
    $('.live-panel').scrollIntoView({ block: 'nearest' });
    $('#live-chart').focus({ preventScroll: true });
  }

  function toggleSelected(id, selected) {
    state.selected = state.selected.filter((other) => other !== id);
    if (selected) state.selected.push(id);
    refreshOverlay();
  }

  /** Fetches the epochs of the selected runs that changed since last time, then redraws. */
  async function refreshOverlay() {
    const wanted = state.selected.filter((id) => state.runs.some((run) => run.id === id));
    await Promise.all(wanted.map(async (id) => {
      const run = state.runs.find((r) => r.id === id);
      const known = state.details.get(id);
      if (known && known.state === run.state && known.epochs_completed === run.epochs_completed && (known.epochs || []).length === run.epochs_completed) return;
      const result = await api('GET', `/api/runs/${encodeURIComponent(id)}`);
      if (result.ok) state.details.set(id, result.data);
    }));
    renderOverlay();
  }

  function renderOverlay() {
    const host = $('#overlay-chart');
    if (!state.config) return;
    const runs = state.selected.map((id) => state.details.get(id)).filter(Boolean);
    const series = [];
    const legend = [];
    runs.forEach((run, index) => {
      const color = PALETTE[index % PALETTE.length];
      const epochs = run.epochs || [];
      const train = { label: `${run.name} · ${t('chart.train')}`, color, marker: 'circle', points: epochs.map((p) => ({ x: p.epoch, y: p.train_acc })) };
      const test = { label: `${run.name} · ${t('chart.test')}`, color, marker: 'square', dash: '6 4', points: epochs.map((p) => ({ x: p.epoch, y: p.test_acc })) };
      series.push(train, test);
      legend.push(train, test);
    });
    renderLegend($('#overlay-legend'), legend);
    const xMax = Math.max(1, ...runs.map((run) => Math.max(run.epochs_planned || 0, (run.epochs || []).length)));
    const names = runs.map((run) => run.name);
    drawChart(host, {
      xMax: runs.length ? xMax : Number(state.config.defaults.epochs) || 100,
      xLabel: t('chart.epoch'),
      markerEvery: Math.max(1, Math.ceil(xMax / 30)),
      height: (width) => Math.max(260, Math.min(400, width * 0.45)),
      empty: runs.length ? null : t('runs.overlayEmpty'),
      ariaLabel: `${t('chart.overlayLabel', { names: names.join(', ') || '—' })} ${t('chart.keys')}`,
      panels: [{ yMin: 0, yMax: 1, yLabel: t('chart.accuracy'), yFormat: (v) => v.toFixed(1), series }],
      readout: (x) => {
        const rows = series.map((s) => ({ ...s, value: formatAccuracy((s.points.find((p) => p.x === x) || {}).y) }))
          .filter((row) => row.value !== '—');
        return rows.length ? { title: `${t('chart.epoch')} ${x}`, rows } : null;
      },
    });
    host.dataset.runs = names.join(',');
    host.dataset.epochs = runs.map((run) => (run.epochs || []).length).join(',');
  }

  /**
   * The book's figure 6-23 in one click: the seed experiment without and with dropout 0.2,
   * selected if they exist, else started with the book's settings (the API's defaults).
   */
  async function presetFigure623() {
    const message = $('#runs-message');
    const wanted = [
      { name: 'nodropout-seed0', options: { dropout: 0 } },
      { name: 'dropout0.2-seed0', options: { dropout: 0.2 } },
    ];
    const started = [];
    let firstStarted = null;
    for (const { name, options } of wanted) {
      const existing = state.runs.find((run) => run.name === name);
      if (existing && (existing.state === 'completed' || isActive(existing.state))) continue;
      const body = { ...state.config.defaults, ...options, out: name };
      const result = await api('POST', '/api/runs', body);
      if (result.status === 202) {
        started.push(name);
        firstStarted = firstStarted || result.data;
      } else {
        setMessage(message, result.data.error || t('error.unexpected', { status: result.status, detail: '' }), 'error');
        return;
      }
    }
    // The live panel follows the first new run, unless it is busy with another.
    if (firstStarted && !(state.live && isActive(state.live.state))) {
      followRun(firstStarted.id, firstStarted.name, Number(state.config.defaults.epochs) || null);
    }
    await loadRuns();
    state.selected = wanted.map(({ name }) => state.runs.find((run) => run.name === name)).filter(Boolean).map((run) => run.id);
    renderRuns();
    await refreshOverlay();
    const names = wanted.map(({ name }) => name).join(', ');
    if (started.length) say(message, 'runs.presetStarted', { names: started.join(', ') });
    else say(message, 'runs.presetSelected', { names });
    if (started.length) runsPoller.kick();
  }

  function clearSelection() {
    state.selected = [];
    renderRuns();
    renderOverlay();
    setMessage($('#runs-message'), '');
  }

  // ---------------------------------------------------------------------------------------
  // 4. The chapter's experiments: start, progress, figure and verdict.
  // ---------------------------------------------------------------------------------------

  const experimentCards = new Map();
  const figureVersions = new Map(); // name → a counter bumped when a new figure is written

  async function loadExperiments() {
    const result = await api('GET', '/api/experiments');
    if (!result.ok) return;
    for (const info of result.data.experiments || []) {
      const before = state.experiments.find((e) => e.name === info.name);
      if (before && before.state !== 'completed' && info.state === 'completed') {
        figureVersions.set(info.name, (figureVersions.get(info.name) || 0) + 1);
      }
    }
    state.experiments = result.data.experiments || [];
    renderExperiments();
  }

  const experimentsPoller = poller(loadExperiments, 1000, () => state.experiments.some((e) => isActive(e.state)));

  function buildExperimentCards() {
    const list = $('#experiment-list');
    list.replaceChildren();
    for (const { name, describe } of state.config.experiments || []) {
      const titleId = `experiment-${name}-title`;
      const card = el('article', { id: `experiment-${name}`, class: 'card experiment', 'aria-labelledby': titleId }, [
        el('h3', { id: titleId, class: 'experiment-title' }),
        el('p', { class: 'experiment-describe' }),
        el('div', { class: 'experiment-actions' }, [
          el('button', { type: 'button', class: 'button button-primary', 'data-action': 'quick', onclick: () => startExperiment(name, true) }),
          el('button', { type: 'button', class: 'button', 'data-action': 'full', onclick: () => startExperiment(name, false) }),
          el('button', { type: 'button', class: 'button button-stop', 'data-action': 'stop', onclick: () => stopExperiment(name) }),
          el('span', { class: 'state-badge', role: 'status' }),
        ]),
        el('div', { class: 'progress-line' }, [el('progress', { max: 1, value: 0, 'aria-label': name }), el('span', { class: 'progress-text' })]),
        el('p', { class: 'experiment-error', role: 'alert', hidden: true }),
        el('figure', { class: 'experiment-figure', hidden: true }, el('a', { target: '_blank', rel: 'noopener' }, el('img', { alt: '', loading: 'lazy' }))),
        el('div', { class: 'verdict-box', hidden: true }, [el('p', { class: 'verdict-label' }), el('p', { class: 'verdict', lang: 'en' })]),
      ]);
      card._describe = describe;
      experimentCards.set(name, card);
      list.append(card);
    }
    renderExperiments();
  }

  function renderExperiments() {
    for (const [name, card] of experimentCards) {
      const info = state.experiments.find((e) => e.name === name) || { name, state: 'idle' };
      const titleKey = `exp.${name}.title`;
      $('.experiment-title', card).textContent = hasText(titleKey) ? t(titleKey) : name;
      $('.experiment-describe', card).textContent = hasText(`exp.${name}.describe`) ? t(`exp.${name}.describe`) : card._describe;
      const active = isActive(info.state);
      const [quick, full, stop] = card.querySelectorAll('button');
      quick.textContent = t('exp.quick');
      full.textContent = t('exp.full');
      stop.textContent = t('exp.stop');
      quick.disabled = active;
      full.disabled = active;
      stop.disabled = !active;
      const badge = $('.state-badge', card);
      const mode = info.quick === true ? ` · ${t('exp.mode.quick')}` : info.quick === false ? ` · ${t('exp.mode.full')}` : '';
      badge.textContent = t(`state.${info.state}`) + (info.state === 'idle' ? '' : mode);
      badge.dataset.state = info.state;

      const progress = $('progress', card);
      const progressText = $('.progress-text', card);
      const p = info.progress;
      progress.hidden = !p;
      if (p) {
        progress.max = Math.max(1, p.total);
        progress.value = Math.min(p.done, p.total);
        const unitKey = `exp.unit.${p.unit}`;
        progressText.textContent = t('exp.progress', { done: p.done.toLocaleString(), total: p.total.toLocaleString(), unit: hasText(unitKey) ? t(unitKey) : p.unit });
      } else {
        progressText.textContent = '';
      }

      const error = $('.experiment-error', card);
      error.hidden = !info.error;
      error.textContent = info.error || '';

      const figure = $('.experiment-figure', card);
      figure.hidden = !info.figure;
      if (info.figure) {
        const img = $('img', figure);
        const src = `${info.figure}?v=${figureVersions.get(name) || 0}`;
        if (img.getAttribute('src') !== src) {
          img.src = src;
          $('a', figure).href = src;
        }
        $('a', figure).title = t('exp.openFigure');
        img.alt = t('exp.figureAlt', { name: $('.experiment-title', card).textContent });
      }
      const verdictBox = $('.verdict-box', card);
      verdictBox.hidden = !info.verdict;
      $('.verdict-label', card).textContent = t('exp.verdict');
      $('.verdict', card).textContent = info.verdict || '';
    }
  }

  async function startExperiment(name, quick) {
    const card = experimentCards.get(name);
    const error = $('.experiment-error', card);
    const seedText = $('#experiment-seed').value.trim();
    const result = await api('POST', '/api/experiments', { name, quick, seed: seedText === '' ? 0 : seedText });
    if (result.ok) {
      error.hidden = true;
      experimentsPoller.kick();
    } else {
      error.hidden = false;
      error.textContent = result.data.error || t('error.unexpected', { status: result.status, detail: '' });
    }
  }

  async function stopExperiment(name) {
    const result = await api('DELETE', `/api/experiments/${encodeURIComponent(name)}`);
    if (!result.ok) {
      const error = $('.experiment-error', experimentCards.get(name));
      error.hidden = false;
      error.textContent = result.data.error || '';
    }
    experimentsPoller.kick();
  }

  // ---------------------------------------------------------------------------------------
  // 5. Predict: a 28×28 drawing (shown ×10) or a test image, through every finished network.
  // ---------------------------------------------------------------------------------------

  const SIDE = 28;
  const INK = '17, 24, 39';

  const drawing = { active: false, last: null };

  function canvasPoint(canvas, event) {
    const box = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) / box.width) * canvas.width,
      y: ((event.clientY - box.top) / box.height) * canvas.height,
    };
  }

  function setupDrawing() {
    const canvas = $('#draw-canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });
    // A pen about 2 of MNIST's pixels wide once the digit is scaled into its 20×20 box.
    const penWidth = canvas.width / 12;
    const stroke = (from, to) => {
      context.strokeStyle = `rgb(${INK})`;
      context.fillStyle = `rgb(${INK})`;
      context.lineWidth = penWidth;
      context.lineCap = 'round';
      context.lineJoin = 'round';
      context.beginPath();
      context.moveTo(from.x, from.y);
      context.lineTo(to.x, to.y);
      context.stroke();
    };
    canvas.addEventListener('pointerdown', (event) => {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      drawing.active = true;
      drawing.last = canvasPoint(canvas, event);
      stroke(drawing.last, drawing.last);
    });
    canvas.addEventListener('pointermove', (event) => {
      if (!drawing.active) return;
      const point = canvasPoint(canvas, event);
      stroke(drawing.last, point);
      drawing.last = point;
    });
    const end = () => {
      if (!drawing.active) return;
      drawing.active = false;
      state.image = { kind: 'drawing', pixels: null };
      updatePreview();
      renderImageSource();
      predictSoon();
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  /**
   * The drawing as MNIST's preprocessing made its images: the ink's bounding box scaled
   * (by area averaging) into 20×20, then placed in 28×28 with its centre of mass in the
   * middle. Null when nothing is drawn.
   */
  function drawingPixels() {
    const canvas = $('#draw-canvas');
    const size = canvas.width;
    const alpha = canvas.getContext('2d', { willReadFrequently: true }).getImageData(0, 0, size, size).data;
    let minX = size, minY = size, maxX = -1, maxY = -1;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        if (alpha[(y * size + x) * 4 + 3] > 20) {
          minX = Math.min(minX, x); maxX = Math.max(maxX, x);
          minY = Math.min(minY, y); maxY = Math.max(maxY, y);
        }
      }
    }
    if (maxX < 0) return null;
    const width = maxX - minX + 1;
    const height = maxY - minY + 1;
    const scale = 20 / Math.max(width, height);
    const boxWidth = Math.max(1, Math.round(width * scale));
    const boxHeight = Math.max(1, Math.round(height * scale));
    const sums = new Float64Array(boxWidth * boxHeight);
    const counts = new Float64Array(boxWidth * boxHeight);
    for (let y = minY; y <= maxY; y++) {
      const by = Math.min(boxHeight - 1, Math.floor((y - minY) * scale));
      for (let x = minX; x <= maxX; x++) {
        const bx = Math.min(boxWidth - 1, Math.floor((x - minX) * scale));
        sums[by * boxWidth + bx] += alpha[(y * size + x) * 4 + 3] / 255;
        counts[by * boxWidth + bx] += 1;
      }
    }
    let mass = 0, cx = 0, cy = 0;
    const box = Array.from(sums, (sum, i) => (counts[i] ? sum / counts[i] : 0));
    box.forEach((value, i) => {
      mass += value;
      cx += value * (i % boxWidth);
      cy += value * Math.floor(i / boxWidth);
    });
    cx = mass ? cx / mass : boxWidth / 2;
    cy = mass ? cy / mass : boxHeight / 2;
    const offsetX = Math.max(0, Math.min(SIDE - boxWidth, Math.round(SIDE / 2 - 0.5 - cx)));
    const offsetY = Math.max(0, Math.min(SIDE - boxHeight, Math.round(SIDE / 2 - 0.5 - cy)));
    const pixels = new Array(SIDE * SIDE).fill(0);
    box.forEach((value, i) => {
      pixels[(offsetY + Math.floor(i / boxWidth)) * SIDE + offsetX + (i % boxWidth)] = Math.min(1, value);
    });
    return pixels;
  }

  /** The 784 pixels to send: a test image's own, or the drawing's. */
  function currentPixels() {
    if (!state.image) return null;
    if (state.image.kind === 'test') return state.image.pixels;
    return drawingPixels();
  }

  function paintPixels(canvas, pixels) {
    const context = canvas.getContext('2d', { willReadFrequently: true });
    const cell = canvas.width / SIDE;
    context.clearRect(0, 0, canvas.width, canvas.height);
    pixels.forEach((value, i) => {
      if (value <= 0) return;
      context.fillStyle = `rgba(${INK}, ${value})`;
      context.fillRect((i % SIDE) * cell, Math.floor(i / SIDE) * cell, cell, cell);
    });
  }

  function updatePreview() {
    paintPixels($('#input-preview'), currentPixels() || []);
  }

  function clearDrawing() {
    const canvas = $('#draw-canvas');
    canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
    state.image = null;
    state.predictions = null;
    updatePreview();
    renderImageSource();
    renderPredictions();
    setMessage($('#predict-message'), '');
  }

  async function randomImage() {
    const result = await api('GET', '/api/test-images/random');
    if (!result.ok) {
      setMessage($('#predict-message'), result.data.error || '', 'error');
      return;
    }
    const { index, label, pixels } = result.data;
    state.image = { kind: 'test', index, label, pixels };
    paintPixels($('#draw-canvas'), pixels);
    updatePreview();
    renderImageSource();
    await predict();
  }

  function renderImageSource() {
    const image = state.image;
    const text = !image ? '' : image.kind === 'test' ? t('predict.testImage', { index: image.index, label: image.label }) : t('predict.drawing');
    $('#image-source').textContent = text;
  }

  let predictTimer = null;
  function predictSoon() {
    clearTimeout(predictTimer);
    predictTimer = setTimeout(predict, 250);
  }

  async function predict() {
    clearTimeout(predictTimer);
    const message = $('#predict-message');
    const pixels = currentPixels();
    if (!pixels) {
      say(message, 'predict.empty', null, 'error');
      return;
    }
    say(message, 'predict.working');
    const result = await api('POST', '/api/predict', { pixels });
    if (!result.ok) {
      setMessage(message, result.data.error || '', 'error');
      return;
    }
    state.predictions = (result.data.predictions || []).slice().sort((a, b) => a.run.localeCompare(b.run));
    if (state.predictions.length) setMessage(message, '');
    else say(message, 'predict.none');
    renderPredictions();
  }

  function renderPredictions() {
    const container = $('#predictions');
    if (state.predictions === null) {
      container.replaceChildren(el('p', { class: 'muted predict-hint', text: t('predict.hint') }));
      return;
    }
    const predictions = state.predictions;
    const label = state.image && state.image.kind === 'test' ? state.image.label : null;
    container.replaceChildren(...predictions.map((prediction) => {
      const best = prediction.predicted;
      const verdict = label === null ? null : best === label ? 'correct' : 'wrong';
      const bars = prediction.probabilities.map((probability, digit) => {
        const percent = `${(probability * 100).toFixed(1)}%`;
        const bar = el('li', { class: `bar${digit === best ? ' bar-best' : ''}`, 'data-digit': digit, title: t('predict.bar', { digit, p: percent }) }, [
          el('span', { class: 'bar-track' }, el('span', { class: 'bar-fill' })),
          el('span', { class: 'bar-digit', text: String(digit) }),
          el('span', { class: 'visually-hidden', text: percent }),
        ]);
        $('.bar-fill', bar).style.height = `${Math.max(0, Math.min(1, probability)) * 100}%`;
        return bar;
      });
      return el('div', { class: 'prediction card-inset', 'data-run': prediction.run, 'data-predicted': best }, [
        el('div', { class: 'prediction-head' }, [
          el('span', { class: 'run-name', text: prediction.run }),
          el('span', { class: 'prediction-answer' }, [
            el('span', { class: 'muted', text: t('predict.predicted') }),
            el('strong', { class: 'predicted-digit', text: String(best) }),
            verdict ? el('span', { class: `tag tag-${verdict}`, text: t(`predict.${verdict}`) }) : null,
          ]),
        ]),
        el('ol', { class: 'bars', start: 0 }, bars),
        el('p', { class: 'best-probability', text: `${(prediction.probabilities[best] * 100).toFixed(1)}%` }),
      ]);
    }));
  }

  // ---------------------------------------------------------------------------------------
  // Start.
  // ---------------------------------------------------------------------------------------

  async function start() {
    setLanguage(language, false);
    $('#lang-switch').addEventListener('click', () => setLanguage(language === 'ja' ? 'en' : 'ja'));
    $('#run-form').addEventListener('submit', onRun);
    $('#reset-button').addEventListener('click', () => {
      fillDefaults();
      validateForm();
      say($('#run-message'), 'run.resetDone');
    });
    $('#stop-button').addEventListener('click', onStop);
    $('#preset-fig-6-23').addEventListener('click', presetFigure623);
    $('#clear-selection').addEventListener('click', clearSelection);
    $('#predict-button').addEventListener('click', predict);
    $('#random-image-button').addEventListener('click', randomImage);
    $('#clear-button').addEventListener('click', clearDrawing);
    setupDrawing();
    const liveHost = $('#live-chart');
    const overlayHost = $('#overlay-chart');
    redrawOnResize(liveHost, () => state.config && drawLive());
    redrawOnResize(overlayHost, () => state.config && renderOverlay());

    let config;
    for (;;) {
      try {
        config = await api('GET', '/api/config');
        if (config.ok) break;
      } catch (_) {
        // The banner says so; try again shortly.
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    state.config = config.data;
    buildForm();
    buildExperimentCards();
    renderLive();
    renderOverlay();
    validateForm();
    runsPoller.kick();
    experimentsPoller.kick();
  }

  window.scratchnetLab = { state, t, setLanguage };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();

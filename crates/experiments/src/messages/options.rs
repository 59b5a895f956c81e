//! The run options: each option's help and each validation rule's one-line message.

use super::{Entry, e};

pub(super) const ENTRIES: &[Entry] = &[
    // Labels, one per option: its short name on a form (the lab's Train tab).
    e("option.dropout.label", "Dropout ratio", "Dropout の比率"),
    e(
        "option.dropout_mode.label",
        "Dropout mode",
        "Dropout の方式",
    ),
    e("option.epochs.label", "Epochs", "エポック数"),
    e(
        "option.train_size.label",
        "Training images",
        "訓練データの枚数",
    ),
    e(
        "option.batch_size.label",
        "Mini-batch size",
        "ミニバッチのサイズ",
    ),
    e("option.hidden.label", "Hidden layers", "隠れ層のサイズ"),
    e("option.activation.label", "Activation", "活性化関数"),
    e(
        "option.weight_init.label",
        "Initial weights",
        "重みの初期値",
    ),
    e("option.optimizer.label", "Optimizer", "最適化手法"),
    e("option.lr.label", "Learning rate", "学習係数"),
    e(
        "option.weight_decay.label",
        "Weight decay λ",
        "重みの減衰（Weight decay）λ",
    ),
    e(
        "option.batchnorm.label",
        "Batch Normalization",
        "Batch Normalization",
    ),
    e(
        "option.eval_samples.label",
        "Images evaluated",
        "評価に使う枚数",
    ),
    e("option.seed.label", "Random seed", "乱数のシード"),
    e("option.dataset.label", "Data set", "データセット"),
    // Help, one per option (see `options::OPTIONS`).
    e(
        "option.dropout.help",
        "Dropout ratio after each hidden activation, in [0, 1); 0 turns dropout off.",
        "各隠れ層の活性化関数の後に入れる Dropout の比率（本の dropout_ration）。[0, 1) の範囲で、0 なら Dropout なし。",
    ),
    e(
        "option.dropout_mode.help",
        "`book`: training keeps units with the mask, inference scales by (1 − ratio) (the book's code); `inverted`: training scales kept units by 1/(1 − ratio), inference is identity (PyTorch's and Keras's choice).",
        "`book`: 学習時はマスクでニューロンを消すだけで、推論時に出力を (1 − 比率) 倍する（本のコードどおり）。`inverted`: 学習時に残ったニューロンを 1/(1 − 比率) 倍し、推論時は何もしない（PyTorch や Keras の方式）。",
    ),
    e(
        "option.epochs.help",
        "Passes over the training set (1 to 1,000,000).",
        "エポック数：訓練データを何周するか（1〜1,000,000）。",
    ),
    e(
        "option.train_size.help",
        "Training images used: the first N of the 60,000.",
        "使う訓練画像の枚数：60,000 枚のうち先頭から N 枚（本の過学習の実験では 300 枚）。",
    ),
    e(
        "option.batch_size.help",
        "Mini-batch size, at most --train-size (batches are drawn with replacement, like the book's Trainer).",
        "ミニバッチのサイズ（本の mini_batch_size）。--train-size 以下。本の Trainer と同じく、バッチは復元抽出で選ぶ。",
    ),
    e(
        "option.hidden.help",
        "Hidden layer sizes, comma-separated.",
        "隠れ層のニューロン数をカンマ区切りで（本の hidden_size_list）。",
    ),
    e(
        "option.activation.help",
        "Hidden activation.",
        "隠れ層の活性化関数。",
    ),
    e(
        "option.weight_init.help",
        "Initial weight scale: `he` (sqrt(2/n), for ReLU), `xavier` (sqrt(1/n), for sigmoid) or a fixed standard deviation such as 0.01.",
        "重みの初期値の標準偏差（本の weight_init_std）：`he`（sqrt(2/n)、ReLU 向け）、`xavier`（sqrt(1/n)、sigmoid 向け）、または 0.01 のような固定値。",
    ),
    e(
        "option.optimizer.help",
        "Optimizer: {choices} (case-insensitive).",
        "パラメータの更新手法：{choices}（大文字・小文字は区別しない）。",
    ),
    e(
        "option.lr.help",
        "Learning rate [default: {defaults}].",
        "学習係数 [既定値: 手法ごとに本の値。{defaults}]。",
    ),
    e(
        "option.lr.default_group",
        "{rate} for {optimizers}",
        "{optimizers} は {rate}",
    ),
    e("option.lr.group_separator", "; ", "、"),
    e(
        "option.weight_decay.help",
        "L2 weight decay λ: the loss adds 0.5·λ·Σ‖W‖².",
        "荷重減衰（Weight decay）の係数 λ（本の weight_decay_lambda）：損失関数に 0.5·λ·Σ‖W‖² を加える。",
    ),
    e(
        "option.batchnorm.help",
        "Insert BatchNormalization before each hidden activation.",
        "各隠れ層の活性化関数の前に Batch Normalization を入れる（本の use_batchnorm）。",
    ),
    e(
        "option.eval_samples.help",
        "Evaluate per-epoch accuracy on only the first N training and test images (the book's evaluate_sample_num_per_epoch); the final test pass always uses all of them.",
        "エポックごとの認識精度を訓練画像・テスト画像の先頭 N 枚だけで測る（本の evaluate_sample_num_per_epoch）。最後のテストは常に全画像で行う。",
    ),
    e(
        "option.seed.help",
        "Seed of every random number (weights, dropout masks, batches): same seed, same CSV.",
        "すべての乱数（重みの初期値、Dropout のマスク、バッチの選び方）のシード。同じシードなら同じ CSV になる。",
    ),
    e(
        "option.dataset.help",
        "Data set: `mnist` or `fashion` (Fashion-MNIST, a drop-in with the same format).",
        "データセット：`mnist` または `fashion`（Fashion-MNIST。形式が同じなので MNIST とそのまま差し替えられる）。",
    ),
    // The rules: what is wrong with one value.
    e(
        "option.not_a_number",
        "{got} is not a number",
        "{got} は数値ではありません",
    ),
    e(
        "option.not_a_whole_number",
        "{got} is not a whole number",
        "{got} は整数ではありません",
    ),
    e(
        "option.dropout.range",
        "the dropout ratio must be in [0, 1) (0 = off), got {got}",
        "Dropout の比率は [0, 1) の範囲で指定してください（0 で Dropout なし）。指定された値: {got}",
    ),
    e(
        "option.dropout_mode.unknown",
        "unknown dropout mode {got}: expected book or inverted",
        "Dropout の方式 {got} はありません。book か inverted を指定してください",
    ),
    e(
        "option.epochs.range",
        "the number of epochs must be a whole number from {min} to {max}, got {got}",
        "エポック数は {min} から {max} までの整数で指定してください。指定された値: {got}",
    ),
    e(
        "option.train_size.range",
        "the training-set size must be a whole number >= {min}, got {got}",
        "訓練画像の枚数は {min} 以上の整数で指定してください。指定された値: {got}",
    ),
    e(
        "option.batch_size.range",
        "the batch size must be a whole number >= {min}, got {got}",
        "バッチサイズは {min} 以上の整数で指定してください。指定された値: {got}",
    ),
    e(
        "option.eval_samples.range",
        "the number of evaluated samples must be a whole number >= {min}, got {got}",
        "評価に使う枚数は {min} 以上の整数で指定してください。指定された値: {got}",
    ),
    e(
        "option.seed.range",
        "the seed must be a whole number >= {min}, got {got}",
        "シードは {min} 以上の整数で指定してください。指定された値: {got}",
    ),
    e(
        "option.hidden.empty",
        "give at least one hidden layer size, e.g. 100,100",
        "隠れ層のサイズを 1 つ以上指定してください（例: 100,100）",
    ),
    e(
        "option.hidden.zero",
        "a hidden layer cannot have 0 units",
        "隠れ層のニューロン数を 0 にはできません",
    ),
    e(
        "option.hidden.not_a_size",
        "{got} is not a layer size (expected e.g. 100,100,100)",
        "{got} は層のサイズではありません（例: 100,100,100）",
    ),
    e(
        "option.activation.unknown",
        "unknown activation {got} (expected one of {choices})",
        "活性化関数 {got} はありません（{choices} のいずれかを指定してください）",
    ),
    e(
        "option.weight_init.invalid",
        "weight init {got} is neither he, xavier nor a positive number",
        "重みの初期値 {got} は he、xavier、正の数のいずれでもありません",
    ),
    e(
        "option.optimizer.unknown",
        "unknown optimizer {got}; expected one of {choices}",
        "更新手法 {got} はありません（{choices} のいずれかを指定してください）",
    ),
    e(
        "option.lr.range",
        "the learning rate must be a finite number > 0, got {got}",
        "学習係数は 0 より大きい有限の数で指定してください。指定された値: {got}",
    ),
    e(
        "option.weight_decay.range",
        "the weight decay must be a finite number >= 0, got {got}",
        "荷重減衰の係数 λ は 0 以上の有限の数で指定してください。指定された値: {got}",
    ),
    e(
        "option.dataset.unknown",
        "unknown data set {got}: expected \"mnist\" or \"fashion\" (or \"fashion-mnist\")",
        "データセット {got} はありません。\"mnist\" か \"fashion\"（\"fashion-mnist\" も可）を指定してください",
    ),
    e(
        "option.flag.invalid",
        "expected true or false, got {got}",
        "true か false を指定してください。指定された値: {got}",
    ),
    // The whole configuration and its JSON form.
    e(
        "option.unknown",
        "unknown option {got}; the options are {options}",
        "{got} というオプションはありません。使えるオプション: {options}",
    ),
    e(
        "option.json.object",
        "expected a JSON object of options",
        "オプションは JSON のオブジェクトで指定してください",
    ),
    e(
        "option.json.sizes",
        "expected a list of layer sizes, e.g. [100, 100]",
        "層のサイズのリストを指定してください（例: [100, 100]）",
    ),
    e(
        "option.json.type",
        "expected a number, text or true/false, got {got}",
        "数値、文字列、true/false のいずれかを指定してください。指定された値: {got}",
    ),
    e(
        "option.train_size.exceeds",
        "the training-set size {size} exceeds the {images} training images of {dataset}",
        "訓練画像の枚数 {size} が {dataset} の訓練画像 {images} 枚を超えています",
    ),
    e(
        "option.batch_size.exceeds",
        "the batch size {batch} exceeds the training-set size {size}: a batch is drawn from the training images",
        "バッチサイズ {batch} が訓練画像の枚数 {size} を超えています（バッチは訓練画像から選びます）",
    ),
    e(
        "option.epochs.too_long",
        "{epochs} epochs of {per_epoch} iterations is {iterations} iterations; at most {max} are supported",
        "{epochs} エポック × {per_epoch} イテレーションで合計 {iterations} イテレーションになります。扱えるのは {max} イテレーションまでです",
    ),
    e(
        "option.hidden.memory",
        "the network would need {needed}; this machine has {available} (reduce --hidden or --batch-size)",
        "このネットワークには {needed} のメモリが必要ですが、このマシンには {available} しかありません（--hidden か --batch-size を小さくしてください）",
    ),
    e(
        "option.train_size.loaded",
        "the training-set size {size} exceeds the {images} training images loaded from {dir}",
        "訓練画像の枚数 {size} が {dir} から読み込んだ訓練画像 {images} 枚を超えています",
    ),
    e(
        "option.out.invalid",
        "{reason}",
        "結果の名前として使えません: {reason}",
    ),
];

//! The lab's page and server: labels, help, errors from the server.

use super::Entry;

pub(super) const ENTRIES: &[Entry] = &[
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
];

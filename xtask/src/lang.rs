//! The language of the command line's texts: `--lang en|ja`, else the locale. Chosen once,
//! before the flags are parsed, because `--help` itself is in that language. In Japanese every
//! help text comes from the message table (`option.*` for the run options, `cli.*` for the rest)
//! and clap's own words (usage, headings, defaults) are replaced.

use clap::{Arg, ArgAction, Command};
use scratchnet_experiments::messages::{self, Lang, Message};
use scratchnet_experiments::options;
use std::ffi::OsString;
use std::sync::OnceLock;

static CURRENT: OnceLock<Lang> = OnceLock::new();

/// The language of this process's texts (English until [`choose`] ran).
pub fn current() -> Lang {
    CURRENT.get().copied().unwrap_or_default()
}

/// Chooses the language from `--lang X` / `--lang=X` in `args` (before a `--`), else from the
/// locale (`LC_ALL`, `LC_MESSAGES`, `LANG`); an unknown `--lang` value is left to clap to refuse.
pub fn choose(args: &[OsString]) -> Lang {
    let lang = flag_value(args)
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(Lang::from_env);
    let _ = CURRENT.set(lang);
    current()
}

/// The value given to `--lang`, if any.
fn flag_value(args: &[OsString]) -> Option<String> {
    let mut args = args.iter().map(|arg| arg.to_string_lossy());
    while let Some(arg) = args.next() {
        if arg == "--" {
            return None;
        }
        if arg == "--lang" {
            return args.next().map(|value| value.into_owned());
        }
        if let Some(value) = arg.strip_prefix("--lang=") {
            return Some(value.to_string());
        }
    }
    None
}

/// `command` and its subcommands with their texts in `lang` (unchanged in English).
pub fn localize(command: Command, lang: Lang) -> Command {
    if lang == Lang::En {
        return command;
    }
    let path = command.get_name().replace("cargo xtask", "xtask");
    localize_tree(command, lang, &path)
}

fn localize_tree(mut command: Command, lang: Lang, path: &str) -> Command {
    if let Some(about) = lookup(lang, &format!("cli.{path}.about")) {
        command = command.about(about);
    }
    if let Some(after) = lookup(lang, &format!("cli.{path}.after_help")) {
        command = command.after_help(after);
    }
    let template = template(&command, lang);
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = format!("{path}.{name}");
        command = command.mut_subcommand(&name, |sub| localize_tree(sub, lang, &sub_path));
    }
    command
        .mut_args(|arg| localize_arg(arg, lang, path))
        .help_template(template)
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(messages::text(lang, "cli.help.flag")),
        )
}

/// An argument's help in `lang`, with its default and choices written in `lang` too.
fn localize_arg(arg: Arg, lang: Lang, path: &str) -> Arg {
    let id = arg.get_id().as_str().to_string();
    // The run options' help is the table's; `--dataset` means the same in every command.
    let spec = options::find(&id).filter(|_| path.ends_with(".train") || id == "dataset");
    let help = match spec {
        Some(spec) => Some(spec.help(lang)),
        None => lookup(lang, &format!("cli.{path}.{id}"))
            .or_else(|| lookup(lang, &format!("cli.common.{id}"))),
    };
    let Some(mut help) = help else {
        return arg;
    };
    if matches!(arg.get_action(), ArgAction::SetTrue | ArgAction::SetFalse) {
        return arg.help(help);
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|value| value.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && !arg.is_hide_default_value_set() {
        let default = Message::new("cli.help.default").arg("value", defaults.join(","));
        help = format!("{help} {}", default.render(lang));
    }
    let choices: Vec<String> = arg
        .get_possible_values()
        .iter()
        .map(|value| value.get_name().to_string())
        .collect();
    if !choices.is_empty() && !arg.is_hide_possible_values_set() {
        let list = Message::new("cli.help.choices").arg("values", choices.join(", "));
        help = format!("{help} {}", list.render(lang));
    }
    arg.help(help)
        .hide_default_value(true)
        .hide_possible_values(true)
}

/// clap's help layout with its headings in `lang`, naming only the sections `command` has.
fn template(command: &Command, lang: Lang) -> String {
    let mut template = String::from("{before-help}{about-with-newline}\n");
    template.push_str(&messages::text(lang, "cli.help.usage"));
    template.push_str(" {usage}\n");
    let has_positionals = command.get_positionals().next().is_some();
    let has_subcommands = command.get_subcommands().next().is_some();
    if has_subcommands {
        let heading = messages::text(lang, "cli.help.commands");
        template.push_str(&format!("\n{heading}\n{{subcommands}}\n"));
    }
    if has_positionals {
        let heading = messages::text(lang, "cli.help.arguments");
        template.push_str(&format!("\n{heading}\n{{positionals}}\n"));
    }
    let heading = messages::text(lang, "cli.help.options");
    template.push_str(&format!("\n{heading}\n{{options}}{{after-help}}"));
    template
}

/// The text of `key` in `lang`, if the table has it.
fn lookup(lang: Lang, key: &str) -> Option<String> {
    messages::lookup(key).map(|entry| Message::new(entry.key).render(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_lang_flag_is_found_in_both_spellings_before_a_double_dash() {
        assert_eq!(
            flag_value(&args(&["x", "train", "--lang", "ja"])).as_deref(),
            Some("ja")
        );
        assert_eq!(
            flag_value(&args(&["x", "--lang=en", "train"])).as_deref(),
            Some("en")
        );
        assert_eq!(flag_value(&args(&["x", "--", "--lang", "ja"])), None);
        assert_eq!(flag_value(&args(&["x", "train"])), None);
    }
}

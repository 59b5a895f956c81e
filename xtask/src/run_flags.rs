//! The run options of `train` as clap flags, built from the one description of each option
//! (`scratchnet_experiments::options::OPTIONS`): name, value name, default, choices, help and
//! rule all come from there.

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Arg, ArgAction, ArgMatches, Command};
use scratchnet_experiments::RunConfig;
use scratchnet_experiments::messages::{Lang, Message};
use scratchnet_experiments::options::{self, Kind, OPTIONS, OptionSpec};
use std::ffi::OsStr;

/// The options set by flags here; `--dataset` comes from the data flags every command shares.
fn specs() -> impl Iterator<Item = &'static OptionSpec> {
    OPTIONS.iter().filter(|spec| spec.name != "dataset")
}

/// A value an option's rule refused: the message in English (clap shows it), and its code so
/// the error can be shown in another language.
#[derive(Debug)]
pub struct RuleError(pub Message);

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for RuleError {}

/// The run options given as flags (every other field of the configuration at its default).
#[derive(Clone, Debug, PartialEq)]
pub struct RunFlags(pub RunConfig);

impl clap::FromArgMatches for RunFlags {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut config = RunConfig::default();
        for spec in specs() {
            let text = match spec.kind {
                Kind::Flag => matches.get_flag(spec.name).then(|| "true".to_string()),
                _ => matches.get_one::<String>(spec.name).cloned(),
            };
            if let Some(text) = text {
                (spec.set)(&mut config, &text).map_err(|message| {
                    clap::Error::raw(clap::error::ErrorKind::ValueValidation, message)
                })?;
            }
        }
        Ok(Self(config))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl clap::Args for RunFlags {
    fn augment_args(command: Command) -> Command {
        specs().fold(command, |command, spec| command.arg(flag(spec)))
    }

    fn augment_args_for_update(command: Command) -> Command {
        Self::augment_args(command)
    }
}

/// The English help of option `name` as clap shows it: without the final period.
pub fn english_help(name: &str) -> String {
    let help = options::find(name).map_or_else(String::new, |spec| spec.help(Lang::En));
    help.strip_suffix('.').unwrap_or(&help).to_string()
}

/// The flag of `spec`, with its English help (`crate::lang` translates the whole command).
fn flag(spec: &'static OptionSpec) -> Arg {
    let arg = Arg::new(spec.name)
        .long(spec.name.replace('_', "-"))
        .help(english_help(spec.name));
    if spec.kind == Kind::Flag {
        return arg.action(ArgAction::SetTrue);
    }
    let arg = arg
        .value_name(spec.value_name)
        .value_parser(Rule(spec))
        .action(ArgAction::Set);
    match spec.default_text() {
        Some(default) => arg.default_value(default),
        None => arg,
    }
}

/// Checks a flag's value with its option's rule; offers the option's choices to clap's help.
#[derive(Clone, Copy)]
struct Rule(&'static OptionSpec);

impl TypedValueParser for Rule {
    type Value = String;

    fn parse_ref(
        &self,
        command: &Command,
        arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        let spec = self.0;
        let check = move |text: &str| -> Result<String, RuleError> {
            (spec.set)(&mut RunConfig::default(), text).map_err(RuleError)?;
            Ok(text.to_string())
        };
        check.parse_ref(command, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        (self.0.kind == Kind::Choice).then(|| {
            let names = (self.0.choices)().into_iter().map(PossibleValue::new);
            Box::new(names) as Box<dyn Iterator<Item = PossibleValue>>
        })
    }
}

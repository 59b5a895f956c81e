//! `cargo xtask fetch-mnist` (work in progress).

#[derive(clap::Args)]
pub struct FetchArgs {}

pub fn run(_args: &FetchArgs) -> anyhow::Result<()> {
    anyhow::bail!("fetch-mnist is not implemented yet")
}

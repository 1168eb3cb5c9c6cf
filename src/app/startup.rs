//! Everything before the first frame, in the order a person would check it: config,
//! theme, keys, kubeconfig, client. Any hard failure here is printed on the normal screen
//! (the terminal has not been touched yet).

use std::sync::Arc;

use anyhow::Context as _;
use jiff::Timestamp;

use crate::cli::Cli;
use crate::cluster::connect;
use crate::config::{self, Config};
use crate::effect::Scope;
use crate::error::StartupError;
use crate::keymap::Keymap;
use crate::msg::Notice;
use crate::state::AppState;
use crate::theme::{self, Theme};

/// Config, theme and keys, resolved without any I/O besides reading files.
pub struct Prepared {
    pub config: Config,
    pub theme: Theme,
    pub keymap: Keymap,
    pub warnings: Vec<String>,
}

/// Picks the theme: `--theme`, then the config's `theme`, then the default. A theme that
/// cannot be loaded is an error (never a silent fallback). NO_COLOR strips colours.
pub fn resolve_theme(
    cli_theme: Option<&str>,
    config_theme: Option<&str>,
) -> Result<Theme, StartupError> {
    let spec = cli_theme.or(config_theme);
    let theme = match spec {
        Some(spec) => Theme::load(spec, config::user_theme_dir().as_deref())
            .map_err(|e| StartupError::Theme(format!("{e:#}")))?,
        None => Theme::default_theme(),
    };
    Ok(if theme::no_color_requested() {
        theme.without_colors()
    } else {
        theme
    })
}

pub fn prepare(cli: &Cli) -> anyhow::Result<Prepared> {
    let loaded = Config::load(cli.config.as_deref());
    let mut warnings = loaded.warnings;
    let theme = resolve_theme(cli.theme.as_deref(), loaded.config.theme.as_deref())?;
    let (keymap, key_warnings) = Keymap::with_overrides(&loaded.config.key_overrides());
    if let Some(path) = &loaded.path {
        warnings.extend(
            key_warnings
                .into_iter()
                .map(|w| format!("config {}: {w}", path.display())),
        );
    }
    Ok(Prepared {
        config: loaded.config,
        theme,
        keymap,
        warnings,
    })
}

/// A connected session, ready for the event loop.
pub struct Session {
    pub state: AppState,
    pub theme: Theme,
    pub client: kube::Client,
    pub max_fps: u32,
    /// The in-process simulated cluster of `--demo`, kept alive for the session.
    pub demo: Option<rkt_sim::SimHandle>,
}

pub async fn connect(cli: &Cli, prepared: Prepared) -> anyhow::Result<Session> {
    let demo = if cli.demo {
        Some(
            rkt_sim::start(rkt_sim::SimConfig::demo())
                .await
                .context("cannot start the simulated cluster")?,
        )
    } else {
        None
    };
    let explicit = demo
        .as_ref()
        .map(|d| d.kubeconfig.clone())
        .or_else(|| cli.kubeconfig.clone());
    let paths = connect::kubeconfig_paths(explicit.as_deref())?;
    let kubeconfig = connect::load_kubeconfig(&paths)?;
    let connected = connect::connect(kubeconfig, cli.context.as_deref(), &paths).await?;
    let scope = if cli.all_namespaces {
        Scope::All
    } else {
        Scope::Namespace(cli.namespace.clone().unwrap_or(connected.namespace).into())
    };
    let mut state = AppState::new(
        Arc::new(prepared.keymap),
        connected.info,
        scope,
        Timestamp::now(),
    );
    state.readonly = cli.readonly || prepared.config.readonly;
    state.log_settings = crate::state::logs::app::LogSettings {
        tail_lines: Some(i64::from(prepared.config.log_tail_lines)),
        buffer_lines: prepared.config.log_buffer_lines,
        // Saved logs land where rkt was started, like kubectl logs > file would.
        save_dir: std::env::current_dir().unwrap_or_else(|_| std::env::temp_dir()),
    };
    if !prepared.warnings.is_empty() {
        state.notice = Some(Notice::warning(prepared.warnings.join("; ")));
    }
    Ok(Session {
        state,
        theme: prepared.theme,
        client: connected.client,
        max_fps: prepared.config.max_fps,
        demo,
    })
}

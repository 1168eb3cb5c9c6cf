//! Everything before the first frame, in the order a person would check it: config,
//! theme, keys, kubeconfig, client. Any hard failure here is printed on the normal screen
//! (the terminal has not been touched yet). A problem in the config, the theme or the keys
//! is [`Invalid`]: `main` prints it and exits with code 2.

use std::sync::Arc;

use anyhow::Context as _;
use jiff::Timestamp;

use crate::cli::Cli;
use crate::cluster::connect;
use crate::config::{self, Config, Invalid, Loaded, Part, Problem};
use crate::effect::Scope;
use crate::keymap::{KeyPart, Keymap};
use crate::state::AppState;
use crate::theme::{self, Theme};

/// Config, theme and keys, resolved without any I/O besides reading files.
pub struct Prepared {
    pub config: Config,
    pub theme: Theme,
    pub keymap: Keymap,
}

/// Picks the theme: `--theme`, then the config's `theme`, then the default. A theme that
/// cannot be loaded is an error (never a silent fallback); an unknown name from the config
/// points at its `theme:` line. NO_COLOR strips colours.
pub fn resolve_theme(cli_theme: Option<&str>, loaded: &Loaded) -> Result<Theme, Problem> {
    let theme = match (cli_theme, loaded.config.theme.as_deref()) {
        (Some(spec), _) => load_theme(spec).map_err(|mut p| {
            if p.file.is_none() {
                p.message = format!("--theme: {}", p.message);
            }
            p
        })?,
        (None, Some(spec)) => load_theme(spec).map_err(|p| match p.file {
            Some(_) => p,
            None => loaded.problem_at(&["theme"], Part::Value, p.message),
        })?,
        (None, None) => Theme::default_theme(),
    };
    Ok(if theme::no_color_requested() {
        theme.without_colors()
    } else {
        theme
    })
}

fn load_theme(spec: &str) -> Result<Theme, Problem> {
    Theme::load(spec, config::user_theme_dir().as_deref())
}

/// The key table with the config's overrides; each problem points at its entry.
pub fn resolve_keymap(loaded: &Loaded) -> Result<Keymap, Vec<Problem>> {
    let (keymap, problems) = Keymap::with_overrides(&loaded.config.key_overrides());
    if problems.is_empty() {
        return Ok(keymap);
    }
    let mut problems: Vec<Problem> = problems
        .into_iter()
        .map(|p| {
            let part = match p.part {
                KeyPart::Action => Part::Key,
                KeyPart::Keys => Part::Value,
            };
            loaded.problem_at(&["keys", &p.action], part, p.to_string())
        })
        .collect();
    // In file order, as a person fixes them.
    problems.sort_by_key(|p| p.pos.map(|p| (p.line, p.column)));
    Err(problems)
}

/// Reads and checks the config, the theme and the keys; every problem found is returned.
pub fn prepare(cli: &Cli) -> Result<Prepared, Invalid> {
    let loaded = Config::load(cli.config.as_deref())?;
    match (
        resolve_theme(cli.theme.as_deref(), &loaded),
        resolve_keymap(&loaded),
    ) {
        (Ok(theme), Ok(keymap)) => Ok(Prepared {
            config: loaded.config,
            theme,
            keymap,
        }),
        (theme, keys) => {
            let mut problems: Vec<Problem> = theme.err().into_iter().collect();
            problems.extend(keys.err().unwrap_or_default());
            Err(Invalid(problems))
        }
    }
}

/// A connected session, ready for the event loop.
pub struct Session {
    pub state: AppState,
    pub theme: Theme,
    pub client: kube::Client,
    /// Where `:ctx` reads contexts from, and who requests act as.
    pub target: connect::Target,
    /// `protected_contexts` of the config, for contexts switched to.
    pub protected: Vec<String>,
    pub max_fps: u32,
    pub mouse: bool,
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
    let rows = connect::context_rows(&kubeconfig);
    let impersonation = connect::Impersonation {
        user: cli.as_user.clone(),
        groups: cli.as_group.clone(),
    };
    let connected =
        connect::connect(kubeconfig, cli.context.as_deref(), &paths, &impersonation).await?;
    let (memory, memory_path) = load_context_memory()?;
    let remembered = crate::state::contexts::remembered_scope(
        &memory,
        &connected.info.context,
        &connected.namespace,
    );
    let scope = if cli.all_namespaces {
        Scope::All
    } else if let Some(ns) = &cli.namespace {
        Scope::Namespace(ns.as_str().into())
    } else {
        remembered
    };
    let mut info = connected.info;
    info.protected =
        crate::model::audit::is_protected(&prepared.config.protected_contexts, &info.context);
    let mut state = AppState::new(Arc::new(prepared.keymap), info, scope, Timestamp::now());
    state.readonly = cli.readonly || prepared.config.readonly;
    state.access.enable();
    state.contexts = crate::state::contexts::Contexts::new(rows, memory, memory_path);
    crate::state::contexts::restore_view(&mut state);
    state.saved_forwards = load_saved_forwards();
    crate::state::forwards_saved::restore(&mut state);
    state.log_settings = crate::state::logs::app::LogSettings {
        tail_lines: Some(i64::from(prepared.config.log_tail_lines)),
        buffer_lines: prepared.config.log_buffer_lines,
        // Saved logs land where rkt was started, like kubectl logs > file would.
        save_dir: std::env::current_dir().unwrap_or_else(|_| std::env::temp_dir()),
    };
    Ok(Session {
        state,
        theme: prepared.theme,
        client: connected.client,
        target: connect::Target {
            paths,
            impersonation,
        },
        protected: prepared.config.protected_contexts.clone(),
        max_fps: prepared.config.max_fps,
        mouse: prepared.config.mouse,
        demo,
    })
}

/// The saved port-forwards file, read before the TUI starts (a missing one is empty).
fn load_saved_forwards() -> crate::state::forwards_saved::SavedStore {
    let path = crate::config::state_dir().map(|d| d.join("forwards.yaml"));
    let text = path
        .as_ref()
        .and_then(|p| match std::fs::read_to_string(p) {
            Ok(text) => Some(Ok(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => Some(Err(e.to_string())),
        });
    crate::state::forwards_saved::SavedStore::load(path, text)
}

/// The last view and namespace per context (`$XDG_STATE_HOME/rkt/contexts.yaml`; a
/// missing one is empty). A file that cannot be read or parsed stops rkt with its path:
/// rkt would write over it otherwise.
fn load_context_memory() -> anyhow::Result<(
    crate::model::contexts::ContextMemory,
    Option<std::path::PathBuf>,
)> {
    use crate::model::contexts::ContextMemory;
    let Some(path) = crate::config::state_dir().map(|d| d.join("contexts.yaml")) else {
        return Ok((ContextMemory::default(), None));
    };
    let memory = match std::fs::read_to_string(&path) {
        Ok(text) => ContextMemory::parse(&text).map_err(|e| {
            anyhow::anyhow!(
                "{}: not a valid rkt contexts file ({e}); fix or delete it",
                path.display()
            )
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => ContextMemory::default(),
        Err(e) => anyhow::bail!("cannot read {}: {e}", path.display()),
    };
    Ok((memory, Some(path)))
}

//! The `durable` binary: thin argument handling around durable-app and durable-web.

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use durable_app::{Actor, App, AppError, audit, auth, catalog, demo, pricing};
use durable_domain::clock::Clock;
use durable_domain::ids::ApiTokenId;
use durable_domain::role::Role;
use durable_web::WebConfig;

mod backup;
mod claim_checks;
mod simulate;

/// Durable: operations and billing for durable medical equipment suppliers.
#[derive(Parser)]
#[command(name = "durable", version, about)]
struct Cli {
    /// Log lines as text for people or as JSON objects for a log collector.
    #[arg(long, env = "DURABLE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// Where the data lives; every subcommand takes these the same way.
#[derive(Args, Clone)]
struct DataArgs {
    /// Data directory (the SQLite file and, later, documents).
    #[arg(
        long,
        env = "DURABLE_DATA",
        default_value = "./durable-data",
        global = true
    )]
    data: PathBuf,
    /// Database URL (postgres://… or sqlite://…); default: SQLite in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the web pages and the API.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Load the demo organisation when the database is empty and print its logins.
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure and send HSTS (when served over TLS, directly or by a proxy).
        #[arg(long, env = "DURABLE_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Client addresses that may read /metrics without a token (comma-separated).
        #[arg(long, env = "DURABLE_METRICS_FROM", value_delimiter = ',')]
        metrics_from: Vec<std::net::IpAddr>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Applies pending database migrations.
    Migrate {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Loads the demo organisation into an empty database.
    Demo {
        /// Number of patients.
        #[arg(long, default_value_t = demo::DEFAULT_SCALE)]
        scale: u32,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Manages staff users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Works with the audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Billing tools.
    Billing {
        #[command(subcommand)]
        command: BillingCommand,
    },
    /// The HCPCS catalog.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Copies the database (SQLite) and every document into DEST while the server runs.
    Backup {
        /// A new or empty directory.
        dest: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Brings a backup back into an empty data directory, then verifies it.
    Restore {
        /// A directory written by `durable backup`.
        source: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Checks the database's integrity, the audit trail and every document against its digest.
    Verify {
        #[command(flatten)]
        data: DataArgs,
    },
}

// The variants are the subcommands' names (`import-hcpcs`, `import-fee-schedule` …), which
// operators type; they share "import" because that is what each does.
#[allow(clippy::enum_variant_names)]
#[derive(Subcommand)]
enum CatalogCommand {
    /// Loads a CMS HCPCS Level II file (the fixed-width annual text file or its CSV layout):
    /// adds new codes, updates changed ones in place keeping what they were, leaves the rest.
    ImportHcpcs {
        /// The file.
        file: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Loads a CMS DMEPOS fee schedule CSV for one effective date: the same file again changes
    /// nothing; a newer file replaces the amounts it changes (the old ones are kept); codes not
    /// in the HCPCS catalog are reported and left out.
    ImportFeeSchedule {
        /// The file.
        file: PathBuf,
        /// The date the amounts take effect (YYYY-MM-DD); the current quarter's first day if absent.
        #[arg(long)]
        effective: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Replaces the list of ZIP codes priced as rural (CSV with a `zip` column and an optional
    /// `rural` Y/N column). Durable ships no such list; ZIPs not on it are priced as non-rural.
    ImportRuralZips {
        /// The file.
        file: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
enum BillingCommand {
    /// Prints the month-by-month schedule of a rental described in JSON, with the rules behind
    /// every line (see docs/examples/ and docs/billing-rules.md).
    Simulate {
        /// The rental, as JSON.
        file: PathBuf,
        /// Schedule up to this date instead of the file's `through`.
        #[arg(long)]
        through: Option<String>,
        /// Print the schedule as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Checks claim lines written in JSON (`lines`, optional `rental` and `filed_on`): modifier
    /// conflicts, timely filing, and KX the rental's documentation does not support.
    CheckLines {
        /// The lines, as JSON.
        file: PathBuf,
        /// Print the findings as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The last day to request each appeal level after a decision, with the year's
    /// amount-in-controversy minimum for an ALJ hearing and judicial review.
    AppealDeadline {
        /// Date on the decision's notice (YYYY-MM-DD or MM/DD/YYYY).
        #[arg(long)]
        notice_date: String,
        /// redetermination, reconsideration, alj_hearing, appeals_council or judicial_review;
        /// every level when left out.
        #[arg(long)]
        level: Option<String>,
        /// The day the request would be filed (default today).
        #[arg(long)]
        filed_on: Option<String>,
        /// The amount in controversy in dollars, e.g. 250.00.
        #[arg(long)]
        amount: Option<String>,
        /// Print the answer as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Adds a user; the password is asked for, or read from standard input.
    Add {
        /// Login name.
        name: String,
        /// admin, intake, technician, billing, sales or compliance.
        #[arg(long)]
        role: String,
        /// Full name (defaults to the login name).
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Prints a new API token for a user (shown once); its id goes to standard error.
    Token {
        /// Login name.
        name: String,
        /// What the token is for.
        #[arg(long, default_value = "api")]
        label: String,
        /// The token stops working after this many days (by default it works until revoked).
        #[arg(long)]
        expires_in_days: Option<u16>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Revokes an API token by the id printed when it was issued.
    RevokeToken {
        /// The token's id.
        id: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Lifts a user's lock-out after failed logins.
    Unlock {
        /// Login name.
        name: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Checks the hash chain; exits non-zero naming the first bad row.
    Verify {
        #[command(flatten)]
        data: DataArgs,
    },
}

impl DataArgs {
    /// The database URL, creating the data directory for the default SQLite file.
    fn url(&self) -> Result<String, String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data).map_err(|e| {
            format!(
                "cannot create the data directory {}: {e}",
                self.data.display()
            )
        })?;
        Ok(sqlite_url(&self.data.join("durable.sqlite")))
    }

    async fn open(&self) -> Result<App, String> {
        let url = self.url()?;
        let app = App::open(&url, Clock::system(time::UtcOffset::UTC))
            .await
            .map_err(|e| describe(&e))?;
        Ok(app.with_document_root(self.data.join("documents")))
    }
}

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// A message for the operator; internal details are fine here (it is their own server).
fn describe(err: &AppError) -> String {
    err.for_operator("\n")
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => logs.init(),
        // Each line carries the request's span (request id, method, route, user).
        LogFormat::Json => logs.json().with_current_span(true).init(),
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("durable: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("durable: {message}");
            ExitCode::FAILURE
        }
    }
}

fn print_logins(summary: &demo::DemoSummary) {
    println!(
        "Demo organisation loaded: {} patients, {} coverages, {} prescribers, {} referral sources, {} payers.",
        summary.patients,
        summary.coverages,
        summary.prescribers,
        summary.referral_sources,
        summary.payers
    );
    println!("Demo logins (password '{}'):", demo::DEMO_PASSWORD);
    for (name, role) in &summary.logins {
        println!("  {name:<12} {}", role.label());
    }
}

async fn run(command: Command) -> Result<ExitCode, String> {
    let operator = Actor::operator();
    match command {
        Command::Serve {
            addr,
            demo: with_demo,
            secure_cookies,
            metrics_from,
            data,
        } => {
            let app = data.open().await?;
            if with_demo {
                if demo::is_empty(&app).await.map_err(|err| describe(&err))? {
                    let summary = demo::load(&app, &operator, demo::DEFAULT_SCALE)
                        .await
                        .map_err(|err| describe(&err))?;
                    print_logins(&summary);
                } else {
                    println!(
                        "The database already holds data; demo logins use the password '{}'.",
                        demo::DEMO_PASSWORD
                    )
                }
            }
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
            println!("Durable is serving at http://{addr}/");
            let config = WebConfig {
                secure_cookies,
                metrics_addresses: metrics_from,
                ..WebConfig::default()
            };
            durable_web::serve(listener, app, config)
                .await
                .map_err(|e| format!("server stopped: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate { data } => {
            data.open().await?;
            println!("The database is up to date.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { scale, data } => {
            let app = data.open().await?;
            let summary = demo::load(&app, &operator, scale)
                .await
                .map_err(|e| describe(&e))?;
            print_logins(&summary);
            Ok(ExitCode::SUCCESS)
        }
        Command::User {
            command:
                UserCommand::Add {
                    name,
                    role,
                    display_name,
                    password_stdin,
                    data,
                },
        } => {
            let role = Role::parse(&role).map_err(|e| e.0)?;
            let password = if password_stdin {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|e| format!("cannot read the password: {e}"))?;
                text.trim_end_matches(['\r', '\n']).to_owned()
            } else {
                let first = rpassword::prompt_password("Password: ")
                    .map_err(|e| format!("cannot read the password: {e}"))?;
                let again = rpassword::prompt_password("Again: ")
                    .map_err(|e| format!("cannot read the password: {e}"))?;
                if first != again {
                    return Err("the passwords differ".into());
                }
                first
            };
            let app = data.open().await?;
            let display = display_name.unwrap_or_else(|| name.clone());
            auth::add_user(&app, &operator, &name, &display, role, &password)
                .await
                .map_err(|e| describe(&e))?;
            println!("Added {name} ({}).", role.label());
            Ok(ExitCode::SUCCESS)
        }
        Command::User {
            command:
                UserCommand::Token {
                    name,
                    label,
                    expires_in_days,
                    data,
                },
        } => {
            let app = data.open().await?;
            let expires_at =
                expires_in_days.map(|days| app.clock.now() + time::Duration::days(i64::from(days)));
            let token = auth::issue_token(&app, &operator, &name, &label, expires_at)
                .await
                .map_err(|e| describe(&e))?;
            eprintln!(
                "token id {} (revoke with: durable user revoke-token {})",
                token.id, token.id
            );
            println!("{}", token.secret);
            Ok(ExitCode::SUCCESS)
        }
        Command::User {
            command: UserCommand::RevokeToken { id, data },
        } => {
            let id = id
                .parse::<ApiTokenId>()
                .map_err(|_| format!("'{id}' is not a token id (it looks like 01a2…-…)"))?;
            let app = data.open().await?;
            auth::revoke_token(&app, &operator, id)
                .await
                .map_err(|e| describe(&e))?;
            println!("Revoked token {id}.");
            Ok(ExitCode::SUCCESS)
        }
        Command::User {
            command: UserCommand::Unlock { name, data },
        } => {
            let app = data.open().await?;
            auth::unlock_user(&app, &operator, &name)
                .await
                .map_err(|e| describe(&e))?;
            println!("Unlocked {name}.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Billing {
            command:
                BillingCommand::Simulate {
                    file,
                    through,
                    json,
                },
        } => {
            println!("{}", simulate::run(&file, through.as_deref(), json)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Billing {
            command: BillingCommand::CheckLines { file, json },
        } => {
            print!("{}", claim_checks::check_lines(&file, json)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Billing {
            command:
                BillingCommand::AppealDeadline {
                    notice_date,
                    level,
                    filed_on,
                    amount,
                    json,
                },
        } => {
            let answer = claim_checks::appeal_deadline(
                level.as_deref(),
                &notice_date,
                filed_on.as_deref(),
                amount.as_deref(),
                json,
            )?;
            print!("{answer}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Catalog { command } => catalog_command(command, &operator).await,
        Command::Audit {
            command: AuditCommand::Verify { data },
        } => {
            let app = data.open().await?;
            let report = audit::verify(&app, &operator)
                .await
                .map_err(|e| describe(&e))?;
            Ok(backup::exit_code(backup::report_chain(&report)))
        }
        Command::Backup { dest, data } => backup::backup(&data, &dest, &operator).await,
        Command::Restore { source, data } => backup::restore(&data, &source, &operator).await,
        Command::Verify { data } => backup::verify(&data, &operator).await,
    }
}

/// The file's name as recorded in import histories.
fn file_name(file: &Path) -> String {
    file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn read(file: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))
}

async fn catalog_command(command: CatalogCommand, operator: &Actor) -> Result<ExitCode, String> {
    match command {
        CatalogCommand::ImportHcpcs { file, data } => {
            let bytes = read(&file)?;
            let app = data.open().await?;
            let name = file_name(&file);
            let summary = catalog::import_hcpcs(&app, operator, &name, &bytes)
                .await
                .map_err(|e| describe(&e))?;
            println!(
                "Imported {name}: {} codes added, {} changed, {} unchanged.",
                summary.added, summary.changed, summary.unchanged
            );
        }
        CatalogCommand::ImportFeeSchedule {
            file,
            effective,
            data,
        } => {
            let bytes = read(&file)?;
            let app = data.open().await?;
            let name = file_name(&file);
            let summary =
                pricing::import_fee_schedule(&app, operator, &name, &bytes, effective.as_deref())
                    .await
                    .map_err(|e| describe(&e))?;
            println!(
                "Imported {name} effective {}: {} rows; {} amounts added, {} changed, {} removed, {} unchanged.",
                summary.effective,
                summary.rows,
                summary.added,
                summary.changed,
                summary.removed,
                summary.unchanged
            );
            if !summary.unknown_codes.is_empty() {
                println!(
                    "Not imported, not in the HCPCS catalog ({}): {}",
                    summary.unknown_codes.len(),
                    summary.unknown_codes.join(", ")
                );
            }
        }
        CatalogCommand::ImportRuralZips { file, data } => {
            let bytes = read(&file)?;
            let app = data.open().await?;
            let summary = pricing::import_rural_zips(&app, operator, &file_name(&file), &bytes)
                .await
                .map_err(|e| describe(&e))?;
            println!(
                "{} ZIP codes are now priced as rural; every other ZIP as non-rural.",
                summary.rural
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

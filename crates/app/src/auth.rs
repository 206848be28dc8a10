//! Logging in, sessions and API tokens (DESIGN.md, "Security"; ADR 0006): Argon2id password
//! hashes, sessions in the database with a 15-minute idle timeout, login throttling per client
//! address and per account, and per-user bearer tokens stored as SHA-256 digests, revocable and
//! optionally expiring.

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use durable_domain::ids::{ApiTokenId, UserId};
use durable_domain::role::Role;
use durable_domain::validation::FieldErrors;
use durable_store::audit::{self as store_audit, NewEvent};
use durable_store::users;
use rand::RngCore;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use crate::audit::{Audit, record};
use crate::forms::MAX_TEXT;
use crate::{Actor, App, AppError, AppResult, Permission};

/// A session ends after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(15);
/// Failed logins from one client address, within `LOCKOUT`, after which that address gets no
/// more passwords checked until the window ends.
pub const MAX_FAILED_LOGINS_PER_ADDRESS: u32 = 5;
/// Failed logins on one account, from any addresses, that lock the account for `LOCKOUT`. Higher
/// than the per-address limit, so that one address alone cannot lock staff out.
pub const MAX_FAILED_LOGINS: i32 = 20;
/// How long a lock-out lasts.
pub const LOCKOUT: Duration = Duration::minutes(15);
/// A session's last-seen time is written at most this often, to spare the database.
const TOUCH_INTERVAL: Duration = Duration::seconds(30);
/// A token's last use is written at most this often.
const TOKEN_TOUCH_INTERVAL: Duration = Duration::minutes(1);
/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;
/// The one answer to every refused login: it neither says whether the name exists nor whether
/// a lock is in force, so user names cannot be probed.
pub const LOGIN_REFUSED: &str = "The user name or password is wrong, or there were too many failed logins (then wait 15 minutes or ask an administrator to unlock the account).";

/// Hashes a password with Argon2id and a random salt.
pub fn hash_password(password: &str) -> AppResult<String> {
    let mut salt_bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|e| AppError::Internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::Internal(format!("hash: {e}")))
}

/// Checks a password off the async threads: Argon2 takes tens of milliseconds on purpose and
/// would otherwise stall every other request on the same worker.
async fn password_matches_blocking(password: &str, stored: &str) -> bool {
    let (password, stored) = (password.to_owned(), stored.to_owned());
    tokio::task::spawn_blocking(move || password_matches(&password, &stored))
        .await
        .unwrap_or(false)
}

fn password_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A new random secret (session or token) and the digest that is stored for it.
fn new_secret(prefix: &str) -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!("{prefix}{}", hex::encode(bytes));
    let digest = digest(&secret);
    (secret, digest)
}

/// The stored form of a secret.
fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn actor_of(user: &users::User, source: &str) -> AppResult<Actor> {
    Ok(Actor {
        user_id: Some(UserId::from_uuid(user.id)),
        username: user.username.clone(),
        role: Role::parse(&user.role).map_err(|e| AppError::Internal(e.0))?,
        source: source.to_owned(),
    })
}

/// A new session: the secret goes into the cookie, the actor into the request.
#[derive(Debug)]
pub struct LoggedIn {
    /// The session secret for the cookie.
    pub session_secret: String,
    /// Who logged in.
    pub actor: Actor,
}

/// Why a login was refused, for the audit trail only (the person is told `LOGIN_REFUSED`).
#[derive(Clone, Copy, Debug)]
enum Refusal {
    UnknownUser,
    Inactive,
    WrongPassword,
    AddressThrottled,
    AccountLocked,
}

impl Refusal {
    fn reason(self) -> &'static str {
        match self {
            Refusal::UnknownUser => "unknown user",
            Refusal::Inactive => "inactive account",
            Refusal::WrongPassword => "wrong password",
            Refusal::AddressThrottled => "too many failed logins from this address",
            Refusal::AccountLocked => "account locked",
        }
    }
}

/// Checks a user name and password and starts a session. Every refusal takes one password
/// check (a dummy one when no real check is allowed), gives the same answer and is audited.
pub async fn login(app: &App, username: &str, password: &str, source: &str) -> AppResult<LoggedIn> {
    let now = app.clock.now();
    let refuse = |user: Option<users::User>, refusal: Refusal| async move {
        let _ = password_matches_blocking(password, dummy_hash()).await;
        record_failed_login(app, user.as_ref(), source, refusal, false).await?;
        Err(AppError::Unauthenticated(LOGIN_REFUSED.into()))
    };
    let Some(mut permit) = app.guards.addresses.reserve(source, now) else {
        let user = users::by_username(app.store.conn(), username.trim()).await?;
        return refuse(user, Refusal::AddressThrottled).await;
    };
    let Some(user) = users::by_username(app.store.conn(), username.trim()).await? else {
        permit.failed();
        return refuse(None, Refusal::UnknownUser).await;
    };
    if !user.active {
        permit.failed();
        return refuse(Some(user), Refusal::Inactive).await;
    }
    // Counted before the check, in one statement, so a burst cannot check more passwords.
    if !users::reserve_login_attempt(app.store.conn(), user.id, MAX_FAILED_LOGINS, now).await? {
        permit.failed();
        return refuse(Some(user), Refusal::AccountLocked).await;
    }
    // The slow password check runs before the write transaction, so it never holds the lock.
    if !password_matches_blocking(password, &user.password_hash).await {
        permit.failed();
        record_failed_login(app, Some(&user), source, Refusal::WrongPassword, true).await?;
        return Err(AppError::Unauthenticated(LOGIN_REFUSED.into()));
    }
    drop(permit);
    let actor = actor_of(&user, source)?;
    let tx = app.store.begin_write().await?;
    users::clear_failed_logins(tx.conn(), user.id, now).await?;
    let (session_secret, session_digest) = new_secret("");
    users::insert_session(tx.conn(), session_digest, user.id, now).await?;
    record(
        tx.conn(),
        &app.clock,
        &actor,
        Audit::new("user.login", "user", user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(LoggedIn {
        session_secret,
        actor,
    })
}

/// Audits a refused login; after a wrong password (`counted`), locks the account when that was
/// its last allowed attempt, in the same transaction.
async fn record_failed_login(
    app: &App,
    user: Option<&users::User>,
    source: &str,
    refusal: Refusal,
    counted: bool,
) -> AppResult<()> {
    let now = app.clock.now();
    let tx = app.store.begin_write().await?;
    let locked = match user {
        Some(user) if counted => {
            users::lock_if_exhausted(tx.conn(), user.id, MAX_FAILED_LOGINS, now + LOCKOUT).await?
        }
        _ => false,
    };
    let action = if locked {
        "user.locked"
    } else {
        "user.login_failed"
    };
    store_audit::append(
        tx.conn(),
        NewEvent {
            occurred_at: now,
            actor_user_id: user.map(|u| u.id),
            actor_name: user.map_or_else(|| "unknown user".to_owned(), |u| u.username.clone()),
            actor_role: user.map_or_else(|| "none".to_owned(), |u| u.role.clone()),
            action: action.to_owned(),
            entity_type: "user".to_owned(),
            entity_id: user.map(|u| u.id.to_string()),
            detail: serde_json::json!({ "reason": refusal.reason() }).to_string(),
            source: source.to_owned(),
            patients: Vec::new(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A real Argon2id hash of a random password, checked against when the user name is unknown
/// so that the answer takes as long as for a known user.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        let (random, _) = new_secret("");
        hash_password(&random).unwrap_or_default()
    })
}

/// The actor behind a session cookie, if the session is alive; idle sessions are ended.
pub async fn resolve_session(app: &App, secret: &str, source: &str) -> AppResult<Option<Actor>> {
    let now = app.clock.now();
    let key = digest(secret);
    if let Some(actor) = app.guards.sessions.get(&key, now, source) {
        return Ok(Some(actor));
    }
    let Some((session, user)) = users::session_with_user(app.store.conn(), &key).await? else {
        return Ok(None);
    };
    let expired = session.last_seen_at + IDLE_TIMEOUT < now || !user.active;
    if expired || now - session.last_seen_at > TOUCH_INTERVAL {
        let tx = app.store.begin_write().await?;
        if expired {
            users::delete_session(tx.conn(), &key).await?;
        } else {
            users::touch_session(tx.conn(), &key, now).await?;
        }
        tx.commit().await?;
    }
    if expired {
        return Ok(None);
    }
    let actor = actor_of(&user, source)?;
    app.guards.sessions.put(key, &actor, now);
    Ok(Some(actor))
}

/// Ends a session.
pub async fn logout(app: &App, secret: &str, actor: &Actor) -> AppResult<()> {
    let key = digest(secret);
    app.guards.sessions.forget(&key);
    let tx = app.store.begin_write().await?;
    users::delete_session(tx.conn(), &key).await?;
    let user = actor.user_id.map(|id| id.as_uuid());
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::about("user.logout", "user", user),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The actor behind an API bearer token, if the token exists, is not revoked or expired and its
/// user is active. Tokens are looked up on every request (one indexed read, never the session
/// cache), so a revocation takes effect at once on every server; the last use is written at
/// most once a minute.
pub async fn resolve_token(app: &App, secret: &str, source: &str) -> AppResult<Option<Actor>> {
    let now = app.clock.now();
    let key = digest(secret);
    let Some((token, user)) = users::token_with_user(app.store.conn(), &key, now).await? else {
        return Ok(None);
    };
    if !user.active {
        return Ok(None);
    }
    if token
        .last_used_at
        .is_none_or(|used| now - used > TOKEN_TOUCH_INTERVAL)
    {
        let tx = app.store.begin_write().await?;
        users::touch_token(tx.conn(), token.id, now).await?;
        tx.commit().await?;
    }
    Ok(Some(actor_of(&user, source)?))
}

/// Records that `actor` was refused `what` for lack of a permission (403), so the trail shows
/// who tried what they may not do.
pub async fn record_refusal(app: &App, actor: &Actor, what: &str) -> AppResult<()> {
    let tx = app.store.begin_write().await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::about("access.refused", "route", None)
            .detail(serde_json::json!({ "request": what })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How long a resolved session is trusted without asking the database again. Logging out on
/// this server takes effect at once; on other servers of the same database within this time.
const SESSION_CACHE_TTL: Duration = Duration::seconds(5);
/// Entries kept at most; the cache is emptied when it is full (a burst of new sessions).
const SESSION_CACHE_SIZE: usize = 10_000;

/// What logging in and resolving sessions keep in memory: recently resolved sessions and the
/// failed logins per client address. API tokens are never cached here (or anywhere).
#[derive(Debug, Default)]
pub struct Guards {
    sessions: SessionCache,
    addresses: AddressThrottle,
}

/// Recently resolved session digests, so that a busy page does not read the same session and
/// user for every request. Only `resolve_session` reads it, so a session secret is never
/// accepted as a bearer token.
#[derive(Debug, Default)]
struct SessionCache {
    entries: Mutex<HashMap<String, (Actor, OffsetDateTime)>>,
}

impl SessionCache {
    fn get(&self, digest: &str, now: OffsetDateTime, source: &str) -> Option<Actor> {
        let entries = self.entries.lock().ok()?;
        let (actor, cached_at) = entries.get(digest)?;
        (now - *cached_at < SESSION_CACHE_TTL && *cached_at <= now).then(|| Actor {
            source: source.to_owned(),
            ..actor.clone()
        })
    }

    fn put(&self, digest: String, actor: &Actor, now: OffsetDateTime) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= SESSION_CACHE_SIZE {
                entries.clear();
            }
            entries.insert(digest, (actor.clone(), now));
        }
    }

    fn forget(&self, digest: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(digest);
        }
    }
}

/// Client addresses kept at most; beyond it, addresses whose window has ended are forgotten.
const ADDRESS_THROTTLE_SIZE: usize = 100_000;

/// Failed logins per client address within a window of `LOCKOUT`, with the attempts still
/// being checked counted too, so that a burst of parallel logins gets at most
/// `MAX_FAILED_LOGINS_PER_ADDRESS` passwords checked.
#[derive(Debug, Default)]
struct AddressThrottle {
    entries: Mutex<HashMap<String, AddressAttempts>>,
}

#[derive(Debug)]
struct AddressAttempts {
    failures: u32,
    in_flight: u32,
    window_start: OffsetDateTime,
}

impl AddressThrottle {
    /// A permit to check one password from `address`, or `None` when the address has used up
    /// its attempts for now.
    fn reserve<'a>(&'a self, address: &str, now: OffsetDateTime) -> Option<AttemptPermit<'a>> {
        let mut entries = self.entries.lock().ok()?;
        if entries.len() >= ADDRESS_THROTTLE_SIZE {
            entries.retain(|_, a| a.in_flight > 0 || a.window_start + LOCKOUT > now);
        }
        let attempts = entries
            .entry(address.to_owned())
            .or_insert(AddressAttempts {
                failures: 0,
                in_flight: 0,
                window_start: now,
            });
        if attempts.in_flight == 0 && attempts.window_start + LOCKOUT <= now {
            attempts.failures = 0;
            attempts.window_start = now;
        }
        if attempts.failures + attempts.in_flight >= MAX_FAILED_LOGINS_PER_ADDRESS {
            return None;
        }
        attempts.in_flight += 1;
        Some(AttemptPermit {
            throttle: self,
            address: address.to_owned(),
            failed: false,
        })
    }
}

/// One login attempt being checked; dropping it (also when the request is abandoned) settles
/// it, as a failure if `failed` was called.
struct AttemptPermit<'a> {
    throttle: &'a AddressThrottle,
    address: String,
    failed: bool,
}

impl AttemptPermit<'_> {
    fn failed(&mut self) {
        self.failed = true;
    }
}

impl Drop for AttemptPermit<'_> {
    fn drop(&mut self) {
        if let Ok(mut entries) = self.throttle.entries.lock()
            && let Some(attempts) = entries.get_mut(&self.address)
        {
            attempts.in_flight = attempts.in_flight.saturating_sub(1);
            if self.failed {
                attempts.failures += 1;
            }
        }
    }
}

/// Lifts a user's lock-out and forgets their failed logins.
pub async fn unlock_user(app: &App, actor: &Actor, username: &str) -> AppResult<()> {
    actor.require(Permission::UserAdmin)?;
    let tx = app.store.begin_write().await?;
    let user = users::by_username(tx.conn(), username.trim())
        .await?
        .ok_or(AppError::NotFound("user"))?;
    users::unlock(tx.conn(), user.id).await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("user.unlock", "user", user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a staff user.
pub async fn add_user(
    app: &App,
    actor: &Actor,
    username: &str,
    display_name: &str,
    role: Role,
    password: &str,
) -> AppResult<UserId> {
    actor.require(Permission::UserAdmin)?;
    let mut errors = FieldErrors::new();
    let username = username.trim();
    if username.is_empty()
        || username.len() > 64
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        errors.add(
            "username",
            "Use 1-64 letters, digits, dots, dashes or underscores.",
        );
    }
    let display_name = errors
        .optional("display_name", Some(display_name), MAX_TEXT)
        .unwrap_or_default();
    if password.chars().count() < MIN_PASSWORD_LEN {
        errors.add(
            "password",
            format!("Use a password of at least {MIN_PASSWORD_LEN} characters."),
        );
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let id = UserId::new();
    let tx = app.store.begin_write().await?;
    users::insert(
        tx.conn(),
        users::User {
            id: id.as_uuid(),
            username: username.to_owned(),
            display_name,
            role: role.as_str().to_owned(),
            password_hash: hash_password(password)?,
            failed_logins: 0,
            locked_until: None,
            active: true,
            created_at: app.clock.now(),
        },
    )
    .await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("user.create", "user", id.as_uuid())
            .detail(serde_json::json!({"role": role.as_str()})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A new API token: the secret is shown once and never stored.
#[derive(Debug)]
pub struct NewToken {
    /// The token's id (to revoke it).
    pub id: ApiTokenId,
    /// The bearer secret.
    pub secret: String,
}

/// Issues an API token for a user.
pub async fn issue_token(
    app: &App,
    actor: &Actor,
    username: &str,
    name: &str,
    expires_at: Option<OffsetDateTime>,
) -> AppResult<NewToken> {
    actor.require(Permission::UserAdmin)?;
    if expires_at.is_some_and(|at| at <= app.clock.now()) {
        return Err(FieldErrors::single("expires_at", "Choose an expiry in the future.").into());
    }
    let tx = app.store.begin_write().await?;
    let user = users::by_username(tx.conn(), username.trim())
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let id = ApiTokenId::new();
    let (secret, token_digest) = new_secret("dur_");
    users::insert_token(
        tx.conn(),
        users::ApiToken {
            id: id.as_uuid(),
            user_id: user.id,
            name: name.trim().to_owned(),
            token_hash: token_digest,
            created_at: app.clock.now(),
            last_used_at: None,
            revoked_at: None,
            expires_at,
        },
    )
    .await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("token.create", "api_token", id.as_uuid()),
    )
    .await?;
    tx.commit().await?;
    Ok(NewToken { id, secret })
}

/// Revokes an API token.
pub async fn revoke_token(app: &App, actor: &Actor, id: ApiTokenId) -> AppResult<()> {
    actor.require(Permission::UserAdmin)?;
    let tx = app.store.begin_write().await?;
    if !users::revoke_token(tx.conn(), id.as_uuid(), app.clock.now()).await? {
        return Err(AppError::NotFound("active API token"));
    }
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("token.revoke", "api_token", id.as_uuid()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A user as the administrator sees them.
#[derive(Clone, Debug, serde::Serialize)]
pub struct UserView {
    /// Login name.
    pub username: String,
    /// Full name.
    pub display_name: String,
    /// Role label.
    pub role: &'static str,
    /// Whether the account may log in.
    pub active: bool,
    /// Whether the account is locked out now.
    pub locked: bool,
}

/// Every user, for the administrator.
pub async fn list_users(app: &App, actor: &Actor) -> AppResult<Vec<UserView>> {
    actor.require(Permission::UserAdmin)?;
    let now = app.clock.now();
    Ok(users::list(app.store.conn())
        .await?
        .into_iter()
        .map(|u| UserView {
            role: Role::parse(&u.role).map_or("unknown", Role::label),
            locked: u.locked_until.is_some_and(|until| until > now),
            username: u.username,
            display_name: u.display_name,
            active: u.active,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hashes_verify_and_are_salted() {
        let first = hash_password("correct horse battery").unwrap();
        let second = hash_password("correct horse battery").unwrap();
        assert_ne!(first, second, "each hash has its own salt");
        assert!(first.starts_with("$argon2id$"));
        assert!(password_matches("correct horse battery", &first));
        assert!(!password_matches("wrong horse battery", &first));
        assert!(dummy_hash().starts_with("$argon2id$"));
        assert!(!password_matches("anything", dummy_hash()));
    }

    #[test]
    fn secrets_are_random_and_only_their_digest_is_kept() {
        let (a, a_digest) = new_secret("dur_");
        let (b, _) = new_secret("dur_");
        assert_ne!(a, b);
        assert!(a.starts_with("dur_") && a.len() == 68);
        assert_eq!(digest(&a), a_digest);
        assert!(!a_digest.contains(&a[4..]));
    }
}

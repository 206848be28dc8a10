//! Logging in, sessions and API tokens (DESIGN.md, "Security"): Argon2id password hashes,
//! sessions in the database with a 15-minute idle timeout, lock-out for 15 minutes after 5
//! failed logins, and per-user bearer tokens stored as SHA-256 digests and revocable.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use durable_domain::ids::{ApiTokenId, UserId};
use durable_domain::role::Role;
use durable_domain::validation::FieldErrors;
use durable_store::users;
use rand::RngCore;
use sha2::{Digest, Sha256};
use time::Duration;

use crate::audit::{Audit, record};
use crate::forms::MAX_TEXT;
use crate::{Actor, App, AppError, AppResult, Permission};

/// A session ends after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(15);
/// Failed logins in a row that lock an account.
pub const MAX_FAILED_LOGINS: i32 = 5;
/// How long a lock-out lasts.
pub const LOCKOUT: Duration = Duration::minutes(15);
/// A session's last-seen time is written at most this often, to spare the database.
const TOUCH_INTERVAL: Duration = Duration::seconds(30);
/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;

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

/// Checks a user name and password and starts a session.
pub async fn login(app: &App, username: &str, password: &str, source: &str) -> AppResult<LoggedIn> {
    let refused = || AppError::Unauthenticated("The user name or password is wrong.".into());
    let now = app.clock.now();
    // The slow password check runs before the write transaction, so it never holds the lock.
    let Some(user) = users::by_username(app.store.conn(), username.trim()).await? else {
        // Spend the same time as a real check so user names cannot be probed by timing.
        let _ = password_matches_blocking(password, dummy_hash()).await;
        return Err(refused());
    };
    if !user.active {
        let _ = password_matches_blocking(password, dummy_hash()).await;
        return Err(refused());
    }
    if let Some(until) = user.locked_until.filter(|until| *until > now) {
        return Err(AppError::Unauthenticated(format!(
            "This account is locked after {MAX_FAILED_LOGINS} failed logins; try again after {} UTC or ask an administrator.",
            until
                .time()
                .format(time::macros::format_description!("[hour]:[minute]"))
                .unwrap_or_default()
        )));
    }
    let actor = actor_of(&user, source)?;
    let matches = password_matches_blocking(password, &user.password_hash).await;
    let tx = app.store.begin_write().await?;
    // Re-read inside the transaction so concurrent failures each count.
    let user = users::by_id(tx.conn(), user.id)
        .await?
        .ok_or_else(refused)?;
    if !matches {
        let failures = user.failed_logins + 1;
        let (failures, locked_until) = if failures >= MAX_FAILED_LOGINS {
            (0, Some(now + LOCKOUT))
        } else {
            (failures, None)
        };
        users::set_login_state(tx.conn(), user.id, failures, locked_until).await?;
        let action = if locked_until.is_some() {
            "user.locked"
        } else {
            "user.login_failed"
        };
        record(
            tx.conn(),
            &app.clock,
            &actor,
            Audit::new(action, "user", user.id),
        )
        .await?;
        tx.commit().await?;
        return Err(refused());
    }
    users::set_login_state(tx.conn(), user.id, 0, None).await?;
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
    if let Some(actor) = app.secrets.get(&key, now, source) {
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
    app.secrets.put(key, &actor, now);
    Ok(Some(actor))
}

/// Ends a session.
pub async fn logout(app: &App, secret: &str, actor: &Actor) -> AppResult<()> {
    let key = digest(secret);
    app.secrets.forget(&key);
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

/// The actor behind an API bearer token, if the token exists and is not revoked.
pub async fn resolve_token(app: &App, secret: &str, source: &str) -> AppResult<Option<Actor>> {
    let now = app.clock.now();
    let key = digest(secret);
    if let Some(actor) = app.secrets.get(&key, now, source) {
        return Ok(Some(actor));
    }
    let Some((_token, user)) = users::token_with_user(app.store.conn(), &key).await? else {
        return Ok(None);
    };
    if !user.active {
        return Ok(None);
    }
    let actor = actor_of(&user, source)?;
    app.secrets.put(key, &actor, now);
    Ok(Some(actor))
}

/// How long a resolved session or token is trusted without asking the database again. Logging
/// out and revoking a token on this server take effect at once; on other servers of the same
/// database within this time.
const SECRET_CACHE_TTL: Duration = Duration::seconds(5);
/// Entries kept at most; the cache is emptied when it is full (a burst of new secrets).
const SECRET_CACHE_SIZE: usize = 10_000;

/// Recently resolved session and token digests, so that a busy page or integration does not
/// read the same session and user for every request.
#[derive(Debug, Default)]
pub struct SecretCache {
    entries: std::sync::Mutex<std::collections::HashMap<String, (Actor, time::OffsetDateTime)>>,
}

impl SecretCache {
    fn get(&self, digest: &str, now: time::OffsetDateTime, source: &str) -> Option<Actor> {
        let entries = self.entries.lock().ok()?;
        let (actor, cached_at) = entries.get(digest)?;
        (now - *cached_at < SECRET_CACHE_TTL && *cached_at <= now).then(|| Actor {
            source: source.to_owned(),
            ..actor.clone()
        })
    }

    fn put(&self, digest: String, actor: &Actor, now: time::OffsetDateTime) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= SECRET_CACHE_SIZE {
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

    fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
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
) -> AppResult<NewToken> {
    actor.require(Permission::UserAdmin)?;
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
    // The cache is keyed by digest, which the id does not give; forget every entry.
    app.secrets.clear();
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

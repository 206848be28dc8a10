//! Staff accounts, their browser sessions and their API tokens. Session and token secrets are
//! stored only as SHA-256 digests, so a copy of the database does not let anyone log in.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::{api_token, session, user};
use crate::{Db, StoreResult};

pub use crate::entity::api_token::Model as ApiToken;
pub use crate::entity::user::Model as User;

/// Adds a user.
pub async fn insert(db: &impl Db, new: User) -> StoreResult<()> {
    user::Entity::insert(user::ActiveModel::from(new))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The user with this login name.
pub async fn by_username(db: &impl Db, username: &str) -> StoreResult<Option<User>> {
    Ok(user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(db)
        .await?)
}

/// The user with this id.
pub async fn by_id(db: &impl Db, id: Uuid) -> StoreResult<Option<User>> {
    Ok(user::Entity::find_by_id(id).one(db).await?)
}

/// Every user, by name.
pub async fn list(db: &impl Db) -> StoreResult<Vec<User>> {
    Ok(user::Entity::find()
        .order_by_asc(user::Column::Username)
        .all(db)
        .await?)
}

/// How many users exist (an empty database has none).
pub async fn count(db: &impl Db) -> StoreResult<u64> {
    Ok(user::Entity::find().count(db).await?)
}

/// Counts a login attempt against an account before its password is checked, in one
/// statement so that parallel attempts cannot all pass: answers `false` (check nothing) when the
/// account is locked now or already has `max_failures` attempts counted.
pub async fn reserve_login_attempt(
    db: &impl Db,
    id: Uuid,
    max_failures: i32,
    now: OffsetDateTime,
) -> StoreResult<bool> {
    let done = user::Entity::update_many()
        .col_expr(
            user::Column::FailedLogins,
            Expr::col(user::Column::FailedLogins).add(1),
        )
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::FailedLogins.lt(max_failures))
        .filter(
            user::Column::LockedUntil
                .is_null()
                .or(user::Column::LockedUntil.lte(now)),
        )
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Locks an account until `until` once `max_failures` attempts have failed (the count starts
/// again for the next lock); answers whether this call locked it.
pub async fn lock_if_exhausted(
    db: &impl Db,
    id: Uuid,
    max_failures: i32,
    until: OffsetDateTime,
) -> StoreResult<bool> {
    let done = user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(user::Column::LockedUntil, Expr::value(until))
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::FailedLogins.gte(max_failures))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Forgets the failed attempts after a correct password, unless the account was locked in the
/// meantime (a lock set by a burst of attempts stays until it ends or an administrator lifts it).
pub async fn clear_failed_logins(db: &impl Db, id: Uuid, now: OffsetDateTime) -> StoreResult<()> {
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .filter(user::Column::Id.eq(id))
        .filter(
            user::Column::LockedUntil
                .is_null()
                .or(user::Column::LockedUntil.lte(now)),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Lifts a lock-out and forgets the failed attempts; answers whether the user exists.
pub async fn unlock(db: &impl Db, id: Uuid) -> StoreResult<bool> {
    let done = user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(
            user::Column::LockedUntil,
            Expr::value(Option::<OffsetDateTime>::None),
        )
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Replaces a user's password hash and clears any lock-out.
pub async fn set_password(db: &impl Db, id: Uuid, password_hash: String) -> StoreResult<()> {
    user::ActiveModel {
        id: Set(id),
        password_hash: Set(password_hash),
        failed_logins: Set(0),
        locked_until: Set(None),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Starts a session identified by the digest of its secret.
pub async fn insert_session(
    db: &impl Db,
    token_hash: String,
    user_id: Uuid,
    now: OffsetDateTime,
) -> StoreResult<()> {
    session::Entity::insert(session::ActiveModel {
        token_hash: Set(token_hash),
        user_id: Set(user_id),
        created_at: Set(now),
        last_seen_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The session with this digest and its user, in one query (it runs on every page request).
pub async fn session_with_user(
    db: &impl Db,
    token_hash: &str,
) -> StoreResult<Option<(session::Model, User)>> {
    let found = session::Entity::find_by_id(token_hash.to_owned())
        .one(db)
        .await?;
    let Some(session) = found else {
        return Ok(None);
    };
    Ok(by_id(db, session.user_id)
        .await?
        .map(|user| (session, user)))
}

/// Marks a session as used now (the idle timeout counts from here).
pub async fn touch_session(db: &impl Db, token_hash: &str, now: OffsetDateTime) -> StoreResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .filter(session::Column::TokenHash.eq(token_hash))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends a session.
pub async fn delete_session(db: &impl Db, token_hash: &str) -> StoreResult<()> {
    session::Entity::delete_by_id(token_hash.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session idle since before `idle_since`.
pub async fn delete_idle_sessions(db: &impl Db, idle_since: OffsetDateTime) -> StoreResult<u64> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::LastSeenAt.lt(idle_since))
        .exec(db)
        .await?
        .rows_affected)
}

/// Stores a new API token.
pub async fn insert_token(db: &impl Db, token: ApiToken) -> StoreResult<()> {
    api_token::Entity::insert(api_token::ActiveModel::from(token))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The token with this digest and its user, in one query (every API request), unless it is
/// revoked or expired at `now`.
pub async fn token_with_user(
    db: &impl Db,
    token_hash: &str,
    now: OffsetDateTime,
) -> StoreResult<Option<(ApiToken, User)>> {
    let found = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash))
        .filter(api_token::Column::RevokedAt.is_null())
        .filter(
            api_token::Column::ExpiresAt
                .is_null()
                .or(api_token::Column::ExpiresAt.gt(now)),
        )
        .find_also_related(user::Entity)
        .one(db)
        .await?;
    Ok(found.and_then(|(token, user)| user.map(|user| (token, user))))
}

/// Records that a token was used at `now`.
pub async fn touch_token(db: &impl Db, id: Uuid, now: OffsetDateTime) -> StoreResult<()> {
    api_token::Entity::update_many()
        .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A user's tokens, newest first.
pub async fn tokens_of(db: &impl Db, user_id: Uuid) -> StoreResult<Vec<ApiToken>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Revokes a token; answers whether an active token was revoked.
pub async fn revoke_token(db: &impl Db, id: Uuid, now: OffsetDateTime) -> StoreResult<bool> {
    let done = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

//! The routes of `protocol.rs`'s table, their bodies and their errors.
//!
//! A request's body is read in full before a database connection is taken, so a slow or
//! oversized upload holds no connection another request needs; a `Content-Length` over
//! [`protocol::MAX_BODY`] is refused before anything is read.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use deadpool_postgres::Pool;

use super::db::{self, Caller};
use super::{Fail, push};
use crate::protocol::{self, InviteRequest, JoinRequest, PushRequest};

/// The service's routes over `pool`.
pub fn router(pool: Pool) -> Router {
    Router::new()
        .route("/v1/join", post(join))
        .route("/v1/invites", post(invites))
        .route("/v1/push", post(push_route))
        .route("/v1/pull", get(pull))
        .route("/v1/health", get(health))
        .fallback(|| async { Fail::NotFound("no such path".into()) })
        .layer(DefaultBodyLimit::max(protocol::MAX_BODY))
        .with_state(pool)
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            Fail::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            Fail::Unauthorized => (StatusCode::UNAUTHORIZED, "a valid bearer token is needed".into()),
            Fail::Forbidden(m) => (StatusCode::FORBIDDEN, m),
            Fail::NotFound(m) => (StatusCode::NOT_FOUND, m),
            Fail::Gone(m) => (StatusCode::GONE, m),
            Fail::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, format!("the body is over {} bytes", protocol::MAX_BODY)),
            Fail::Unavailable(m) => (StatusCode::SERVICE_UNAVAILABLE, m),
            Fail::Internal(m) => (StatusCode::INTERNAL_SERVER_ERROR, m),
        };
        if status.is_server_error() {
            eprintln!("meedoen-server: {status}: {message}");
        }
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            "internal error (see the server's log)".to_string()
        } else {
            message
        };
        (status, [(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))], message + "\n")
            .into_response()
    }
}

/// A bincode answer.
fn octets(body: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"))], body).into_response()
}

/// The request's head and its whole body (413 over the limit).
async fn read(req: Request) -> Result<(Parts, Bytes), Fail> {
    let too_long = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > protocol::MAX_BODY as u64);
    if too_long {
        return Err(Fail::TooLarge);
    }
    let (parts, body) = req.into_parts();
    let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), &()).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Fail::TooLarge
        } else {
            Fail::BadRequest("the body could not be read".into())
        }
    })?;
    Ok((parts, bytes))
}

/// The bearer token of `Authorization: Bearer <64 hex digits>`.
fn bearer(headers: &HeaderMap) -> Result<[u8; 32], Fail> {
    let value = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).ok_or(Fail::Unauthorized)?;
    let hex = value.strip_prefix("Bearer ").ok_or(Fail::Unauthorized)?.trim();
    let mut token = [0u8; 32];
    if hex.len() != 64 || !hex.is_ascii() {
        return Err(Fail::Unauthorized);
    }
    for (i, byte) in token.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| Fail::Unauthorized)?;
    }
    Ok(token)
}

fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Fail> {
    protocol::decode(body).map_err(|e| Fail::BadRequest(format!("the body is not a valid message: {e}")))
}

fn encode<T: serde::Serialize>(value: &T) -> Result<Response, Fail> {
    Ok(octets(protocol::encode(value).map_err(Fail::Internal)?))
}

/// The token is checked for its form before the body is read, and looked up after.
async fn authenticated(pool: &Pool, req: Request) -> Result<(Caller, Parts, Bytes), Fail> {
    let token = bearer(req.headers())?;
    let (parts, body) = read(req).await?;
    let caller = db::caller(pool, &token).await?;
    Ok((caller, parts, body))
}

async fn join(State(pool): State<Pool>, req: Request) -> Result<Response, Fail> {
    let (_, body) = read(req).await?;
    let join: JoinRequest = decode(&body)?;
    encode(&db::join(&pool, &join).await?)
}

async fn invites(State(pool): State<Pool>, req: Request) -> Result<Response, Fail> {
    let (caller, _, body) = authenticated(&pool, req).await?;
    let invite: InviteRequest = decode(&body)?;
    db::invite(&pool, caller, &invite).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn push_route(State(pool): State<Pool>, req: Request) -> Result<Response, Fail> {
    let (caller, _, body) = authenticated(&pool, req).await?;
    let push: PushRequest = decode(&body)?;
    push::validate(&push)?;
    Ok(octets(push::push(&pool, caller, &push).await?))
}

async fn pull(State(pool): State<Pool>, req: Request) -> Result<Response, Fail> {
    let (caller, parts, _) = authenticated(&pool, req).await?;
    let q = pull_query(parts.uri.query().unwrap_or(""))?;
    encode(&db::pull(&pool, caller, &q).await?)
}

/// `since=SEQ&limit=N&people=1&skip_people=SEQ` (all optional: from the start,
/// [`protocol::MAX_PULL`] at most, every kind, nothing left out).
fn pull_query(query: &str) -> Result<protocol::PullQuery, Fail> {
    let mut q = protocol::PullQuery { since: 0, limit: protocol::MAX_PULL, people: false, skip_people: 0 };
    let number = |value: &str, name: &str| -> Result<i64, Fail> {
        value.parse().map_err(|_| Fail::BadRequest(format!("{name} is not a number")))
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match name {
            "since" => q.since = number(value, name)?,
            "limit" => q.limit = u32::try_from(number(value, name)?.max(0)).unwrap_or(u32::MAX),
            "people" => q.people = number(value, name)? != 0,
            "skip_people" => q.skip_people = number(value, name)?,
            _ => {}
        }
    }
    q.limit = q.limit.clamp(1, protocol::MAX_PULL);
    Ok(q)
}

async fn health(State(pool): State<Pool>) -> Result<Response, Fail> {
    db::health(&pool).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bearer_token_is_64_hex_digits() {
        let mut headers = HeaderMap::new();
        assert!(bearer(&headers).is_err());
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer 00ff"));
        assert!(bearer(&headers).is_err());
        let hex = "ab".repeat(32);
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {hex}")).unwrap());
        assert_eq!(bearer(&headers).ok(), Some([0xab; 32]));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(&format!("Basic {hex}")).unwrap());
        assert!(bearer(&headers).is_err());
    }

    #[test]
    fn the_pull_query_has_defaults_and_limits() {
        let q = |since, limit, people, skip_people| protocol::PullQuery { since, limit, people, skip_people };
        assert_eq!(pull_query("").ok(), Some(q(0, protocol::MAX_PULL, false, 0)));
        assert_eq!(pull_query("since=7&limit=10").ok(), Some(q(7, 10, false, 0)));
        assert_eq!(pull_query("limit=999999").ok(), Some(q(0, protocol::MAX_PULL, false, 0)));
        assert_eq!(pull_query("people=1&skip_people=40").ok(), Some(q(0, protocol::MAX_PULL, true, 40)));
        assert!(pull_query("since=x").is_err());
        assert!(pull_query("skip_people=x").is_err());
    }
}

//! Tokens: client credentials with refresh, or a caller's token provider.

use super::Client;
use crate::core::error::{Error, ErrorCode};
use crate::core::http::{encode_component, Body, HttpRequest, Method, Transport};
use crate::core::model::TokenResponse;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// What a token provider answers.
pub type TokenFuture = Pin<Box<dyn Future<Output = Result<TokenResponse, Error>>>>;
/// A caller's function that answers a fresh token (no secret in the page).
pub type TokenProvider = Rc<dyn Fn() -> TokenFuture>;

/// Renew when less than this much of a token's life is left (as the reference does).
const RENEW_MARGIN_MS: i64 = 10 * 60 * 1000;

/// How a client authenticates.
pub enum Credentials {
    /// OAuth client credentials (trusted internal tools only: the secret is in the page).
    ClientSecret {
        /// The API client id.
        client_id: String,
        /// The API client secret.
        client_secret: String,
    },
    /// A function that answers `{ access_token, expires_in }`.
    Provider(TokenProvider),
}

struct Token {
    access: String,
    refresh: Option<String>,
    renew_after_ms: i64,
}

pub(super) struct Auth {
    credentials: Credentials,
    token: RefCell<Option<Token>>,
}

impl Auth {
    pub(super) fn new(credentials: Credentials) -> Self {
        Auth {
            credentials,
            token: RefCell::new(None),
        }
    }

    /// Forgets `token` after the server refused it.
    pub(super) fn invalidate(&self, token: &str) {
        let mut slot = self.token.borrow_mut();
        if slot.as_ref().is_some_and(|t| t.access == token) {
            if let Some(t) = slot.as_mut() {
                t.renew_after_ms = i64::MIN;
            }
        }
    }

    /// A token that is good for now, fetched or renewed when needed.
    pub(super) async fn token<T: Transport>(&self, client: &Client<T>) -> Result<String, Error> {
        let now = client.now();
        let refresh = match &*self.token.borrow() {
            Some(t) if now < t.renew_after_ms => return Ok(t.access.clone()),
            Some(t) => t.refresh.clone(),
            None => None,
        };
        let response = match &self.credentials {
            Credentials::Provider(provide) => provide().await.map_err(|mut e| {
                e.code = ErrorCode::Auth;
                e.message = format!("the token provider failed: {}", e.message);
                e
            })?,
            Credentials::ClientSecret {
                client_id,
                client_secret,
            } => {
                let from_refresh = match refresh {
                    Some(r) => self
                        .request(
                            client,
                            format!(
                                "grant_type=refresh_token&refresh_token={}",
                                encode_component(&r)
                            ),
                        )
                        .await
                        .ok(),
                    None => None,
                };
                match from_refresh {
                    Some(t) => t,
                    None => {
                        let form = format!(
                            "grant_type=client_credentials&client_id={}&client_secret={}",
                            encode_component(client_id),
                            encode_component(client_secret)
                        );
                        self.request(client, form).await?
                    }
                }
            }
        };
        if response.access_token.is_empty() || !response.expires_in.is_finite() {
            return Err(Error::new(
                ErrorCode::Auth,
                "the token answer holds no usable access_token and expires_in",
            ));
        }
        let lifetime_ms = (response.expires_in * 1000.0) as i64;
        let renew_after_ms = now + (lifetime_ms - RENEW_MARGIN_MS).max(lifetime_ms / 2);
        let access = response.access_token.clone();
        *self.token.borrow_mut() = Some(Token {
            access: response.access_token,
            refresh: response.refresh_token,
            renew_after_ms,
        });
        Ok(access)
    }

    async fn request<T: Transport>(
        &self,
        client: &Client<T>,
        form: String,
    ) -> Result<TokenResponse, Error> {
        let path = "/auth/oauth/token";
        let mut headers = vec![(
            "Content-Type".to_string(),
            "application/x-www-form-urlencoded".to_string(),
        )];
        headers.extend(client.additional_headers.iter().cloned());
        let request = HttpRequest {
            method: Method::Post,
            url: format!("{}{path}", client.url),
            path: path.into(),
            headers,
            body: Body::Form(form),
        };
        // Concurrent calls that all need a token share one token request.
        let key = format!("token:{}", request.body_key());
        let send = async {
            client.transport.send(request).await.map_err(|e| {
                let mut error = super::transport_error(e, Method::Post, path, false);
                error.message = format!("could not get a token: {}", error.message);
                error
            })
        };
        let response = client.inflight.share(&key, send).await?;
        if !(200..300).contains(&response.status) {
            // The body may echo what was sent; keep only the status and the server's message.
            let mut error = super::http_error(Method::Post, path, &response);
            error.code = ErrorCode::Auth;
            error.message = format!(
                "could not get a token: the server answered {}",
                response.status
            );
            return Err(error);
        }
        crate::core::store::from_json(&response.body).map_err(|e| {
            Error::new(
                ErrorCode::Auth,
                format!("the token answer is not valid: {e}"),
            )
            .on(Method::Post, path)
        })
    }
}

/** Options of `fetchToken`: the client credentials, kept on the server. */
export interface FetchTokenOptions {
  /** The API's base URL. Default: `https://api.kaleidoscope.bio`. */
  url?: string;
  /** OAuth client id. */
  clientId: string;
  /** OAuth client secret: only ever sent to the token endpoint. */
  clientSecret: string;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/**
 * Gets an access token with client credentials (`POST /auth/oauth/token`, form
 * body `grant_type=client_credentials&client_id=…&client_secret=…`). Resolves to
 * what a page's `tokenProvider` must resolve to. Rejects with a `KalbioError`
 * (`invalid_argument`, `auth_error`, `network_error`, `aborted` or `decode_error`).
 */
export declare function fetchToken(options: FetchTokenOptions): Promise<{ access_token: string; expires_in: number }>;

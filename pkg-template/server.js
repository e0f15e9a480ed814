// `kalbio/server`: for code that runs on a server (a Next.js route handler, an
// Express route, a serverless function), never in the page. It holds the
// client secret and hands the page short-lived tokens for `tokenProvider`.
// Plain JavaScript over fetch: it loads no wasm.

const DEFAULT_URL = "https://api.kaleidoscope.bio";

class TokenError extends Error {
  constructor(message, fields) {
    super(message);
    this.name = "KalbioError";
    Object.assign(this, { code: "auth_error", status: null, method: "POST", path: "/auth/oauth/token", body: null, requestId: null, attempts: 1 }, fields);
  }
}

/**
 * Gets an access token with client credentials: `POST {url}/auth/oauth/token`
 * with the form body `grant_type=client_credentials&client_id=…&client_secret=…`.
 * Resolves to `{ access_token, expires_in }` (seconds), what `tokenProvider`
 * must resolve to, and nothing else of the answer (no refresh token).
 * Rejects with a `KalbioError`: `invalid_argument` for missing options,
 * `auth_error` when the server refuses the credentials (its status and body
 * kept, never the secret), `network_error` when it cannot be reached.
 */
export async function fetchToken({ url = DEFAULT_URL, clientId, clientSecret, signal } = {}) {
  for (const [name, value] of [["clientId", clientId], ["clientSecret", clientSecret], ["url", url]]) {
    if (typeof value !== "string" || value === "") {
      throw new TokenError(`fetchToken: options.${name} must be a non-empty string`, { code: "invalid_argument", method: null, path: null, attempts: null });
    }
  }
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret });
  let response;
  try {
    response = await fetch(`${url.replace(/\/+$/, "")}/auth/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
      signal,
    });
  } catch (e) {
    const aborted = e && e.name === "AbortError";
    throw new TokenError(`fetchToken: the token endpoint could not be reached: ${e && e.message}`, { code: aborted ? "aborted" : "network_error", cause: e });
  }
  const text = await response.text();
  const requestId = response.headers.get("x-request-id");
  if (!response.ok) {
    throw new TokenError(`fetchToken: the token endpoint answered ${response.status}`, { status: response.status, body: text, requestId });
  }
  let answer;
  try {
    answer = JSON.parse(text);
  } catch (e) {
    throw new TokenError("fetchToken: the token endpoint's answer is not JSON", { code: "decode_error", status: response.status, requestId, cause: e });
  }
  if (typeof answer.access_token !== "string" || typeof answer.expires_in !== "number") {
    throw new TokenError("fetchToken: the token endpoint's answer has no access_token and expires_in", { code: "decode_error", status: response.status, requestId });
  }
  return { access_token: answer.access_token, expires_in: answer.expires_in };
}

// The backend half of `tokenProvider`: the client secret stays on the server,
// the page gets a short-lived access token. Add your own check of who is asking
// (a session cookie) before handing one out.
import { fetchToken } from "kalbio/server";

export const dynamic = "force-dynamic";

export async function GET() {
  const token = await fetchToken({
    url: process.env.KALEIDOSCOPE_URL,
    clientId: process.env.KALEIDOSCOPE_CLIENT_ID,
    clientSecret: process.env.KALEIDOSCOPE_CLIENT_SECRET,
  });
  return Response.json(token, { headers: { "cache-control": "no-store" } });
}

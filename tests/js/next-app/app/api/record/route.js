// A route handler that uses kalbio on the server (Node runtime): the package
// loads its wasm on first use, from wherever the bundler left the package.
import { KaleidoscopeClient } from "kalbio";

export const dynamic = "force-dynamic";

export async function GET() {
  const client = new KaleidoscopeClient({
    url: process.env.KALEIDOSCOPE_URL,
    clientId: process.env.KALEIDOSCOPE_CLIENT_ID,
    clientSecret: process.env.KALEIDOSCOPE_CLIENT_SECRET,
  });
  const record = await client.records.getRecordById({ "Compound ID": "CMP-0043" });
  return Response.json({ identifier: record.record_identifier, shown: String(record) });
}

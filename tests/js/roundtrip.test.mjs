// The compact store prints back exactly what the server sent: for every demo
// record, the bytes of GET /records go into the store, and toJSON() and every
// getter deep-equal JSON.parse of the same bytes, in headless Chromium.
import { test } from "node:test";
import assert from "node:assert/strict";
import { browserHarnessForFile } from "./helpers.mjs";

const harness = browserHarnessForFile("--seed", "demo");

test("toJSON and the getters of every demo record equal JSON.parse of the response bytes", async () => {
  const h = await harness;
  const out = await h.run(async (k, url) => {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const ids = await c.records.searchRecords({ limit: 100000 });
    const token = (await (await fetch(`${url}/auth/oauth/token`, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: "sandbox", client_secret: "sandbox-secret" }) })).json()).access_token;
    const wire = [];
    for (let i = 0; i < ids.length; i += 250) {
      const res = await fetch(`${url}/records?record_ids=${ids.slice(i, i + 250).join(",")}`, { headers: { "X-Kal-Authorization": `Bearer ${token}` } });
      wire.push(...JSON.parse(new TextDecoder().decode(await res.arrayBuffer())));
    }
    const records = await c.records.getRecordsByIds(ids);
    const mismatches = [];
    const same = (a, b) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
    const sorted = (v) => (Array.isArray(v) ? v.map(sorted) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((key) => [key, sorted(v[key])])) : v);
    records.forEach((r, i) => {
      const want = wire[i];
      const checks = {
        toJSON: [r.toJSON(), want],
        id: [r.id, want.id],
        created_at: [r.created_at, want.created_at],
        entity_slice_id: [r.entity_slice_id, want.entity_slice_id],
        identifier_ids: [r.identifier_ids, want.identifier_ids],
        record_identifier: [r.record_identifier, want.record_identifier],
        record_values: [r.record_values, want.record_values],
        initial_operation_id: [r.initial_operation_id, want.initial_operation_id],
        sub_record_ids: [r.sub_record_ids, want.sub_record_ids],
      };
      for (const [name, [got, expected]] of Object.entries(checks)) {
        if (!same(got, expected)) mismatches.push({ id: want.id, name, got, expected });
      }
    });
    return { count: records.length, wire: wire.length, mismatches: mismatches.slice(0, 3) };
  });
  assert.ok(out.count > 100, `only ${out.count} records`);
  assert.equal(out.count, out.wire);
  assert.deepEqual(out.mismatches, []);
});

// A user's Vite app: imports the installed package by name.
import init, { KaleidoscopeClient, FilterRuleType, KalbioError } from "kalbio";

const sandbox = new URLSearchParams(location.search).get("sandbox");
const out = document.getElementById("out");

try {
  await init();
  const client = new KaleidoscopeClient({ url: sandbox, clientId: "sandbox", clientSecret: "sandbox-secret" });
  const record = await client.records.getRecordById({ "Compound ID": "CMP-0042" });
  let rejected = null;
  try {
    await client.records.searchRecords({ entity_field_filters: [{ field_id: "nope", filter_type: FilterRuleType.IS_SET }] });
  } catch (e) {
    rejected = { isKalbioError: e instanceof KalbioError, code: e.code, status: e.status };
  }
  window.__result = { identifier: record.record_identifier, id: record.id, rejected };
} catch (e) {
  window.__result = { error: String(e && e.stack || e) };
}
out.textContent = JSON.stringify(window.__result, null, 2);

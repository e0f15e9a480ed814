// A scripted walk-through of the kalbio client against a running sandbox:
//   node examples/walkthrough.mjs http://127.0.0.1:8787
// It uses the built package (pkg/) exactly as an app would use the npm package.
import init, { KaleidoscopeClient, FilterRuleType, KalbioError } from "../pkg/node.js";

const url = process.argv[2] ?? "http://127.0.0.1:8787";
const say = (...parts) => console.log("  ", ...parts);

await init();
const client = new KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });

console.log(`1. Connected to ${url}; field and activity lists load once and are cached.`);
const dataFields = await client.entityFields.getDataFields();
await client.entityFields.getKeyFields();
const activities = await client.activities.getActivities();
const field = Object.fromEntries(dataFields.map((f) => [f.field_name, f.id]));
say(`${dataFields.length} data fields: ${dataFields.map((f) => f.field_name).join(", ")}`);
say(`${activities.length} activities: ${activities.map((a) => a.title).join(", ")}`);

console.log("2. A record by its key values, and its values by field name.");
const cmp42 = await client.records.getRecordById({ "Compound ID": "CMP-0042" });
say(`${cmp42.record_identifier}: IC50 ${cmp42.getValueContent("IC50")} nM, assay ${cmp42.getValueContent("Assay")}, targets ${cmp42.getValueContent("Targets")}`);

console.log("3. A server search: IC50 < 100 nM measured by SPR, most potent first.");
const query = {
  entity_field_filters: [
    { field_id: field["IC50"], filter_type: FilterRuleType.IS_LESS_THAN, filter_prop: 100 },
    { field_id: field["Assay"], filter_type: "is_equal", filter_prop: "SPR" },
  ],
  entity_field_sorts: [{ field_id: field["IC50"], descending: false }],
  limit: 5,
};
let t = performance.now();
const ids = await client.records.searchRecords(query);
const serverMs = performance.now() - t;
const hits = await client.records.getRecordsByIds(ids);
for (const r of hits) say(`${r.record_identifier}  IC50 ${r.getValueContent("IC50")}`);

console.log("4. The same query over cached records, in wasm, after loading every record once.");
const all = await client.records.searchRecords({});
t = performance.now();
await client.records.getRecordsByIds(all);
say(`loaded ${all.length} records in ${(performance.now() - t).toFixed(0)} ms (batches of 250)`);
t = performance.now();
client.records.queryCached(query); // the first call lays the cached records out for searching
const firstMs = performance.now() - t;
t = performance.now();
const local = client.records.queryCached(query);
say(`queryCached answered in ${(performance.now() - t).toFixed(2)} ms (first call ${firstMs.toFixed(1)} ms), the server in ${serverMs.toFixed(1)} ms; same ids: ${JSON.stringify(local) === JSON.stringify(ids)}`);

console.log("5. Writing: a new record, a value in an experiment, the value history.");
const demo = await client.records.getOrCreateRecord({ "Compound ID": `DEMO-${Date.now()}` });
await demo.updateField("Notes", "made by the walk-through", "Kinase panel Q1");
await demo.updateField("IC50", 42.5);
say(`${demo.record_identifier}: Notes "${demo.getValueContent("Notes")}", IC50 ${demo.getValueContent("IC50")}`);
for (const v of await demo.getValues()) say(`  ${v.created_at}  ${JSON.stringify(v.content)}`);

console.log("6. A file value: upload, then download the same bytes.");
const bytes = new TextEncoder().encode("well,signal\nA1,812\nA2,97\n");
const file = await demo.updateFieldFile("Plate map", "plate.csv", bytes, "text/csv");
const back = await client.downloadFile(file.content.file_id);
say(`uploaded ${file.content.file_name} (${file.content.size} B); downloaded ${back.length} B, equal: ${Buffer.from(back).equals(Buffer.from(bytes))}`);

console.log("7. Errors are KalbioErrors with a code to branch on.");
try {
  await client.records.searchRecords({ entity_field_filters: [{ field_id: field["IC50"], filter_type: "is_less_than", filter_prop: "abc" }] });
} catch (e) {
  say(`${e instanceof KalbioError ? "KalbioError" : "?"} ${e.code} ${e.status}: ${e.message}`);
}
console.log("cache:", JSON.stringify(client.cacheStats()));

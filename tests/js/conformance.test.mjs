// The .d.ts against real values: every data type the package hands out is
// collected in headless Chromium from the sandbox, written into a TypeScript
// file as typed constants (`const x: RecordValue = <the JSON it answered>;`)
// and checked by tsc with `strict` and `exactOptionalPropertyTypes`. An object
// literal may hold no member its type lacks, a required member must be there,
// and an optional one must be absent or of its type exactly: so a member
// declared `?: string` that arrives as `null`, or a map declared `Map` that
// arrives as a plain object, fails. A deliberately wrong value must fail too.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { browserHarnessForFile, JS_DIR } from "./helpers.mjs";

const TSC = join(JS_DIR, "node_modules/typescript/bin/tsc");
const DIR = join(JS_DIR, ".scratch", "conformance");
mkdirSync(DIR, { recursive: true });

/** Runs in the page: [type, label, value] for every kind of value the API hands out. */
async function collect(k, url) {
  const out = [];
  const add = (type, label, value) => out.push([type, label, value]);
  const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
  const keyFields = await c.entityFields.getKeyFields();
  const dataFields = await c.entityFields.getDataFields();
  keyFields.forEach((f, i) => add("EntityField", `key field ${i}`, f));
  dataFields.forEach((f, i) => add("EntityField", `data field ${i}`, f));
  const emptyField = await c.entityFields.getOrCreateDataField(`Conformance ${Date.now()}`, "number");
  add("EntityField", "getOrCreateDataField", emptyField);
  add("EntityField", "getOrCreateKeyField", await c.entityFields.getOrCreateKeyField("Compound ID"));
  const activities = await c.activities.getActivities();
  activities.forEach((a, i) => add("Activity", `activity ${i}`, a));
  const created = await c.activities.createActivity({ title: `Conformance ${Date.now()}`, activity_type: "task" });
  add("Activity", "createActivity", created);
  add("Activity", "getActivityById", await c.activities.getActivityById(created.id));
  add("Activity | null", "getActivityById (none)", await c.activities.getActivityById("00000000-0000-4000-8000-000000000000"));

  const ids = await c.records.searchRecords({ limit: 30 });
  add("string[]", "searchRecords", ids);
  add("string[]", "searchRecords()", (await c.records.searchRecords()).slice(0, 3));
  const records = await c.records.getRecordsByIds(ids);
  // CMP-0025 has sub-records; CMP-0001 a file value; a new record has no initial activity.
  records.push(await c.records.getRecordById({ "Compound ID": "CMP-0025" }));
  const parent = records[records.length - 1];
  records.push(await c.records.getRecordById(parent.sub_record_ids[0]));
  records.push(await c.records.getOrCreateRecord({ "Compound ID": `CONF-${Date.now()}` }));
  records.forEach((r, i) => add("RecordJSON", `toJSON ${r.record_identifier} ${i}`, r.toJSON()));
  records.slice(0, 5).forEach((r, i) =>
    add("RecordJSON", `getters ${r.record_identifier} ${i}`, {
      id: r.id, created_at: r.created_at, entity_slice_id: r.entity_slice_id, identifier_ids: r.identifier_ids,
      record_identifier: r.record_identifier, record_values: r.record_values, initial_operation_id: r.initial_operation_id,
      sub_record_ids: r.sub_record_ids,
    }),
  );
  add("string[]", "queryCached", c.records.queryCached({ limit: 3 }));
  // columns(): Float64Arrays (NaN where missing) and texts, written as TypeScript source.
  const tsColumns = (answer) => `{ ids: ${JSON.stringify(answer.ids)}, columns: { ${Object.entries(answer.columns).map(([name, column]) =>
    `${JSON.stringify(name)}: ${column instanceof Float64Array ? `new Float64Array([${Array.from(column, (x) => (Number.isNaN(x) ? "NaN" : String(x))).join(", ")}])` : JSON.stringify(column)}`).join(", ")} } }`;
  const byIds = c.records.columns(records.slice(0, 4), ["IC50", "Assay", "Targets", emptyField]);
  add("RecordColumns", "columns(records, fields)", { ts: tsColumns(byIds) });
  add("boolean", "columns: numbers are a Float64Array", byIds.columns.IC50 instanceof Float64Array && byIds.columns[emptyField.id] instanceof Float64Array);
  add("boolean", "columns: texts are an array", Array.isArray(byIds.columns.Assay));
  add("RecordColumns", "columns(query, fields, options)", { ts: tsColumns(c.records.columns({ limit: 3 }, [dataFields[0].id, "Status"], { includeSubRecordValues: true })) });
  const first = records[0];
  for (const [i, v] of (await first.getValues()).entries()) add("RecordValue", `getValues ${i}`, v);
  add("RecordValue", "updateField", await first.updateField("Notes", `conformance ${Date.now()}`));
  add("RecordValue", "addValue", await first.addValue("Notes", `added ${Date.now()}`));
  add("RecordValue", "addValue in an activity", await first.addValue("IC50", 3.5, created.id));
  add("RecordValue", "updateField in an activity", await first.updateField("IC50", 12.5, created.id));
  add("RecordValue", "updateFieldFile", await first.updateFieldFile("Plate map", "p.csv", new Uint8Array([1, 2]), "text/csv"));
  add("RecordValue", "createRecordValueFile", await c.records.createRecordValueFile(first.id, "Plate map", "q.csv", new Blob(["x"]), "text/csv"));
  add("FileContent", "file content", first.getValueContent("Plate map"));
  for (const [i, a] of (await first.getActivities()).entries()) add("Activity", `record activity ${i}`, a);
  for (const [i, a] of (await c.activities.getActivitiesWithRecord(first)).entries()) add("Activity", `with record ${i}`, a);
  add("{ [field_id: string]: unknown }", "getActivityData", first.getActivityData(created.id));
  add("CacheStats", "cacheStats", c.cacheStats());
  const types = await c.entityTypes.getTypes();
  types.forEach((t, i) => add("EntityType", `entity type ${i}`, t));
  add("EntityType | null", "getTypeByName", await c.entityTypes.getTypeByName(types[0].slice_name));
  add("EntityType | null", "getTypeByName (none)", await c.entityTypes.getTypeByName("No such type"));
  add("EntityType[]", "getTypesWithKeyFields", await c.entityTypes.getTypesWithKeyFields(types[0].key_field_ids));
  add("EntityType | null", "getTypeExactKeys", await c.entityTypes.getTypeExactKeys(types[0].key_field_ids));
  add("string[]", "getRecordIds", (await c.entityTypes.getRecordIds(types[0])).slice(0, 3));
  const bypass = await c.records.getRecordById(first.id, { useCache: false });
  add("RecordJSON", "getRecordById with useCache: false", bypass.toJSON());
  const bytes = await c.downloadFile(first.getValueContent("Plate map").file_id);
  add("boolean", "downloadFile answers a Uint8Array", bytes instanceof Uint8Array);
  add("null", "downloadFile (none)", await c.downloadFile("00000000-0000-4000-8000-000000000000"));

  const errorFields = (e) => ({ name: e.name, message: e.message, code: e.code, status: e.status, method: e.method, path: e.path, body: e.body, requestId: e.requestId });
  const fail = async (label, call) => {
    try {
      await call();
      add("never", label, "did not fail");
    } catch (e) {
      add("KalbioErrorFields", label, errorFields(e));
    }
  };
  await fail("invalid_argument", () => c.records.searchRecords({ limit: NaN }));
  await fail("not_found", () => first.getValueContent("No such field"));
  await fail("http_error", () => first.updateField("Notes", "x".repeat(10_000_000)));
  await fail("auth_error", () => new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "wrong" }).entityFields.getKeyFields());
  const controller = new AbortController();
  controller.abort();
  await fail("aborted", () => c.entityFields.getKeyFields({ signal: controller.signal }));
  return out;
}

const HEADER = `// Written by tests/js/conformance.test.mjs from values the package answered.
import type { RecordJSON, RecordValue, EntityField, Activity, CacheStats, FileContent, KalbioError, RecordColumns, EntityType } from "kalbio";
type KalbioErrorFields = Pick<KalbioError, "name" | "message" | "code" | "status" | "method" | "path" | "body" | "requestId">;
`;

function typedConstants(values) {
  return HEADER + values.map(([type, label, value], i) => `// ${label.replace(/\n/g, " ")}\nexport const v${i}: ${type} = ${type === "RecordColumns" ? value.ts : JSON.stringify(value)};\n`).join("");
}

function tsc(file) {
  mkdirSync(DIR, { recursive: true });
  const config = {
    compilerOptions: {
      target: "es2022", module: "esnext", moduleResolution: "bundler", strict: true, exactOptionalPropertyTypes: true,
      noEmit: true, skipLibCheck: false, lib: ["es2022", "esnext.disposable", "dom"],
      paths: { kalbio: ["../../../../pkg/index.d.ts"] },
    },
    files: [file],
  };
  const name = file.replace(/\.ts$/, ".tsconfig.json");
  writeFileSync(join(DIR, name), JSON.stringify(config, null, 2));
  return spawnSync(process.execPath, [TSC, "-p", join(DIR, name)], { encoding: "utf8" });
}

const harness = browserHarnessForFile("--seed", "demo");
let values;
before(async () => {
  values = await (await harness).run(collect);
});

test("every value the package answered type-checks as the .d.ts declares it (strict, exactOptionalPropertyTypes)", () => {
  const types = new Set(values.map(([type]) => type));
  for (const type of ["RecordJSON", "RecordValue", "EntityField", "Activity", "CacheStats", "FileContent", "KalbioErrorFields", "RecordColumns", "EntityType"]) assert.ok(types.has(type), `no ${type} collected`);
  assert.deepEqual(values.filter(([type, label]) => type === "boolean" && label.startsWith("columns:")).map(([, , v]) => v), [true, true]);
  assert.ok(!types.has("never"), "a call meant to fail succeeded");
  writeFileSync(join(DIR, "values.ts"), typedConstants(values));
  const run = tsc("values.ts");
  assert.equal(run.status, 0, run.stdout + run.stderr);
});

test("a wrong shape fails the same check: undefined for a null member, a Map for an object, a missing member", () => {
  const value = JSON.stringify(values.find(([type]) => type === "RecordValue")[2]);
  const activity = JSON.stringify(values.find(([type]) => type === "Activity")[2]);
  const { id, ...field } = values.find(([type]) => type === "EntityField")[2];
  const wrong = [
    `export const w0: RecordValue = { ...${value}, operation_id: undefined };`,
    `export const w1: Activity = { ...${activity}, data_table_record_mapping: new Map<string, string[]>() };`,
    `export const w2: EntityField = ${JSON.stringify(field)};`,
  ];
  writeFileSync(join(DIR, "wrong.ts"), HEADER + wrong.join("\n") + "\n");
  const run = tsc("wrong.ts");
  assert.notEqual(run.status, 0, "wrong.ts type-checked, but it must not");
  const lines = new Set([...run.stdout.matchAll(/wrong\.ts\((\d+),\d+\): error/g)].map((m) => m[1]));
  assert.equal(lines.size, 3, `each wrong constant must fail on its own line:\n${run.stdout}`);
});

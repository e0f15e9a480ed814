// The lab dashboard: every call goes through the kalbio package as a user's app would.
// Record content is only ever written with textContent: markup in a value shows as text.
import init, { KaleidoscopeClient } from "kalbio";
import "./style.css";
import { RULES, propInputs } from "./rules.js";
import { summarise, drawChart, drawScatter } from "./chart.js";
import { toCsv } from "./csv.js";

const $ = (id) => document.getElementById(id);
const PAGE_SIZE = 25;
const BATCH_SIZE = 250;
const TABLE_SKIPS = new Set(["file", "smiles-string"]);
const GROUPABLE = new Set(["select", "status", "text", "multiselect"]);

const state = {
  client: null,
  keyFields: [],
  dataFields: [],
  fields: [],
  fieldById: new Map(),
  activityById: new Map(),
  activities: [],
  columns: [],
  sort: null,
  mode: "server",
  ids: [],
  records: [],
  page: 0,
  timings: {},
  chart: null,
  selected: null,
  busy: 0,
};

// ---------------------------------------------------------------- errors

/** A KalbioError's message with what a user (or support) needs: code, status, request id. */
function describe(error) {
  if (error && error.name === "KalbioError") {
    const parts = [`code ${error.code}`];
    if (error.status) parts.push(`HTTP ${error.status}`);
    if (error.method && error.path) parts.push(`${error.method} ${error.path}`);
    if (error.requestId) parts.push(`request ${error.requestId}`);
    return `${error.message} (${parts.join(", ")})`;
  }
  return String((error && error.message) || error);
}

function showError(what, error, retry) {
  $("error-title").textContent = `${what} failed:`;
  $("error-detail").textContent = describe(error);
  $("error-retry").hidden = !retry;
  $("error-retry").onclick = () => {
    hideError();
    retry();
  };
  $("error").hidden = false;
}

function hideError() {
  $("error").hidden = true;
}

function setBusy(delta) {
  state.busy += delta;
  document.body.dataset.busy = String(state.busy);
}

/** Runs an action; a failure becomes a message with a retry button, never a blank page. */
async function attempt(what, action) {
  setBusy(1);
  try {
    hideError();
    return await action();
  } catch (error) {
    showError(what, error, () => attempt(what, action));
    return undefined;
  } finally {
    setBusy(-1);
  }
}

window.addEventListener("unhandledrejection", (event) => showError("A background task", event.reason, null));
window.addEventListener("error", (event) => showError("The page", event.error || event.message, null));
$("error-dismiss").addEventListener("click", hideError);

// ---------------------------------------------------------------- values as text

function formatValue(content) {
  if (content === null || content === undefined) return "";
  if (Array.isArray(content)) return content.map(formatValue).join(", ");
  if (typeof content === "object") {
    if (typeof content.file_name === "string") return `${content.file_name} (${content.size ?? "?"} bytes)`;
    if ("value" in content) return `${formatValue(content.value)}${content.unit ? ` ${content.unit}` : ""}`;
    return JSON.stringify(content);
  }
  return String(content);
}

function numeric(content) {
  if (typeof content === "number") return content;
  if (content && typeof content === "object" && typeof content.value === "number") return content.value;
  if (typeof content === "string" && content.trim() !== "" && Number.isFinite(Number(content))) return Number(content);
  return null;
}

/** A column from `columns()` as numbers: a Float64Array as it is; texts read as numbers where they are. */
function asNumbers(column) {
  if (column instanceof Float64Array) return column;
  return Float64Array.from(column, (text) => {
    if (text === null) return NaN;
    let content = text;
    try {
      content = JSON.parse(text);
    } catch {
      // a plain string
    }
    return numeric(content) ?? NaN;
  });
}

/** A column from `columns()` as labels, written as the table writes the field's values. */
function asLabels(column, field) {
  if (column instanceof Float64Array) return Array.from(column, (n) => (Number.isNaN(n) ? "" : String(n)));
  if (field.field_type !== "multiselect") return column.map((t) => t ?? "");
  return column.map((t) => {
    try {
      return formatValue(JSON.parse(t));
    } catch {
      return t ?? "";
    }
  });
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function option(value, label) {
  const node = el("option", label);
  node.value = value;
  return node;
}

// ---------------------------------------------------------------- sign in

const signinForm = $("signin");
signinForm.url.value = new URLSearchParams(location.search).get("sandbox") || "http://127.0.0.1:8787";

signinForm.addEventListener("submit", (event) => {
  event.preventDefault();
  attempt("Sign-in", signIn);
});

async function signIn() {
  const form = new FormData(signinForm);
  await init();
  const client = new KaleidoscopeClient({
    url: String(form.get("url")).trim(),
    clientId: String(form.get("clientId")),
    clientSecret: String(form.get("clientSecret")),
  });
  const [keyFields, dataFields, activities] = await Promise.all([
    client.entityFields.getKeyFields(),
    client.entityFields.getDataFields(),
    client.activities.getActivities(),
  ]);
  state.client?.free();
  Object.assign(state, { client, keyFields, dataFields, activities, fields: [...keyFields, ...dataFields], sort: null, selected: null });
  state.fieldById = new Map(state.fields.map((f) => [f.id, f]));
  state.activityById = new Map(activities.map((a) => [a.id, a]));
  state.columns = dataFields.filter((f) => !TABLE_SKIPS.has(f.field_type)).map((f) => f.id);
  $("session").textContent = `Signed in to ${form.get("url")} as ${form.get("clientId")}`;
  $("signin-view").hidden = true;
  $("app-view").hidden = false;
  buildColumnChoices();
  buildChartChoices();
  buildEditForms();
  $("filters").replaceChildren();
  await runQuery();
}

// ---------------------------------------------------------------- query

function addFilterRow() {
  const row = el("div", undefined, "filter");
  const field = el("select");
  field.name = "field";
  for (const f of state.fields) field.append(option(f.id, f.field_name));
  const rule = el("select");
  rule.name = "rule";
  for (const r of RULES) rule.append(option(r, r.replaceAll("_", " ")));
  const props = el("span");
  const remove = el("button", "Remove", "link");
  remove.type = "button";
  remove.addEventListener("click", () => row.remove());
  let inputs = null;
  const rebuild = () => {
    inputs = propInputs(rule.value, state.fieldById.get(field.value));
    props.replaceChildren(...inputs.elements);
  };
  field.addEventListener("change", rebuild);
  rule.addEventListener("change", rebuild);
  row.read = () => ({ field_id: field.value, filter_type: rule.value, filter_prop: inputs.read() });
  row.append(field, rule, props, remove);
  rebuild();
  $("filters").append(row);
  return row;
}

$("add-filter").addEventListener("click", addFilterRow);
$("run-query").addEventListener("click", () => attempt("Search", runQuery));
$("search-text").addEventListener("keydown", (event) => {
  if (event.key === "Enter") attempt("Search", runQuery);
});
for (const radio of document.querySelectorAll('input[name="mode"]')) {
  radio.addEventListener("change", () => {
    state.mode = radio.value;
    attempt("Search", runQuery);
  });
}

/** The SearchRecordsQuery the form describes; throws when a filter's input is incomplete. */
function readQuery() {
  const query = {};
  const text = $("search-text").value.trim();
  if (text) query.search_text = text;
  const filters = [...$("filters").children].map((row) => row.read());
  for (const f of filters) if (f.filter_prop === undefined) delete f.filter_prop;
  if (filters.length) query.entity_field_filters = filters;
  if (state.sort) query.entity_field_sorts = [{ field_id: state.sort.fieldId, descending: state.sort.descending }];
  return query;
}

async function runQuery() {
  const query = readQuery();
  const { client, mode } = state;
  const started = performance.now();
  const ids = mode === "server" ? await client.records.searchRecords(query) : client.records.queryCached(query);
  state.timings[mode] = { ms: performance.now() - started, rows: ids.length };
  renderTimings();
  state.records = await loadRecords(ids);
  state.ids = ids;
  state.page = 0;
  renderTable();
  renderChart();
}

/** Loads the records (from the cache when they are there) with a progress bar. */
async function loadRecords(ids) {
  const bar = $("progress");
  const text = $("progress-text");
  bar.hidden = false;
  bar.value = 0;
  try {
    const records = await state.client.records.getRecordsByIds(ids, BATCH_SIZE, {
      onProgress: (done, total) => {
        bar.value = total ? done / total : 1;
        text.textContent = `Loading records: ${done} of ${total}`;
      },
    });
    text.textContent = "";
    return records.filter((r) => r);
  } finally {
    bar.hidden = true;
  }
}

function renderTimings() {
  const parts = [];
  const names = { server: "server search", cached: "queryCached" };
  for (const mode of ["server", "cached"]) {
    const t = state.timings[mode];
    if (t) parts.push(`${names[mode]}: ${t.ms.toFixed(1)} ms (${t.rows} rows)`);
  }
  $("timings").textContent = parts.join(" · ");
}

// ---------------------------------------------------------------- table

function buildColumnChoices() {
  const box = $("column-choices");
  box.replaceChildren();
  for (const f of state.dataFields) {
    const label = el("label");
    const check = el("input");
    check.type = "checkbox";
    check.checked = state.columns.includes(f.id);
    check.addEventListener("change", () => {
      state.columns = state.dataFields.filter((d) => (d.id === f.id ? check.checked : state.columns.includes(d.id))).map((d) => d.id);
      renderTable();
    });
    label.append(check, document.createTextNode(f.field_name));
    box.append(label);
  }
}

function sortBy(fieldId) {
  const same = state.sort && state.sort.fieldId === fieldId;
  state.sort = { fieldId, descending: same ? !state.sort.descending : false };
  attempt("Sorting", runQuery);
}

/** The table's columns: the record's identifier, then the chosen fields. */
function tableColumns() {
  const keyField = state.keyFields[0];
  return [{ id: keyField?.id, name: "Record", record: true }, ...state.columns.map((id) => ({ id, name: state.fieldById.get(id)?.field_name ?? id }))];
}

/** Every filtered record (all pages) as CSV, cell for cell what the table shows. */
function exportCsv() {
  const columns = tableColumns();
  const rows = [columns.map((c) => c.name)];
  for (const record of state.records) {
    rows.push([record.record_identifier, ...columns.slice(1).map((c) => formatValue(record.getValueContent(c.id)))]);
  }
  const url = URL.createObjectURL(new Blob([toCsv(rows)], { type: "text/csv;charset=utf-8" }));
  const link = el("a");
  link.href = url;
  link.download = "records.csv";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

$("export-csv").addEventListener("click", () => attempt("Export", async () => exportCsv()));

function renderTable() {
  const head = $("records").tHead.rows[0];
  const columns = tableColumns();
  head.replaceChildren();
  for (const column of columns) {
    const arrow = state.sort && state.sort.fieldId === column.id ? (state.sort.descending ? " ▼" : " ▲") : "";
    const th = el("th", column.name + arrow, "sortable");
    th.dataset.field = column.name;
    th.title = `Sort by ${column.name}`;
    if (column.id) th.addEventListener("click", () => sortBy(column.id));
    head.append(th);
  }
  const pages = Math.max(1, Math.ceil(state.records.length / PAGE_SIZE));
  state.page = Math.min(state.page, pages - 1);
  const rows = state.records.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE);
  const body = $("records").tBodies[0];
  body.replaceChildren();
  for (const record of rows) {
    const tr = el("tr");
    tr.dataset.id = record.id;
    tr.append(el("td", record.record_identifier));
    for (const column of columns.slice(1)) {
      const content = record.getValueContent(column.id);
      tr.append(el("td", formatValue(content), typeof content === "number" ? "value number" : "value"));
    }
    tr.addEventListener("click", () => attempt("Opening the record", () => openRecord(record)));
    body.append(tr);
  }
  $("result-count").textContent = `${state.records.length} records`;
  $("page-info").textContent = `page ${state.page + 1} of ${pages}`;
  $("prev-page").disabled = state.page === 0;
  $("next-page").disabled = state.page >= pages - 1;
}

$("prev-page").addEventListener("click", () => {
  state.page -= 1;
  renderTable();
});
$("next-page").addEventListener("click", () => {
  state.page += 1;
  renderTable();
});

// ---------------------------------------------------------------- chart

function buildChartChoices() {
  const value = $("chart-value");
  const group = $("chart-group");
  const numbers = state.dataFields.filter((f) => f.field_type === "number");
  value.replaceChildren(...numbers.map((f) => option(f.id, f.field_name)));
  group.replaceChildren(...state.dataFields.filter((f) => GROUPABLE.has(f.field_type)).map((f) => option(f.id, f.field_name)));
  const assay = state.dataFields.find((f) => f.field_name === "Assay");
  if (assay) group.value = assay.id;
  $("scatter-x").replaceChildren(...numbers.map((f) => option(f.id, f.field_name)));
  $("scatter-y").replaceChildren(...numbers.map((f) => option(f.id, f.field_name)));
  if (numbers.length > 1) $("scatter-y").value = numbers[1].id;
}

$("chart-value").addEventListener("change", () => renderChart());
$("chart-group").addEventListener("change", () => renderChart());
$("scatter-x").addEventListener("change", () => renderChart());
$("scatter-y").addEventListener("change", () => renderChart());

/** Both charts, from one `columns()` call over every filtered record (not only the page shown). */
function renderChart() {
  const valueField = state.fieldById.get($("chart-value").value);
  const groupField = state.fieldById.get($("chart-group").value);
  const xField = state.fieldById.get($("scatter-x").value);
  const yField = state.fieldById.get($("scatter-y").value);
  const box = $("chart");
  if (!valueField || !groupField || !xField || !yField) {
    $("chart-caption").textContent = "No numeric field to chart.";
    return;
  }
  const started = performance.now();
  const { ids, columns } = state.client.records.columns(state.ids, [valueField.id, groupField.id, xField.id, yField.id]);
  const ms = performance.now() - started;
  const summary = summarise(asLabels(columns[groupField.id], groupField), asNumbers(columns[valueField.id]));
  state.chart = drawChart(box, state.chart, summary, valueField.field_name);
  box.uplot = state.chart;
  const counted = summary.counts.reduce((a, b) => a + b, 0);
  box.dataset.summary = JSON.stringify({ ...summary, records: ids.length });
  $("chart-caption").textContent = `${valueField.field_name} by ${groupField.field_name}: ${counted} of ${ids.length} records have a value, in ${summary.labels.length} groups. Bars start at zero. One columns() call: ${ms.toFixed(1)} ms.`;
  const scatter = $("scatter");
  const drawn = drawScatter(scatter, { ids, x: asNumbers(columns[xField.id]), y: asNumbers(columns[yField.id]), xName: xField.field_name, yName: yField.field_name });
  scatter.dataset.summary = JSON.stringify({ ...drawn, records: ids.length, x: xField.field_name, y: yField.field_name });
  $("scatter-caption").textContent = `${yField.field_name} against ${xField.field_name}: ${drawn.points} of ${ids.length} records have both. Log axes for positive values spanning two decades or more (IC50, Ki, EC50…).`;
}

// ---------------------------------------------------------------- record panel

function buildEditForms() {
  const edit = $("edit-form");
  edit.field.replaceChildren(...state.dataFields.filter((f) => f.field_type !== "file").map((f) => option(f.id, f.field_name)));
  edit.activity.replaceChildren(option("", "(none)"), ...state.activities.map((a) => option(a.id, a.title)));
  const upload = $("upload-form");
  upload.field.replaceChildren(...state.dataFields.filter((f) => f.field_type === "file").map((f) => option(f.id, f.field_name)));
}

async function openRecord(record) {
  state.selected = record;
  $("record-panel").hidden = false;
  $("record-title").textContent = record.record_identifier;
  renderRecordFields(record);
  const [values, activities] = await Promise.all([record.getValues(), record.getActivities()]);
  if (state.selected !== record) return;
  renderHistory(record, values);
  const list = $("record-activities");
  list.replaceChildren(...activities.map((a) => el("li", `${a.title} (${a.activity_type ?? "activity"})`)));
  if (!activities.length) list.append(el("li", "None."));
  $("record-panel").scrollIntoView({ block: "nearest" });
}

function renderRecordFields(record) {
  const body = $("record-fields").tBodies[0];
  body.replaceChildren();
  for (const field of state.fields) {
    const content = record.getValueContent(field.id);
    const tr = el("tr");
    tr.dataset.field = field.field_name;
    const td = el("td", formatValue(content), "value");
    if (content && typeof content === "object" && typeof content.file_id === "string") {
      const button = el("button", "Download", "link");
      button.type = "button";
      button.addEventListener("click", () => attempt("Download", () => download(content)));
      td.append(" ", button);
    }
    tr.append(el("th", field.field_name), td);
    body.append(tr);
  }
}

function renderHistory(record, values) {
  const fieldOfValue = new Map();
  for (const [fieldId, list] of Object.entries(record.record_values)) for (const v of list) fieldOfValue.set(v.id, fieldId);
  const sorted = [...values].sort((a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? ""));
  const body = $("record-history").tBodies[0];
  body.replaceChildren();
  for (const v of sorted) {
    const tr = el("tr");
    const field = state.fieldById.get(fieldOfValue.get(v.id));
    tr.append(
      el("td", field ? field.field_name : "(field not loaded)"),
      el("td", formatValue(v.content), "value"),
      el("td", v.created_at ?? "(undated)"),
      el("td", v.operation_id ? state.activityById.get(v.operation_id)?.title ?? v.operation_id : ""),
    );
    body.append(tr);
  }
}

async function download(content) {
  const bytes = await state.client.downloadFile(content.file_id);
  if (!bytes) throw new Error(`the file ${content.file_name} is no longer on the server`);
  const url = URL.createObjectURL(new Blob([bytes], { type: content.mime_type || "application/octet-stream" }));
  const link = el("a");
  link.href = url;
  link.download = content.file_name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function parseInput(field, text) {
  if (field.field_type === "number") {
    const n = Number(text);
    if (text.trim() === "" || !Number.isFinite(n)) throw new Error(`"${text}" is not a number`);
    return n;
  }
  if (field.field_type === "multiselect") return text.split(",").map((s) => s.trim()).filter((s) => s);
  return text;
}

/** After a write: the record panel, the table and the chart show the new data. */
async function afterWrite(record) {
  renderTable();
  renderChart();
  await openRecord(record);
}

$("edit-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const record = state.selected;
  attempt("Saving the value", async () => {
    const field = state.fieldById.get(form.field.value);
    const value = parseInput(field, form.value.value);
    await record.updateField(field.id, value, form.activity.value || undefined);
    form.value.value = "";
    await afterWrite(record);
  });
});

$("upload-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const record = state.selected;
  const file = form.file.files[0];
  attempt("Uploading the file", async () => {
    if (!file) throw new Error("choose a file first");
    await record.updateFieldFile(form.field.value, file.name, file, file.type || "application/octet-stream");
    form.reset();
    await afterWrite(record);
  });
});

$("close-record").addEventListener("click", () => {
  state.selected = null;
  $("record-panel").hidden = true;
});

document.body.dataset.busy = "0";

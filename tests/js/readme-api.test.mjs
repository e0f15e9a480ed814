// Every method the READMEs name exists in the shipped .d.ts with that signature: the
// name, a parameter count the declaration accepts and, where the README writes a
// parameter's name, that name at that place. Read from pkg/ as `make pkg` built it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers.mjs";

// Calls in the READMEs that are not the package's: the platform's and Node's.
const NOT_OURS = new Set(["fetch", "json", "log", "map", "fromEntries", "postMessage", "Worker", "URL", "resolve", "url", "defineConfig", "require", "then", "AbortController", "String", "inspect"]);

/** Splits a parameter or argument list at its top-level commas. */
function splitTopLevel(text) {
  const parts = [];
  let depth = 0;
  let current = "";
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      current += c;
      if (c === quote && text[i - 1] !== "\\") quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "=" && text[i + 1] === ">") { current += "=>"; i++; continue; }
    else if ("([{<".includes(c)) depth++;
    else if (")]}>".includes(c)) depth--;
    else if (c === "," && depth === 0) { parts.push(current.trim()); current = ""; continue; }
    current += c;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** The text between the parenthesis at `open` and its match, or null. */
function parenthesised(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) return text.slice(open + 1, i);
  }
  return null;
}

/** Methods of the .d.ts: name → [{ owner, params: [{ name, optional }] }]. */
function declaredMethods(dts) {
  const methods = new Map();
  const add = (owner, name, paramText) => {
    const params = splitTopLevel(paramText).map((p) => {
      const m = p.match(/^([\w$]+)(\?)?\s*:/);
      return m ? { name: m[1], optional: Boolean(m[2]) } : { name: p, optional: false };
    });
    if (!methods.has(name)) methods.set(name, []);
    methods.get(name).push({ owner, params });
  };
  let owner = null;
  for (const line of dts.split("\n")) {
    const cls = line.match(/^export (?:declare )?class (\w+)/);
    if (cls) { owner = cls[1]; continue; }
    if (/^}/.test(line)) { owner = null; continue; }
    const fn = line.match(/^export (?:declare )?function (\w+)\s*\((.*)\)\s*:/);
    if (fn) { add("function", fn[1], fn[2]); continue; }
    if (/^export default function/.test(line)) {
      add("function", "init", line.slice(line.indexOf("(") + 1, line.lastIndexOf("):")));
      continue;
    }
    const method = owner && line.match(/^ {2,4}([\w$]+)\((.*)\)(?::|;)/);
    if (method) { add(owner, method[1] === "constructor" ? owner : method[1], method[2]); continue; }
    // A callback among an options object's members (`onProgress`, `tokenProvider`).
    const callback = line.match(/^ {2,4}([\w$]+)\??: \((.*?)\) =>/);
    if (callback) add("option", callback[1], callback[2]);
  }
  return methods;
}

/** Why a call of `name` with `args` matches none of its declarations, or null when one fits. */
function mismatch(methods, name, args, checkNames) {
  const declarations = methods.get(name);
  if (!declarations) return `${name} is not in the .d.ts`;
  const reasons = [];
  for (const { owner, params } of declarations) {
    const required = params.filter((p) => !p.optional).length;
    if (args.length < required || args.length > params.length) {
      reasons.push(`${owner}.${name} takes ${required} to ${params.length} arguments, the README gives ${args.length}`);
      continue;
    }
    const wrong = checkNames
      ? args.map((a, i) => [a.match(/^([\w$]+)\??(?:\s*=.*)?$/)?.[1], params[i].name]).find(([a, p]) => a && a !== p)
      : undefined;
    if (wrong) { reasons.push(`${owner}.${name}'s parameter is ${wrong[1]}, the README says ${wrong[0]}`); continue; }
    return null;
  }
  return reasons.join("; ");
}

/** Every call the README writes: inline code like `getRecordById(id)`, and calls in its code blocks. */
function readmeCalls(markdown) {
  const calls = [];
  const blocks = [...markdown.matchAll(/```(\w*)\n([\s\S]*?)```/g)];
  for (const [, lang, code] of blocks) {
    if (!["js", "ts", "javascript", "typescript"].includes(lang)) continue;
    for (const m of code.matchAll(/(?:\.|\bnew\s+|^|[^\w$.])([A-Za-z_$][\w$]*)\s*\(/gm)) {
      const name = m[1];
      if (["if", "for", "while", "catch", "function", "async", "await", "return", "import", "switch"].includes(name)) continue;
      const open = m.index + m[0].length - 1;
      const inner = parenthesised(code, open);
      if (inner === null) continue;
      calls.push({ name, args: splitTopLevel(inner), checkNames: false, where: code.slice(m.index, open + 1 + Math.min(inner.length, 40)).trim() });
    }
  }
  const prose = markdown.replace(/```[\s\S]*?```/g, "");
  for (const [, span] of prose.replace(/\n/g, " ").matchAll(/`([^`]+)`/g)) {
    const m = span.match(/^(?:new\s+)?(?:[A-Za-z_$][\w$]*\.)*([A-Za-z_$][\w$]*)\((.*)\)$/);
    if (!m) continue;
    calls.push({ name: m[1], args: splitTopLevel(m[2]), checkNames: true, where: span });
  }
  return calls;
}

const dts = ["kalbio.d.ts", "index.d.ts", "server.d.ts"].map((file) => readFileSync(join(ROOT, "pkg", file), "utf8")).join("\n");
const methods = declaredMethods(dts);

test("the .d.ts parser finds the package's classes and methods", () => {
  assert.ok(methods.get("getRecordsByIds")?.some((d) => d.owner === "RecordsService" && d.params.length === 3));
  assert.ok(methods.get("getValueContent")?.some((d) => d.owner === "Record" && d.params[4]?.name === "recordViewId"));
  assert.ok(methods.has("KaleidoscopeClient"), "the constructor");
  assert.ok(methods.has("init"), "the default export");
  // A README call the .d.ts does not accept is reported.
  assert.match(mismatch(methods, "getValueContent", ["fieldId", "activityId", "a", "b", "c", "d"], true), /takes 1 to 5/);
  assert.match(mismatch(methods, "getRecordById", ["recordId"], true), /parameter is id/);
  assert.match(mismatch(methods, "getRecordByIdentifier", [], true), /not in the \.d\.ts/);
});

for (const file of ["README.md", "pkg-template/README.md"]) {
  test(`every method ${file} names is in the .d.ts with that signature`, () => {
    const calls = readmeCalls(readFileSync(join(ROOT, file), "utf8"));
    const ours = calls.filter((c) => !NOT_OURS.has(c.name));
    assert.ok(ours.length >= 20, `${file} names the API (${ours.length} calls found)`);
    const problems = ours.map((c) => [c.where, mismatch(methods, c.name, c.args, c.checkNames)]).filter(([, why]) => why);
    assert.deepEqual(problems, [], problems.map(([where, why]) => `${where}: ${why}`).join("\n"));
  });
}

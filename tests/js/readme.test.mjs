// The READMEs' first examples run as written (against a test sandbox instead of the
// URL they name, with a stand-in for the page's backend that hands out tokens).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, startSandbox, scratchProject } from "./helpers.mjs";

let sandbox;
before(async () => { sandbox = await startSandbox("--seed", "demo"); });
after(async () => { await sandbox?.stop(); });

// The page's backend, standing in for "/my-backend/kaleidoscope-token": it asks the
// sandbox for a token with the credentials that stay on the server.
function backend() {
  return `
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  if (String(input) !== "/my-backend/kaleidoscope-token") return realFetch(input, init);
  return realFetch(${JSON.stringify(`${sandbox.url}/auth/oauth/token`)}, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials&client_id=sandbox&client_secret=sandbox-secret",
  });
};
`;
}

test("the README's quick start prints the three most potent compounds, with a token from a backend", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const start = readme.slice(readme.indexOf("## Quick start"));
  const code = start.match(/```js\n([\s\S]*?)```/)[1];
  assert.ok(code.split("\n").filter((l) => l.trim()).length <= 20, "the example stays short");
  assert.match(code, /tokenProvider/, "the quick start keeps secrets out of the page");
  const dir = scratchProject("readme", { "example.mjs": backend() + code.replace("http://127.0.0.1:8787", sandbox.url) });
  const lines = execFileSync(process.execPath, ["example.mjs"], { cwd: dir, encoding: "utf8" }).trim().split("\n");
  assert.equal(lines.length, 3);
  const values = lines.map((line) => {
    const ic50 = line.slice(line.lastIndexOf(" ") + 1);
    assert.match(line, /^CMP-\d{4}/);
    return Number(ic50);
  });
  assert.ok(values.every((v) => v < 100));
  assert.deepEqual(values, [...values].sort((a, b) => a - b));
});

test("the npm README's first example prints a record's identifier and IC50, with a token from a backend", () => {
  const readme = readFileSync(join(ROOT, "pkg-template/README.md"), "utf8");
  const code = readme.match(/```js\n([\s\S]*?)```/)[1];
  const dir = scratchProject("npm-readme", { "example.mjs": backend() + code.replace("https://api.kaleidoscope.bio", sandbox.url) });
  const out = execFileSync(process.execPath, ["example.mjs"], { cwd: dir, encoding: "utf8" }).trim();
  const [identifier, ic50] = out.split(" ");
  assert.equal(identifier, "CMP-0042");
  assert.ok(Number.isFinite(Number(ic50)), `IC50 printed as ${ic50}`);
});

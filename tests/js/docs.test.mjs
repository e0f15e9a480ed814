// The documents a user gets: the API reference `make docs` builds from pkg/'s .d.ts
// (TypeDoc, warnings as errors), and the licence and README inside the tarball.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers.mjs";

const OUT = join(ROOT, "tests/out/api");
const TYPEDOC = join(ROOT, "tests/js/typedoc/node_modules/typedoc/bin/typedoc");

function typedoc(...args) {
  return spawnSync("bash", [join(ROOT, "scripts/docs.sh"), ...args], { cwd: ROOT, encoding: "utf8" });
}

test("make docs builds the reference from pkg/ with no warning", () => {
  rmSync(OUT, { recursive: true, force: true });
  const run = typedoc("--out", OUT);
  assert.equal(run.status, 0, `TypeDoc failed:\n${run.stdout}\n${run.stderr}`);
  for (const page of ["index.html", "classes/KaleidoscopeClient.html", "classes/RecordsService.html", "classes/Record.html", "classes/KalbioError.html", "interfaces/SearchRecordsQuery.html", "types/KalbioErrorCode.html", "variables/FilterRuleType.html"]) {
    assert.ok(existsSync(join(OUT, page)), `the reference has ${page}`);
  }
  const records = readFileSync(join(OUT, "classes/RecordsService.html"), "utf8");
  assert.match(records, /getRecordsByIds/);
  assert.match(records, /Fetches records in batches/, "doc comments reach the reference");
  assert.ok(!existsSync(join(OUT, "interfaces/InitOutput.html")), "the wasm module's raw exports are left out");
});

test("the reference's build fails on an export without a doc comment", () => {
  // The same options over a .d.ts that exports one undocumented function.
  const dir = join(ROOT, "tests/out/typedoc-undocumented");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "index.d.ts"), "/** Documented. */\nexport declare function documented(): void;\nexport declare function undocumented(): void;\n");
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, skipLibCheck: true, lib: ["es2022"] }, files: ["index.d.ts"] }));
  writeFileSync(join(dir, "typedoc.json"), JSON.stringify({ extends: [join(ROOT, "typedoc.json")], entryPoints: ["index.d.ts"], tsconfig: "tsconfig.json", readme: "none", out: "api" }));
  const run = spawnSync(process.execPath, [TYPEDOC, "--options", "typedoc.json"], { cwd: dir, encoding: "utf8" });
  assert.notEqual(run.status, 0, "TypeDoc passed an undocumented export");
  assert.match(run.stdout + run.stderr, /undocumented.*does not have any documentation/);
});

test("the packed tarball holds the licence, the README and the types", () => {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: join(ROOT, "pkg"), encoding: "utf8" });
  const files = JSON.parse(out)[0].files.map((f) => f.path);
  for (const file of ["LICENSE", "README.md", "index.d.ts", "kalbio.d.ts", "package.json"]) assert.ok(files.includes(file), `${file} is in the tarball: ${files.join(", ")}`);
  assert.match(readFileSync(join(ROOT, "pkg/LICENSE"), "utf8"), /^MIT License/);
  const pkg = JSON.parse(readFileSync(join(ROOT, "pkg/package.json"), "utf8"));
  assert.equal(pkg.license, "MIT");
  for (const key of ["repository", "homepage", "bugs", "keywords", "engines"]) assert.ok(pkg[key], `package.json has ${key}`);
});

// The generated .d.ts is API under test: diffed against the committed reference,
// and type-checked through files written as a user writes them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JS_DIR, ROOT } from "./helpers.mjs";

const TSC = join(JS_DIR, "node_modules/typescript/bin/tsc");

for (const file of ["kalbio.d.ts", "index.d.ts"]) {
  test(`pkg/${file} matches the committed reference`, () => {
    const built = readFileSync(join(ROOT, "pkg", file), "utf8");
    const referencePath = join(JS_DIR, "reference", file);
    if (process.env.UPDATE_DTS === "1") writeFileSync(referencePath, built);
    const reference = readFileSync(referencePath, "utf8");
    assert.equal(built, reference, `pkg/${file} changed: review the API change, then run UPDATE_DTS=1 make test`);
  });
}

test("a user's file with FilterRuleType and SearchRecordsQuery type-checks", () => {
  const run = spawnSync(process.execPath, [TSC, "-p", join(JS_DIR, "types/tsconfig.json")], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stdout + run.stderr);
});

test("a user's project with skipLibCheck off, lib ES2022 + DOM and strict: Record<string, number> beside KalbioRecord", () => {
  const run = spawnSync(process.execPath, [TSC, "-p", join(JS_DIR, "types/tsconfig.user.json")], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stdout + run.stderr);
});

test("a wrong filter_type string fails to type-check", () => {
  const run = spawnSync(process.execPath, [TSC, "-p", join(JS_DIR, "types/tsconfig.bad.json")], { encoding: "utf8" });
  assert.notEqual(run.status, 0, "bad-usage.ts type-checked, but it must not");
  assert.match(run.stdout + run.stderr, /bad-usage\.ts.*is_equals/s);
});

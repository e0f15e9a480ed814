// TypeDoc plugin for what wasm-bindgen writes into the .d.ts without doc comments.
// `InitOutput` (the wasm module's raw exports, which `init()` resolves to) is left
// out of the reference: no caller uses its members, and their names change with
// every build. `free()`, `[Symbol.dispose]()` and the loader's input types get the
// words a user needs. Everything else must carry its own doc comment, or
// `--treatWarningsAsErrors` fails the build.
import { Comment, Converter, ReflectionKind } from "typedoc";

const WORDS = {
  free: "Frees the object's wasm memory now rather than when it is garbage-collected. Using it afterwards throws.",
  "[dispose]": "Calls `free()`, so that `using` frees the object at the end of its block.",
  InitInput: "What `init()` loads the wasm module from: its URL, a `Response`, its bytes or a compiled `WebAssembly.Module`.",
  SyncInitInput: "What `initSync()` takes: the wasm module's bytes or a compiled `WebAssembly.Module`.",
};

const text = (words) => new Comment([{ kind: "text", text: words }]);

export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    for (const reflection of project.getReflectionsByKind(ReflectionKind.Interface)) {
      if (reflection.name === "InitOutput") project.removeReflection(reflection);
    }
    for (const reflection of project.getReflectionsByKind(ReflectionKind.Method | ReflectionKind.TypeAlias)) {
      const words = WORDS[reflection.name];
      if (!words) continue;
      const targets = reflection.signatures ?? [reflection];
      for (const target of targets) if (!target.comment) target.comment = text(words);
    }
  });
}

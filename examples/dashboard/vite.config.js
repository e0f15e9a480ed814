// The dashboard builds like any app that depends on kalbio: nothing special for the wasm.
export default { logLevel: "warn", build: { target: "es2022" }, server: { port: 5173 }, preview: { port: 5173 } };

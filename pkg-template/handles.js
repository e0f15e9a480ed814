// What a `Record` handle does after `free()`, and how it prints. wasm-bindgen's
// glue would throw a plain `Error("null pointer passed to rust")` from a freed
// handle; here every getter and method first checks the handle is alive and
// throws a `KalbioError` with code `freed` instead.

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** Guards each getter and method of `Class` (the glue's `Record`) against use after `free()`. */
export function guardHandles(Class, KalbioError) {
  const proto = Class.prototype;
  const freed = (member) =>
    new KalbioError(
      `this Record was freed (free() or a using block ended) before ${member} was read: free() releases the handle for everyone holding it; ask the client for the record again`,
      { code: "freed" },
    );
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (name === "constructor" || name === "free") continue;
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (d.get) {
      const get = d.get;
      d.get = function () {
        if (this.__wbg_ptr === 0) throw freed(name);
        return get.call(this);
      };
    } else if (typeof d.value === "function") {
      const method = d.value;
      d.value = function () {
        if (this.__wbg_ptr === 0) throw freed(`${name}()`);
        return method.apply(this, arguments);
      };
    } else {
      continue;
    }
    Object.defineProperty(proto, name, d);
  }
  const describe = function () {
    return this.__wbg_ptr === 0 ? "Record (freed)" : `Record ${this.record_identifier} (${this.id})`;
  };
  Object.defineProperty(proto, "toString", { value: describe, writable: true, configurable: true });
  Object.defineProperty(proto, INSPECT, { value: describe, writable: true, configurable: true });
}

// Loops over many small items that cost less in JavaScript than one crossing of
// the wasm boundary per item. Imported by the wasm module (src/wasm/convert.rs).

/**
 * The items of `list` joined into one text when every item is a string of 36
 * characters (a canonical uuid's length); undefined otherwise.
 */
export function joinUuids(list) {
  for (let i = 0; i < list.length; i++) {
    const id = list[i];
    if (typeof id !== "string" || id.length !== 36) return undefined;
  }
  return list.join("");
}

/**
 * A column of texts from its distinct texts and each row's code into them
 * (code 1 names `names[0]`; 0: null).
 */
export function textColumn(names, codes) {
  const out = new Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    out[i] = code === 0 ? null : names[code - 1];
  }
  return out;
}

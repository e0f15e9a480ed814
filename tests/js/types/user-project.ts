// A file of a user's project as Vite's template configures it (strict, lib
// ES2022 + DOM, skipLibCheck off): TypeScript's own Record<K, V> beside the
// package's record handle, imported under the name that does not shadow it.
import init, { KaleidoscopeClient, KalbioError, type KalbioRecord } from "kalbio";

export async function meltingPoints(url: string, ids: string[]): Promise<Record<string, number>> {
  await init();
  const client = new KaleidoscopeClient({ url, tokenProvider: async () => ({ access_token: "t", expires_in: 60 }) });
  const records: KalbioRecord[] = await client.records.getRecordsByIds(ids);
  const out: Record<string, number> = {};
  for (const record of records) {
    const value = record.getValueContent("Melting point");
    const name = record.record_identifier;
    if (typeof value === "number" && name !== null) out[name] = value;
  }
  return out;
}

export function describe(record: KalbioRecord): string {
  return String(record);
}

export function isFreed(e: unknown): boolean {
  return e instanceof KalbioError && e.code === "freed";
}

// What init() resolves to is not the wasm's internals.
export async function loaded(): Promise<void> {
  const output = await init();
  // @ts-expect-error: the wasm's exports are not part of the typed surface
  output.record_id;
}

// The plain-JavaScript baseline the benchmarks compare against: what a careful
// hand-written client does for the same questions, with fetch + res.json() and
// a Map cache, at the same concurrency.
export class BaselineClient {
  constructor({ url, clientId, clientSecret, concurrency = 4 }) {
    Object.assign(this, { url, clientId, clientSecret, concurrency });
    this.cache = new Map();
    this.token = null;
  }

  async headers() {
    if (!this.token) {
      const body = new URLSearchParams({ grant_type: "client_credentials", client_id: this.clientId, client_secret: this.clientSecret });
      const res = await fetch(`${this.url}/auth/oauth/token`, { method: "POST", body });
      this.token = (await res.json()).access_token;
    }
    return { "X-Kal-Authorization": `Bearer ${this.token}` };
  }

  async getRecordById(id) {
    const hit = this.cache.get(id);
    if (hit) return hit;
    const res = await fetch(`${this.url}/records/${id}`, { headers: await this.headers() });
    const record = await res.json();
    this.cache.set(id, record);
    return record;
  }

  async getRecordsByIds(ids, batchSize = 250) {
    const wanted = [...new Set(ids.filter((id) => !this.cache.has(id)))];
    const batches = [];
    for (let i = 0; i < wanted.length; i += batchSize) batches.push(wanted.slice(i, i + batchSize));
    const headers = await this.headers();
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        const res = await fetch(`${this.url}/records?record_ids=${batch.join(",")}`, { headers });
        for (const record of await res.json()) this.cache.set(record.id, record);
      }
    };
    await Promise.all(Array.from({ length: this.concurrency }, worker));
    return ids.map((id) => this.cache.get(id)).filter(Boolean);
  }

  async searchRecords(query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) params.set(k, typeof v === "string" ? v : JSON.stringify(v));
    const res = await fetch(`${this.url}/records/search?${params}`, { headers: await this.headers() });
    return res.json();
  }
}

/** The newest own or key value of a field, as getValueContent selects it. */
export function latestContent(record, fieldId) {
  let best = null;
  for (const v of record.record_values[fieldId] ?? []) {
    if (v.record_id !== null && v.record_id !== record.id) continue;
    if (best === null || (v.created_at ?? "") > (best.created_at ?? "")) best = v;
  }
  return best === null ? null : best.content;
}

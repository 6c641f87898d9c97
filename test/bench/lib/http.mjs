/** Minimal HTTP client helpers over fetch, failing loudly on unexpected statuses. */

export const CLIENT_HEADERS = {
  // What Confluent's clients send.
  accept: 'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json',
  'content-type': 'application/vnd.schemaregistry.v1+json',
};

/** A request; resolves to { status, contentType, text, json } and throws unless the status is in `ok`. */
export async function request(base, method, path, body, { ok = [200] } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: CLIENT_HEADERS,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!ok.includes(res.status)) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type'), text, json };
}

export const enc = encodeURIComponent;

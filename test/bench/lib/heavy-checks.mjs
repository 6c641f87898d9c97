/**
 * A client of its own for bench:complexity's part 2: posts the same heavy compatibility check over and over
 * (each text new to every cache) until told to stop. It runs in a child process so that building, sending
 * and receiving those large requests never runs on the event loop that times the reads: what is measured is
 * the registry's answer time, not the measuring client's.
 *
 * Parent → child (IPC): { url, path, schemaType, schema } to start, 'stop' to finish.
 * Child → parent: { checks, error? } once stopped.
 */
import { request } from './http.mjs';

let running = true;
process.on('message', (msg) => {
  if (msg === 'stop') {
    running = false;
    return;
  }
  void loop(msg);
});

async function loop({ url, path, schemaType, schema }) {
  let checks = 0;
  let error;
  for (let k = 1000; running; k++) {
    const r = await request(url, 'POST', path, JSON.stringify({ schemaType, schema: schema + ' '.repeat(k) }), { ok: [200, 409, 422] });
    if (r.status !== 200) {
      error = `heavy check answered ${r.status}: ${r.text.slice(0, 200)}`;
      break;
    }
    checks++;
  }
  process.send({ checks, error }, () => process.exit(0));
}

/** The header every benchmark prints: what ran, where, with which settings. */
import os from 'node:os';

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    load: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

/** Prints `title`, the machine and the settings (an object of name → value). */
export function printHeader(title, settings = {}) {
  const m = machineInfo();
  const lines = [
    `${title}`,
    `${'='.repeat(title.length)}`,
    `date      ${new Date().toISOString()}`,
    `machine   ${m.cores} cores, ${m.cpu}, ${m.memory}, ${m.platform}`,
    `node      ${m.node}  (load average ${m.load})`,
  ];
  for (const [k, v] of Object.entries(settings)) lines.push(`${k.padEnd(9)} ${v}`);
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

export const log = (msg) => process.stderr.write(`… ${msg}\n`);

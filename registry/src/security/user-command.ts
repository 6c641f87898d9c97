/**
 * `schema-registry user add <name> --users-file <file> [--group <g>]...` and `user remove <name>`. The
 * password is read from stdin (typed without echo on a terminal, or piped: the first line), hashed with
 * scrypt and never printed; the output names the user and the file only.
 */
import { parseArgs } from 'node:util';
import { hashPassword } from './passwords.js';
import { putUser, removeUser } from './users-file.js';

export const USER_HELP = `Usage: schema-registry user add <name> --users-file <file> [--group <group>]...
       schema-registry user remove <name> --users-file <file>

Adds (or replaces) a user of HTTP Basic authentication in the users file, which is created when absent.
The password is read from standard input: typed without echo on a terminal, or the first line of what is
piped in (printf '%s\\n' "$PASSWORD" | schema-registry user add alice --users-file users.json).
Only its scrypt hash is stored; nothing secret is printed. USERS_FILE may stand for --users-file.
`;

/** Reads a password without echoing it on a terminal. */
function promptHidden(stdin: NodeJS.ReadStream, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    process.stderr.write(prompt);
    let typed = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new Error('interrupted'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPiped(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text.split(/\r?\n/, 1)[0] ?? '';
}

export interface UserCommandIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/** Runs `user …` (argv after `user`); returns the exit code (2: usage). */
export async function runUserCommand(argv: readonly string[], io: UserCommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { 'users-file': { type: 'string' }, group: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    io.stderr.write(`schema-registry user: ${e instanceof Error ? e.message : String(e)}\n${USER_HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(USER_HELP);
    return 0;
  }
  const [action, name, ...rest] = positionals;
  const file = values['users-file'] ?? io.env.USERS_FILE;
  if ((action !== 'add' && action !== 'remove') || !name || rest.length > 0 || !file) {
    io.stderr.write(`schema-registry user: expected "add <name>" or "remove <name>" and --users-file\n${USER_HELP}`);
    return 2;
  }
  try {
    if (action === 'remove') {
      const removed = await removeUser(file, name);
      io.stdout.write(removed ? `user ${name} removed from ${file}\n` : `no user ${name} in ${file}\n`);
      return removed ? 0 : 1;
    }
    const password = io.stdin.isTTY ? await promptHidden(io.stdin, `Password for ${name}: `) : await readPiped(io.stdin);
    if (password === '') {
      io.stderr.write('schema-registry user: empty password (give it on standard input)\n');
      return 2;
    }
    const added = await putUser(file, name, await hashPassword(password), values.group ?? []);
    io.stdout.write(`user ${name} ${added ? 'added to' : 'updated in'} ${file}\n`);
    return 0;
  } catch (e) {
    io.stderr.write(`schema-registry user: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

/**
 * Confluent's wildcard matcher for `metadata.tags` keys (field full names): `*` any run of characters
 * but a dot, `**` any run at all, `?` one character but a dot, `\` escapes the next one. Same translation
 * to a regular expression as the Confluent clients, so a pattern matches the same fields in both.
 */
const compiled = new Map<string, RegExp | null>();

function toRegExp(glob: string): string {
  let dst = '';
  const src = glob.replaceAll('**.*', '**');
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    i++;
    switch (c) {
      case '*':
        if (i < src.length && src[i] === '*') {
          dst += '.*';
          i++;
        } else dst += '[^.]*';
        break;
      case '?':
        dst += '[^.]';
        break;
      case '.':
      case '+':
      case '{':
      case '}':
      case '(':
      case ')':
      case '|':
      case '^':
      case '$':
        dst += `\\${c}`;
        break;
      case '\\':
        // As Confluent's client: the next character is emitted escaped, doubled.
        dst += '\\';
        if (i + 1 < src.length) {
          dst += `\\${src[i]}`;
          i++;
        } else dst += '\\';
        break;
      default:
        dst += c;
    }
  }
  return dst;
}

/** Whether the whole of `name` matches the wildcard `pattern`. */
export function wildcardMatch(name: string, pattern: string): boolean {
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${toRegExp(pattern)})$`);
    } catch {
      re = null;
    }
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re !== null && re.test(name);
}

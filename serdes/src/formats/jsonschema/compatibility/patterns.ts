/** `patternProperties` matching: a pattern covers a name when it matches anywhere in it (Java's `find`). */
const compiled = new Map<string, RegExp | null>();

export function matches(pattern: string, name: string): boolean {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    regex = compile(pattern);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex !== null && regex.test(name);
}

function compile(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return null;
    }
  }
}

/**
 * What the compiled Avro encoder (avro-encoder.ts) and decoder (avro-decoder.ts) share: each generates the
 * JavaScript of one function per schema, with records inlined down to a depth and the others (deeper or
 * recursive ones) as functions of their own, and the objects the code needs (types, symbol tables, record
 * classes) passed in as constants `C[i]`.
 */
import avsc from 'avsc';

const types = avsc.types as unknown as Record<string, { prototype: object }>;

/** Whether `type` is exactly avsc's `types[name]`: subclasses (logical types…) are left to avsc. */
export function is(type: avsc.Type, name: string): boolean {
  const ctor = types[name];
  return ctor !== undefined && Object.getPrototypeOf(type) === ctor.prototype;
}

/** Records nested this deep or deeper get a function of their own instead of being inlined. */
const MAX_INLINE_DEPTH = 6;

export abstract class AvroCompiler {
  private readonly constants: unknown[] = [];
  private readonly functions: string[] = [];
  private readonly recordFns = new Map<avsc.Type, string>();
  private readonly inlining = new Set<avsc.Type>();
  private counter = 0;

  /** An expression for `value`, passed to the generated code as a constant. */
  protected c(value: unknown): string {
    const i = this.constants.indexOf(value);
    if (i >= 0) return `C[${i}]`;
    this.constants.push(value);
    return `C[${this.constants.length - 1}]`;
  }

  /** A fresh local variable name. */
  protected v(prefix = 'v'): string {
    return `${prefix}${this.counter++}`;
  }

  /**
   * The code `body()` gives for record `rec` at nesting `depth`, or undefined when the record must not be
   * inlined there (it is being inlined already, i.e. recursive, or it is nested too deep).
   */
  protected inlined(rec: avsc.Type, depth: number, body: () => string): string | undefined {
    if (this.inlining.has(rec) || depth >= MAX_INLINE_DEPTH) return undefined;
    this.inlining.add(rec);
    const code = body();
    this.inlining.delete(rec);
    return code;
  }

  /**
   * The name (`prefix` + a number) of the function of its own for record `rec`, whose source `source(name)`
   * gives; generated once per record, with inlining started afresh inside it.
   */
  protected recordFunction(rec: avsc.Type, prefix: string, source: (name: string) => string): string {
    const existing = this.recordFns.get(rec);
    if (existing) return existing;
    const name = `${prefix}${this.recordFns.size}`;
    this.recordFns.set(rec, name);
    const saved = new Set(this.inlining);
    this.inlining.clear();
    this.inlining.add(rec);
    const body = source(name);
    this.inlining.clear();
    for (const t of saved) this.inlining.add(t);
    this.functions.push(body);
    return name;
  }

  /**
   * Compiles the record functions and `main` (the source of function `entry`) and answers `entry`. The
   * generated code sees the constants as `C` and each of `bindings` under its key.
   */
  protected link<F>(main: string, entry: string, bindings: Record<string, unknown>): F {
    const source = `${this.functions.join('\n')}\n${main}\nreturn ${entry};`;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const factory = new Function('C', ...Object.keys(bindings), source) as (...args: unknown[]) => F;
    return factory(this.constants, ...Object.values(bindings));
  }
}

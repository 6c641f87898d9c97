/**
 * A secret value (the local KMS secret) that cannot leak by accident: its text lives in a private field, so
 * JSON.stringify, util.inspect, template strings and pino (which serialises with JSON) all see a mask.
 */
import { inspect } from 'node:util';

const MASK = '****';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The text itself: only for the code that uses the secret (deriving a key). */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [inspect.custom](): string {
    return `Secret(${MASK})`;
  }
}

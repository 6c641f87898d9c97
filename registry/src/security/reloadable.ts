/**
 * A value loaded from a file and reloaded without a restart: when the file changes (polled with
 * fs.watchFile, which also sees a file replaced by a rename, as editors and `user add` do) and on demand
 * (SIGHUP, through the security layer's `reload`). A reload that fails keeps the previous value and is
 * reported; the first load throws, so a bad file stops the start-up with its error.
 */
import { unwatchFile, watchFile, type Stats } from 'node:fs';

export class ReloadableFile<T> {
  private value: T;
  private readonly onChange = (cur: Stats, prev: Stats) => {
    if (cur.mtimeMs !== prev.mtimeMs || cur.ino !== prev.ino || cur.size !== prev.size) void this.reload();
  };

  private constructor(
    readonly path: string,
    private readonly load: (path: string) => Promise<T>,
    initial: T,
    private readonly listener: ReloadListener,
  ) {
    this.value = initial;
  }

  static async open<T>(path: string, load: (path: string) => Promise<T>, listener: ReloadListener, pollMs: number): Promise<ReloadableFile<T>> {
    const file = new ReloadableFile(path, load, await load(path), listener);
    if (pollMs > 0) watchFile(path, { interval: pollMs, persistent: false }, file.onChange);
    return file;
  }

  get current(): T {
    return this.value;
  }

  /** Loads the file again; on failure the previous value stays. */
  async reload(): Promise<boolean> {
    try {
      this.value = await this.load(this.path);
      this.listener.reloaded?.(this.path);
      return true;
    } catch (err) {
      this.listener.failed?.(this.path, err);
      return false;
    }
  }

  close(): void {
    unwatchFile(this.path, this.onChange);
  }
}

export interface ReloadListener {
  reloaded?(path: string): void;
  failed?(path: string, err: unknown): void;
}
